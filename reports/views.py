"""Dashboards, regional progress reports and the progress pages of initiatives, expected results
and countries. Read-only: every figure comes from `reports.queries`."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from activities.models import Activity, ProgressReport
from initiatives.models import Country, CountryGroup, ExpectedResult, Indicator, Initiative, Region
from reports import documents, exports, iati
from reports.cache import figures_cache
from reports.charts import region_charts
from reports.forms import (
    CountryListForm,
    MoneyLinesForm,
    PeriodForm,
    ResultListForm,
    period_form,
)
from reports.queries.expected_results import InitiativeFigures
from reports.queries.indicators import how_it_adds_up, status_rule
from reports.queries.region import all_region_figures, region_figures

# --- Dashboards (all regions, a region, drill-down lists of countries and expected results)


def _region(region_code):
    """The region of the URL; codes are upper case, so "asp" is a page that does not exist."""
    return get_object_or_404(Region, code=region_code)


def _kept_filters(request):
    """The query's other parameters, which the period picker keeps as hidden fields."""
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in ("plan", "year", "work")
        for value in values
    ]


@require_safe
def all_regions(request):
    """Every region of an action plan side by side for a year: coverage, activities by status,
    countries reached, of all and of the groups every region counts (LDC, SIDS, LLDC)."""
    period = period_form(request)
    if not period.is_valid():
        return render(request, "reports/all_regions.html", {"period": period}, status=400)
    plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
    context = {
        "period": period,
        "plan": plan,
        "year": year,
        # Counted only if the page's figures are not in the cache.
        "regions": SimpleLazyObject(
            lambda: all_region_figures(plan, year, all_work=period.all_work)
        ),
        "groups": SimpleLazyObject(lambda: list(CountryGroup.objects.offered_everywhere())),
        "statuses": Activity.COUNTED_STATUSES,
        "figures_cache": figures_cache("all-regions", *period.query.values()),
        "work_option": True,
    }
    return render(request, "reports/all_regions.html", context)


@require_safe
def region_dashboard(request, region_code):
    """A region's dashboard for a plan and year; with ?format=json, the same figures as JSON
    for other tools (the README documents the shape)."""
    region = _region(region_code)
    output = request.GET.get("format")
    if output not in (None, "json"):
        return HttpResponseBadRequest("Unknown format: ?format=json, or none for the page.")
    period = period_form(request)
    if not period.is_valid():
        if output == "json":
            return JsonResponse({"errors": period.errors.get_json_data()}, status=400)
        context = {"region": region, "period": period}
        return render(request, "reports/region_dashboard.html", context, status=400)
    if output == "json":
        return JsonResponse(region_figures_json(region, period))
    figures = _period_figures(region, period)  # counted on first use only
    cached = figures_cache(region.code, *period.query.values())
    context = {
        "region": region,
        "period": period,
        "figures": figures,
        "charts": SimpleLazyObject(lambda: region_charts(figures)),
        "indicator_sections": SimpleLazyObject(lambda: _indicator_sections(figures)),
        "status_rule": status_rule(),
        "period_query": urlencode(period.query),
        "figures_cache": cached,
        "work_option": True,
    }
    return render(request, "reports/region_dashboard.html", context)


def region_figures_json(region, period):
    """The region's figures for the valid `period` as JSON data (`RegionFigures.as_json`),
    from the cache when they are in it: what the dashboard's ?format=json and the API's region
    figures (reports/api.py) both answer."""
    cached = figures_cache(region.code, *period.query.values())
    return cached.get_or_set("region-json", _period_figures(region, period).as_json)


def _period_figures(region, period):
    """The region's figures for the valid `period`: its plan, its year and whether all work
    counts, whatever its plan (?work=all)."""
    plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
    return region_figures(region, plan, year, all_work=period.all_work)


def _region_list(request, region_code, filter_form, template):
    """A list that a dashboard figure links to: the region's rows that `filter_form` keeps
    (built with the region's figures; its `listed()` gives the rows). A bad period or filter
    shows the page with the errors, status 400."""
    region = _region(region_code)
    period = period_form(request)
    context = {
        "region": region,
        "period": period,
        "kept_filters": _kept_filters(request),
        "work_option": True,
    }
    if not period.is_valid():
        return render(request, template, context, status=400)
    figures = _period_figures(region, period)
    filters = filter_form(request.GET, figures)
    context |= {"figures": figures, "filters": filters}
    if not filters.is_valid():
        return render(request, template, context, status=400)
    context |= filters.listed() | {"period_query": urlencode(period.query)}
    return render(request, template, context)


@require_safe
def country_list(request, region_code):
    """The region's countries that a country figure counts: ?group=, ?reached=yes|no, and
    reached by the activities of ?result= or ?initiative=. Its length is the figure."""
    return _region_list(request, region_code, CountryListForm, "reports/country_list.html")


@require_safe
def result_list(request, region_code):
    """The region's expected results that a coverage figure counts: ?covered=yes|no,
    ?initiative=. Its length is the figure."""
    return _region_list(request, region_code, ResultListForm, "reports/result_list.html")


@require_safe
def money_lines(request, region_code):
    """The budget lines (?kind=budget) or expenditure (?kind=spent) behind a figure of the
    region's financial table, with the part of each that the figure counts: ?initiative=,
    ?source=. Their total is the figure."""
    return _region_list(request, region_code, MoneyLinesForm, "reports/money_lines.html")


# --- Indicators: how far each expected result has come against its targets


@dataclass
class ResultIndicators:
    """An expected result as the indicator tables show it: its status (the worst of its
    indicators') and its indicators' IndicatorFigures."""

    result: ExpectedResult
    status: str
    indicators: list


@dataclass
class InitiativeIndicators:
    """An initiative's status (the worst of its results') and its ResultIndicators."""

    initiative: Initiative
    status: str
    results: list


def _result_indicators(figures, result, every_one=True):
    """The result's ResultIndicators: with `every_one` off, without the computed indicators
    that have no target (every result has five: the dashboard would list 175 "no target"
    rows for Asia-Pacific; the result's own page lists them all)."""
    indicators = figures.indicators_by_result.get(result.pk, [])
    if not every_one:
        indicators = [f for f in indicators if not f.indicator.is_computed or f.target is not None]
    return ResultIndicators(
        result=result, status=figures.result_status(result), indicators=indicators
    )


def _indicator_sections(figures):
    """InitiativeIndicators for each initiative of `figures`, in the results table's order:
    the dashboard's, without the computed indicators that have no target."""
    return [
        InitiativeIndicators(
            initiative=initiative.initiative,
            status=figures.initiative_status(initiative.initiative),
            results=[
                _result_indicators(figures, r.result, every_one=False) for r in initiative.results
            ],
        )
        for initiative in figures.initiatives
    ]


@dataclass
class ValueLine:
    """An approved report's value as the page of an actual lists it: the report (with its
    activity), the value, and for distinct countries the countries it counts."""

    report: ProgressReport
    value: object  # a Decimal
    countries: list
    by_sex: tuple = ()  # people reached: (women, men)


@require_safe
def indicator_actual(request, region_code, pk):
    """What a reported indicator's actual (or the people reached) is made of in a year: the
    approved reports' values that add up to it, and the total, the very actual the dashboard
    shows. The other computed indicators have no such page: their figures link to the
    dashboard's own lists."""
    region = _region(region_code)
    indicator = get_object_or_404(
        Indicator.objects.from_reports().select_related("expected_result__initiative"),
        pk=pk,
        expected_result__initiative__region=region,
    )
    period = _period(request)
    context = {
        "region": region,
        "indicator": indicator,
        "period": period,
        "kept_filters": _kept_filters(request),
    }
    if not period.is_valid():
        return render(request, "reports/indicator_actual.html", context, status=400)
    plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
    figures = region_figures(region, plan, year)
    indicator_figures = next(
        (
            f
            for f in figures.indicators_by_result.get(indicator.expected_result_id, [])
            if f.indicator.pk == indicator.pk
        ),
        None,
    )
    if indicator_figures is None:
        raise Http404(f"{indicator.full_code} is not an indicator of {plan.code}.")
    actual = figures.indicator_actual(indicator_figures.indicator)
    # Two queries at most, whatever the number of values: their reports, and the countries.
    reports = ProgressReport.objects.select_related("activity").in_bulk(
        {row.report_id for row in actual.rows}
    )
    countries = Country.objects.in_bulk(actual.countries)
    by_name = sorted(countries.values(), key=lambda c: c.name)
    lines = sorted(
        (
            ValueLine(
                report=reports[row.report_id],
                value=row.value,
                countries=[c for c in by_name if c.pk in row.countries],
                by_sex=row.by_sex,
            )
            for row in actual.rows
        ),
        key=lambda line: (line.report.year, line.report.quarter, line.report.activity.title),
    )
    context |= {
        "plan": plan,
        "year": year,
        "figures": figures,
        "indicator": indicator_figures.indicator,
        "indicator_figures": indicator_figures,
        "lines": lines,
        "countries": by_name,
        "how_it_adds_up": how_it_adds_up(indicator, plan.start_year, year),
        "status_rule": status_rule(),
        "period_query": urlencode(period.query),
    }
    return render(request, "reports/indicator_actual.html", context)


# --- Downloads and the regional progress report


def _attachment(content, filename, content_type):
    """A response that the browser saves as the file `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _period_errors(period):
    """A file that cannot be made: why, in a line of plain text (status 400)."""
    errors = [f"{period[name].label}: {' '.join(e)}" for name, e in period.errors.items()]
    return HttpResponseBadRequest("; ".join(errors), content_type="text/plain; charset=utf-8")


@require_safe
def table_download(request, region_code, table, file_format):
    """A table of the region dashboard as CSV or XLSX, for ?plan=&year=: exactly its figures
    (see reports.exports), e.g. /dashboard/ASP/tables/matrix.csv → ASP-2026-matrix.csv."""
    build_table = exports.TABLES.get(table)
    if build_table is None or file_format not in exports.FORMATS:
        raise Http404("There is no such table or file format.")
    region = _region(region_code)
    period = period_form(request)
    if not period.is_valid():
        return _period_errors(period)
    figures = _period_figures(region, period)
    filename = exports.table_filename(figures, table, file_format)
    if file_format == "csv":
        content = exports.csv_content(build_table(figures))
    else:
        content = exports.xlsx_content([build_table(figures)])
    return _attachment(content, filename, exports.CONTENT_TYPES[file_format])


def _report_period(request, year):
    """The PeriodForm of a regional report: ?plan= (unknown: 404) and the URL's year."""
    data = request.GET.copy()
    data["year"] = str(year)
    period = PeriodForm(data)
    if period.has_error("plan"):
        raise Http404(period.errors["plan"][0])
    return period


@require_safe
def regional_report(request, region_code, year):
    """The regional progress report of a region for a year of an action plan: its summary and
    annexes with one initiative's body, ?initiative=CODE (the region's first without it), to
    print (the print stylesheet drops navigation, breaks before the initiative and the
    annexes); the downloads hold every initiative."""
    region = _region(region_code)
    period = _report_period(request, year)
    if not period.is_valid():
        context = {"region": region, "period": period}
        return render(request, "reports/regional_report.html", context, status=400)
    figures = _period_figures(region, period)  # counted on first use only
    initiatives = list(figures.initiative_list)
    initiative = _report_initiative(request, figures, initiatives)
    report_query = {name: value for name, value in period.query.items() if name != "year"}
    context = {
        "region": region,
        "figures": figures,
        "matrix": SimpleLazyObject(lambda: exports.matrix_by_initiative(figures)),
        "initiative_code": initiative.code if initiative else "",
        "picker": _initiative_picker(initiatives, initiative, report_query),
        "section": SimpleLazyObject(lambda: _report_section(figures, initiative)),
        "status_rule": status_rule(),
        "period_query": urlencode(period.query),
        "generated_on": timezone.localdate(),
        "figures_cache": figures_cache(region.code, *period.query.values()),
    }
    return render(request, "reports/regional_report.html", context)


def _report_initiative(request, figures, initiatives):
    """The initiative of ?initiative=CODE among the report's `initiatives`, the first without
    it (None when the region has none in the plan); a code of none of them: 404."""
    code = request.GET.get("initiative")
    if not code:
        return initiatives[0] if initiatives else None
    for initiative in initiatives:
        if initiative.code == code:
            return initiative
    raise Http404(
        f"{code} is not an initiative of {figures.region.name} in {figures.plan.code}: "
        f"choose one of {', '.join(i.code for i in initiatives) or 'none'}."
    )


@dataclass
class PickerLink:
    """A link of the report's initiative picker: the initiative, and its page of the report."""

    initiative: Initiative
    url: str


@dataclass
class InitiativePicker:
    """The links to the report's page of each initiative, in order, the one shown (`current`)
    among them, and those of the initiatives before and after it (None at either end)."""

    links: list
    current: Initiative | None
    previous: PickerLink | None = None
    next: PickerLink | None = None


def _initiative_picker(initiatives, current, query):
    """The InitiativePicker of the report's page showing `current` of `initiatives`; each link
    keeps the page's `query` (plan, work)."""
    links = [PickerLink(i, f"?{urlencode(query | {'initiative': i.code})}") for i in initiatives]
    picker = InitiativePicker(links=links, current=current)
    if current is not None:
        index = initiatives.index(current)
        picker.previous = links[index - 1] if index > 0 else None
        picker.next = links[index + 1] if index + 1 < len(links) else None
    return picker


@dataclass
class ReportSection:
    """The body of the report's page: an initiative's InitiativeFigures, its ResultProgress
    (`RegionFigures.initiative_report`) and its InitiativeIndicators."""

    initiative: InitiativeFigures
    results: list
    indicators: InitiativeIndicators


def _report_section(figures, initiative):
    """The ReportSection of `initiative` (None: no section, for a region without any)."""
    if initiative is None:
        return None
    initiative_figures, results = figures.initiative_report(initiative)
    indicators = InitiativeIndicators(
        initiative=initiative,
        status=figures.initiative_status(initiative),
        results=[
            _result_indicators(figures, r.result, every_one=False)
            for r in initiative_figures.results
        ],
    )
    return ReportSection(initiative_figures, results, indicators)


@require_safe
def regional_report_download(request, region_code, year, file_format):
    """The regional progress report as XLSX (sheets Summary, Activities, Matrix) or as a Word
    document (DOCX) with the page's narrative."""
    if file_format not in ("xlsx", "docx"):
        raise Http404("The report downloads as xlsx or docx.")
    region = _region(region_code)
    period = _report_period(request, year)
    if not period.is_valid():
        return _period_errors(period)
    figures = _period_figures(region, period)
    generated_on = timezone.localdate()
    filename = exports.report_filename(figures, file_format)
    if file_format == "xlsx":
        tables = exports.report_tables(figures, generated_on)
        return _attachment(exports.xlsx_content(tables), filename, exports.CONTENT_TYPES["xlsx"])
    content = documents.report_docx(figures, generated_on)
    return _attachment(content, filename, documents.DOCX_TYPE)


@require_safe
def iati_file(request, region_code, year):
    """The region's activities of the year as an IATI 2.03 activity file (XML): those its
    regional report counts for ?plan=, less those kept out of the publication (reports.iati).
    A region with none has no file (404): the schema wants at least one activity."""
    region = _region(region_code)
    period = _report_period(request, year)
    if not period.is_valid():
        return _period_errors(period)
    plan = period.cleaned_data["plan"]
    document = iati.region_document(region, plan, year, all_work=period.all_work)
    if not len(document):
        raise Http404(f"No activity of {region.code} to publish for {plan.code}, {year}.")
    return _attachment(iati.to_bytes(document), iati.filename(region, year), iati.CONTENT_TYPE)


# --- Progress pages of an initiative, an expected result, a country


def _period(request, plan=None):
    """The page's PeriodForm: ?year=, and ?plan= unless the page's URL names its `plan`."""
    if plan is None:
        return period_form(request)
    data = request.GET.copy()
    data["plan"] = plan.code
    return PeriodForm(data)


def _initiative_context(initiative, period):
    """What the pages of an initiative and of its expected results show whatever the period."""
    return {
        "initiative": initiative,
        "plan": initiative.action_plan,
        "region": initiative.region,
        "period": period,
    }


@dataclass
class ActivityRow:
    """An activity as a progress page lists it: its countries, each with the groups it was in
    during the year, and the percent complete of its latest approved report."""

    activity: Activity
    countries: list  # (Country, [group, ...]) pairs
    percent_complete: int | None
    via: list = field(default_factory=list)  # the earlier results it counts through, if any


def _activity_rows(activities, figures):
    """ActivityRow for each of `activities` (fetched with `for_list()`), for `figures`' year."""
    percents = figures.percent_complete_by_activity
    return [
        ActivityRow(
            activity=activity,
            countries=[(c, c.groups_during(figures.year)) for c in activity.countries.all()],
            percent_complete=percents.get(activity.pk),
        )
        for activity in activities
    ]


@require_safe
def initiative_detail(request, plan_code, code):
    """An initiative's objective and its progress in a year: its figures and each expected
    result's, counted as on its region's dashboard."""
    initiative = get_object_or_404(
        Initiative.objects.select_related("action_plan", "region"),
        action_plan__code=plan_code,
        code=code,
    )
    period = _period(request, initiative.action_plan)
    context = _initiative_context(initiative, period)
    if not period.is_valid():
        return render(request, "reports/initiative_detail.html", context, status=400)
    year = period.cleaned_data["year"]
    figures = region_figures(initiative.region, initiative.action_plan, year)
    context |= {
        "year": year,
        "figures": figures,
        "initiative_figures": next(
            f for f in figures.initiatives if f.initiative.pk == initiative.pk
        ),
    }
    return render(request, "reports/initiative_detail.html", context)


@require_safe
def result_detail(request, plan_code, code, number):
    """An expected result's progress in a year: its figures, the activities they count (those
    counting through an earlier plan's result it continues marked so) and the countries its
    ongoing and completed activities reach; the results of other plans it continues and that
    continue it."""
    result = get_object_or_404(
        ExpectedResult.objects.select_related("initiative__action_plan", "initiative__region"),
        initiative__action_plan__code=plan_code,
        initiative__code=code,
        number=number,
    )
    initiative = result.initiative
    period = _period(request, initiative.action_plan)
    context = {"result": result, **_initiative_context(initiative, period)}
    if not period.is_valid():
        return render(request, "reports/result_detail.html", context, status=400)
    year = period.cleaned_data["year"]
    figures = region_figures(initiative.region, initiative.action_plan, year)
    activities = figures.scope.activities().advancing(result).for_list()
    reached = Country.objects.with_designations().filter(
        pk__in=figures.reached_by_result[result.pk]
    )
    # The results of other plans it continues and that continue it, with their plans' codes.
    continues = list(
        result.continues.select_related("initiative__action_plan").order_by(
            "initiative__code", "number"
        )
    )
    rows = _activity_rows(activities, figures)
    counted_via = figures.counted_via(result)
    for row in rows:
        row.via = [r for r in continues if r.pk in counted_via.get(row.activity.pk, ())]
    context |= {
        "year": year,
        "figures": figures,
        "result_figures": next(f for f in figures.results if f.result.pk == result.pk),
        "rows": rows,
        "continues": continues,
        "counted_via": len(counted_via),
        "continued_by": list(
            result.continued_by.select_related("initiative__action_plan").order_by(
                "-initiative__action_plan__start_year", "initiative__code", "number"
            )
        ),
        "countries_reached": [(c, c.groups_during(year)) for c in reached],
        "indicator_results": [_result_indicators(figures, result)],
        "status_rule": status_rule(),
        "period_query": urlencode(period.query),
    }
    return render(request, "reports/result_detail.html", context)


@require_safe
def country_detail(request, iso3):
    """A country's profile: its designations over time, and in a year of an action plan its
    activities and the expected results they advance, counted as on its region's dashboard."""
    country = get_object_or_404(Country.objects.with_designations(), iso3=iso3.upper())
    period = _period(request)
    context = {"country": country, "region": country.region, "period": period}
    if not period.is_valid():
        return render(request, "reports/country_detail.html", context, status=400)
    plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
    figures = _period_figures(country.region, period)
    activities = figures.scope.activities().in_country(country).for_list()
    context |= {
        "plan": plan,
        "year": year,
        "figures": figures,
        "country_figures": next(f for f in figures.countries if f.country.pk == country.pk),
        "rows": _activity_rows(activities, figures),
        "results_advanced": figures.results_advanced_in(country),
        "period_query": urlencode(period.query),
    }
    return render(request, "reports/country_detail.html", context)
