"""Dashboards, regional progress reports and the progress pages of initiatives, expected results
and countries. Read-only: every figure comes from `reports.queries`."""

from django.http import Http404


# --- Dashboards (all regions, a region, drill-down lists of countries and expected results)


def all_regions(request):
    raise Http404("Not built yet")


def region_dashboard(request, region_code):
    raise Http404("Not built yet")


def country_list(request, region_code):
    raise Http404("Not built yet")


def result_list(request, region_code):
    raise Http404("Not built yet")


# --- Downloads and the regional progress report


def table_download(request, region_code, table, file_format):
    raise Http404("Not built yet")


def regional_report(request, region_code, year):
    raise Http404("Not built yet")


def regional_report_download(request, region_code, year, file_format):
    raise Http404("Not built yet")


# --- Progress pages of an initiative, an expected result, a country


def initiative_detail(request, plan_code, code):
    raise Http404("Not built yet")


def result_detail(request, plan_code, code, number):
    raise Http404("Not built yet")


def country_detail(request, iso3):
    raise Http404("Not built yet")
