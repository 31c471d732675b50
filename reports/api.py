"""A region's figures in the REST API (config/api_urls.py gathers `urlpatterns`), counted by the
dashboards' own core (reports.queries), never again here:

- /api/v1/regions/<REGION>/figures/: the region dashboard's JSON (`?format=json`), the same
  data from the same function (`reports.views.region_figures_json`) and the same cache;
- /api/v1/regions/<REGION>/indicator-actuals/: each indicator of the region's expected results
  with its target, its actual from approved reports and its status, as the dashboard's
  indicator tables show them (reports.queries.indicators).

Both read the period as the dashboards do (`reports.forms.PeriodForm`: ?plan=, ?year=,
?work=all; the current plan and year by default). A bad period answers 400, an unknown region
404; every signed-in user reads every region, as on the dashboards.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from initiatives.converters import CODE_PATTERN
from initiatives.models import Region
from reports.cache import figures_cache
from reports.forms import ALL_WORK, FIRST_YEAR, LAST_YEAR, PeriodForm
from reports.queries.indicators import Status
from reports.queries.region import region_figures
from reports.views import region_figures_json


def _region_and_period(request, region_code):
    """The region of the URL (404 if none has the code) and the valid PeriodForm of the query;
    a bad plan, year or work is a ValidationError (400)."""
    region = get_object_or_404(Region, code=region_code)
    period = PeriodForm(request.query_params)
    if not period.is_valid():
        raise ValidationError(
            {name: list(messages) for name, messages in period.errors.items()}, code="invalid"
        )
    return region, period


def indicator_actuals_json(figures):
    """Each indicator of the region's expected results (`figures`, a RegionFigures), in the
    dashboard's order, as its indicator tables count it (`IndicatorFigures.as_json`)."""
    return {
        "region": figures.region.code,
        "plan": figures.plan.code,
        "year": figures.year,
        "all_work": figures.scope.all_work,
        "indicators": [
            {
                "id": indicator.indicator.pk,
                "initiative": result.result.initiative.code,
                "expected_result": result.result.code,
                **indicator.as_json(),
            }
            for result in figures.results
            for indicator in figures.indicators_by_result.get(result.result.pk, [])
        ],
    }


# --- What the schema says of them -----------------------------------------------------------

REGION_PARAMETER = OpenApiParameter(
    "region_code",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{CODE_PATTERN}$",
    description="The region's code, e.g. ASP.",
)
PERIOD_PARAMETERS = [
    REGION_PARAMETER,
    OpenApiParameter(
        "plan",
        str,
        description="The action plan's code, e.g. WTDC-25. Default: the plan in force today.",
    ),
    OpenApiParameter(
        "year",
        int,
        description=f"The year ({FIRST_YEAR}–{LAST_YEAR}). Default: this year if it is one of "
        "the plan's, else the plan's first year.",
    ),
    OpenApiParameter(
        "work",
        str,
        enum=[ALL_WORK],
        description="`all`: count all work in the year, whatever its plan (the activities and "
        "countries reached). Default: the activities that advance the plan's expected results.",
    ),
]
ERRORS = {
    400: OpenApiResponse(description="A bad plan, year or work: the errors, by parameter."),
    401: OpenApiResponse(description="No token, or one unknown, expired or revoked."),
    404: OpenApiResponse(description="No region has this code."),
}


class IndicatorActualSerializer(serializers.Serializer):
    """An indicator's figures for the year (documentation: `IndicatorFigures.as_json`)."""

    id = serializers.IntegerField(help_text="The indicator's id (/api/v1/indicators/<id>/).")
    initiative = serializers.CharField(help_text="e.g. ASP3.")
    expected_result = serializers.CharField(help_text="e.g. ASP3.4.")
    code = serializers.CharField(help_text="e.g. ASP3.4-1.")
    name = serializers.CharField()
    measure = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    aggregation = serializers.CharField()
    baseline = serializers.FloatField(allow_null=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    target = serializers.FloatField(
        allow_null=True,
        help_text="The year's target; in the plan's last year, the end-of-plan one if none.",
    )
    actual = serializers.FloatField(
        allow_null=True, help_text="From approved reports (or counted, for a computed one)."
    )
    percent_of_target = serializers.IntegerField(allow_null=True)
    # Text, not an enum: drf-spectacular would name its enum after the field, as the
    # activities' own "status" (a clash in the schema's components).
    status = serializers.CharField(
        help_text="One of " + ", ".join(Status.values) + " (the dashboard's status rule)."
    )
    change_since_last_quarter = serializers.FloatField(allow_null=True)
    planned_by_activities = serializers.FloatField(allow_null=True)


class IndicatorActualsSerializer(serializers.Serializer):
    region = serializers.CharField()
    plan = serializers.CharField()
    year = serializers.IntegerField()
    all_work = serializers.BooleanField()
    indicators = IndicatorActualSerializer(many=True)


# --- Views --------------------------------------------------------------------------------


@extend_schema(
    operation_id="region_figures",
    summary="A region's figures for a plan and year",
    description="Exactly the region dashboard's JSON (`/dashboard/<REGION>/?format=json`): "
    "activities by status, expected results with their indicators, coverage, countries "
    "reached, countries not reached, finances (the README documents the shape).",
    parameters=PERIOD_PARAMETERS,
    responses={200: OpenApiTypes.OBJECT, **ERRORS},
)
@api_view(["GET"])
def region_figures_view(request, region_code):
    region, period = _region_and_period(request, region_code)
    return Response(region_figures_json(region, period))


@extend_schema(
    operation_id="region_indicator_actuals",
    summary="A region's indicators: target, actual and status for a plan and year",
    description="Every indicator of the region's expected results, reported and computed, as "
    "the dashboard's indicator tables count them: the year's target, the actual from approved "
    "progress reports (or counted from the activities), the percent of the target, the status.",
    parameters=PERIOD_PARAMETERS,
    responses={200: IndicatorActualsSerializer, **ERRORS},
)
@api_view(["GET"])
def region_indicator_actuals(request, region_code):
    region, period = _region_and_period(request, region_code)
    plan, year = period.cleaned_data["plan"], period.cleaned_data["year"]
    figures = region_figures(region, plan, year, all_work=period.all_work)
    cached = figures_cache(region.code, *period.query.values())
    return Response(
        cached.get_or_set("region-indicator-actuals-json", lambda: indicator_actuals_json(figures))
    )


routes = []
urlpatterns = [
    path("regions/<code:region_code>/figures/", region_figures_view, name="region-figures"),
    path(
        "regions/<code:region_code>/indicator-actuals/",
        region_indicator_actuals,
        name="region-indicator-actuals",
    ),
]
