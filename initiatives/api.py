"""The reference data, read-only, in the REST API (config/api_urls.py gathers `routes`): regions,
countries with their designations over time, country groups, action plans, initiatives,
expected results, indicators and their targets.

Rows are named by their codes where they have one (a region ASP, a plan WTDC-25, a country TON),
in the URL of those looked up by code and in every representation that points at them. An
initiative's, an expected result's or an indicator's code is unique within its plan only, so
these are looked up by id, and ?plan= tells "ASP1" of one plan from "ASP1" of another.

Each list is paginated (?limit=&offset=) and takes a fixed number of queries, whatever its
length. A filter's unknown code lists nothing.
"""

import django_filters
from django import forms
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.pagination import LimitOffsetPagination

from initiatives.converters import CODE_PATTERN
from initiatives.models import (
    ActionPlan,
    Country,
    CountryGroup,
    Designation,
    ExpectedResult,
    Indicator,
    Initiative,
    Region,
    Target,
)

# An id in a URL: at most 18 digits, so that no database is asked for an id it cannot hold
# (2**70 once made SQLite fail, tests/test_huge_ids.py); a longer one matches no URL (404).
ID_PATTERN = "[0-9]{1,18}"
LARGEST_ID = 2**63 - 1


class ReferencePagination(LimitOffsetPagination):
    """?limit= (100 unless told, 1000 at most) and ?offset=."""

    default_limit = 100
    max_limit = 1000


# --- Filters -------------------------------------------------------------------------------


class CodeFilter(django_filters.CharFilter):
    """A code, matched exactly (codes are upper case: "asp" matches nothing)."""

    def __init__(self, field_name, help_text, **kwargs):
        super().__init__(field_name=field_name, help_text=help_text, max_length=32, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class NumberInRangeFilter(django_filters.Filter):
    """A whole number between `min_value` and `max_value` (an id, a year): out of range, or not
    a whole number, is a 400, never a number the database cannot hold."""

    field_class = forms.IntegerField


def _plan_filter(field_name):
    return CodeFilter(field_name, "An action plan's code, e.g. WTDC-25.")


def _region_filter(field_name):
    return CodeFilter(field_name, "A region's code, e.g. ASP.")


def _initiative_filter(field_name):
    return CodeFilter(field_name, "An initiative's code, e.g. ASP1 (with ?plan= for one plan's).")


def _result_filter(prefix):
    """?expected_result=ASP1.3: the initiative's code and the result's number."""

    def by_code(queryset, name, value):
        initiative, _, number = value.rpartition(".")
        if not initiative or not number.isascii() or not number.isdigit() or len(number) > 4:
            return queryset.none()
        return queryset.filter(
            **{f"{prefix}initiative__code": initiative, f"{prefix}number": int(number)}
        )

    return django_filters.CharFilter(
        method=by_code,
        max_length=40,
        help_text="An expected result's code, e.g. ASP1.3 (with ?plan= for one plan's).",
    )


class CountryFilter(django_filters.FilterSet):
    region = _region_filter("region__code")

    class Meta:
        model = Country
        fields = ["region"]


class CountryGroupFilter(django_filters.FilterSet):
    region = _region_filter("region__code")

    class Meta:
        model = CountryGroup
        fields = ["region"]


class InitiativeFilter(django_filters.FilterSet):
    plan = _plan_filter("action_plan__code")
    region = _region_filter("region__code")

    class Meta:
        model = Initiative
        fields = ["plan", "region"]


class ExpectedResultFilter(django_filters.FilterSet):
    plan = _plan_filter("initiative__action_plan__code")
    region = _region_filter("initiative__region__code")
    initiative = _initiative_filter("initiative__code")

    class Meta:
        model = ExpectedResult
        fields = ["plan", "region", "initiative"]


class IndicatorFilter(django_filters.FilterSet):
    plan = _plan_filter("expected_result__initiative__action_plan__code")
    region = _region_filter("expected_result__initiative__region__code")
    initiative = _initiative_filter("expected_result__initiative__code")
    expected_result = _result_filter("expected_result__")
    measure = django_filters.ChoiceFilter(choices=Indicator.Measure.choices)

    class Meta:
        model = Indicator
        fields = ["plan", "region", "initiative", "expected_result", "measure"]


class TargetFilter(django_filters.FilterSet):
    plan = _plan_filter("indicator__expected_result__initiative__action_plan__code")
    region = _region_filter("indicator__expected_result__initiative__region__code")
    initiative = _initiative_filter("indicator__expected_result__initiative__code")
    expected_result = _result_filter("indicator__expected_result__")
    indicator = NumberInRangeFilter(
        field_name="indicator_id", min_value=1, max_value=LARGEST_ID, help_text="An indicator's id."
    )
    year = NumberInRangeFilter(
        field_name="year",
        min_value=0,
        max_value=32767,
        help_text="A year of the plan (a target for the plan's end has none).",
    )

    class Meta:
        model = Target
        fields = ["plan", "region", "initiative", "expected_result", "indicator", "year"]


# --- Serializers ---------------------------------------------------------------------------


def _code_of(**kwargs):
    """A related row, named by its `code`."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class ActionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionPlan
        fields = ["code", "name", "conference", "start_year", "end_year"]


class CountryGroupSerializer(serializers.ModelSerializer):
    region = _code_of(allow_null=True, help_text="Empty: offered in every region.")

    class Meta:
        model = CountryGroup
        fields = ["code", "name", "member_name", "region", "position", "source"]


class DesignationSerializer(serializers.ModelSerializer):
    """A country's membership of a group for a span of time; the end date is the first day out
    of the group (its graduation date); empty dates: since before records, still in force."""

    group = serializers.CharField(source="group_id", read_only=True, help_text="e.g. LDC.")

    class Meta:
        model = Designation
        fields = ["group", "start_date", "end_date", "note"]


class CountrySerializer(serializers.ModelSerializer):
    region = _code_of()
    other_names = serializers.ListField(
        source="other_name_list", child=serializers.CharField(), read_only=True
    )
    designations = DesignationSerializer(many=True, read_only=True)

    class Meta:
        model = Country
        fields = ["iso3", "iso2", "m49", "name", "other_names", "region", "designations"]


class InitiativeSerializer(serializers.ModelSerializer):
    plan = _code_of(source="action_plan")
    region = _code_of()

    class Meta:
        model = Initiative
        fields = ["id", "plan", "region", "code", "title", "objective"]


class ContinuedResultSerializer(serializers.ModelSerializer):
    """An earlier plan's expected result that a result carries on."""

    plan = serializers.CharField(source="initiative.action_plan.code", read_only=True)
    code = serializers.CharField(read_only=True)

    class Meta:
        model = ExpectedResult
        fields = ["id", "plan", "code"]


class ExpectedResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="The initiative's code and the number.")
    plan = serializers.CharField(source="initiative.action_plan.code", read_only=True)
    region = serializers.CharField(source="initiative.region.code", read_only=True)
    initiative = serializers.CharField(source="initiative.code", read_only=True)
    initiative_id = serializers.IntegerField(read_only=True)
    continues = ContinuedResultSerializer(many=True, read_only=True)

    class Meta:
        model = ExpectedResult
        fields = [
            "id",
            "code",
            "plan",
            "region",
            "initiative",
            "initiative_id",
            "number",
            "text",
            "continues",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    full_code = serializers.CharField(read_only=True, help_text="e.g. ASP3.4-1.")
    plan = serializers.CharField(
        source="expected_result.initiative.action_plan.code", read_only=True
    )
    region = serializers.CharField(source="expected_result.initiative.region.code", read_only=True)
    expected_result = serializers.CharField(source="expected_result.code", read_only=True)
    expected_result_id = serializers.IntegerField(read_only=True)
    disaggregations = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "full_code",
            "plan",
            "region",
            "expected_result",
            "expected_result_id",
            "name",
            "measure",
            "unit",
            "direction",
            "aggregation",
            "disaggregations",
            "baseline_value",
            "baseline_year",
            "baseline_source",
            "is_demo",
        ]


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.full_code", read_only=True)
    indicator_id = serializers.IntegerField(read_only=True)
    plan = serializers.CharField(
        source="indicator.expected_result.initiative.action_plan.code", read_only=True
    )
    region = serializers.CharField(
        source="indicator.expected_result.initiative.region.code", read_only=True
    )

    class Meta:
        model = Target
        fields = ["id", "indicator", "indicator_id", "plan", "region", "year", "value"]
        extra_kwargs = {"year": {"help_text": "Empty: by the end of the plan."}}


# --- Viewsets ------------------------------------------------------------------------------


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """A list (paginated) and a detail page of reference rows."""

    pagination_class = ReferencePagination
    filter_backends = [DjangoFilterBackend]


class ByCodeViewSet(ReferenceViewSet):
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
)
class ByIdViewSet(ReferenceViewSet):
    lookup_value_regex = ID_PATTERN


class RegionViewSet(ByCodeViewSet):
    """The ITU-D regions, by code (AFR, AMS, ARB, ASP, CIS, EUR)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer


class ActionPlanViewSet(ByCodeViewSet):
    """The action plans, latest first, by code (WTDC-25)."""

    queryset = ActionPlan.objects.all()
    serializer_class = ActionPlanSerializer


class CountryGroupViewSet(ByCodeViewSet):
    """The country groups the figures count apart: LDC, SIDS, LLDC and groups of a region's own
    (its `region`), by code."""

    queryset = CountryGroup.objects.select_related("region")
    serializer_class = CountryGroupSerializer
    filterset_class = CountryGroupFilter


class CountryViewSet(ReferenceViewSet):
    """The countries, by ISO alpha-3 code (TON), with their region and their designations over
    time (LDC, SIDS, LLDC and our own groups)."""

    queryset = Country.objects.with_designations()
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    lookup_field = "iso3"
    lookup_value_regex = "[A-Z]{3}"


class InitiativeViewSet(ByIdViewSet):
    """The regional initiatives of the action plans: ?plan=WTDC-25&region=ASP."""

    queryset = Initiative.objects.select_related("action_plan", "region")
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter


class ExpectedResultViewSet(ByIdViewSet):
    """The expected results of the initiatives (ASP1.3), with the earlier plans' results they
    carry on: ?plan=, ?region=, ?initiative=."""

    queryset = ExpectedResult.objects.select_related(
        "initiative__action_plan", "initiative__region"
    ).prefetch_related(
        Prefetch(
            "continues",
            queryset=ExpectedResult.objects.select_related("initiative__action_plan"),
        )
    )
    serializer_class = ExpectedResultSerializer
    filterset_class = ExpectedResultFilter


class IndicatorViewSet(ByIdViewSet):
    """The indicators of the expected results (ASP3.4-1), with their baseline: ?plan=,
    ?region=, ?initiative=, ?expected_result=, ?measure=."""

    queryset = Indicator.objects.select_related(
        "expected_result__initiative__action_plan", "expected_result__initiative__region"
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter


class TargetViewSet(ByIdViewSet):
    """What each indicator is to reach in a year of its plan, or by the plan's end (no year):
    ?plan=, ?region=, ?initiative=, ?expected_result=, ?indicator= (its id), ?year=."""

    queryset = Target.objects.select_related(
        "indicator__expected_result__initiative__action_plan",
        "indicator__expected_result__initiative__region",
    )
    serializer_class = TargetSerializer
    filterset_class = TargetFilter


routes = [
    ("regions", RegionViewSet, "region"),
    ("countries", CountryViewSet, "country"),
    ("country-groups", CountryGroupViewSet, "country-group"),
    ("action-plans", ActionPlanViewSet, "action-plan"),
    ("initiatives", InitiativeViewSet, "initiative"),
    ("expected-results", ExpectedResultViewSet, "expected-result"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("targets", TargetViewSet, "target"),
]
urlpatterns = []
