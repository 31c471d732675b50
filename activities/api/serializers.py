"""How the API shows activities and progress reports: read-only representations, with codes
for the rows they link to (a region's "ASP", a country's ISO alpha-3 "VNM", an expected
result's "WTDC-25 ASP1.1", a target group's code, a user's username). Writes do not go through
these serializers but through the pages' own forms (activities.api.writes)."""

from rest_framework import serializers

from activities.models import Activity, BudgetLine, Expenditure, IndicatorValue, ProgressReport


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = BudgetLine.LINE_FIELDS


class ActivitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    page = serializers.SerializerMethodField(help_text="The activity's page in the app.")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    countries = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)
    expected_results = serializers.SerializerMethodField(
        help_text="Each as its action plan's code and its own: “WTDC-25 ASP1.1”."
    )
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    focal_point = serializers.SlugRelatedField(slug_field="username", read_only=True)
    archived = serializers.BooleanField(source="is_archived", read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            "page",
            "uid",
            "version",
            *Activity.EDITABLE_FIELDS,
            "custom_split",
            "budget_lines",
            "archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]

    def get_page(self, activity) -> str:
        return self.context["request"].build_absolute_uri(activity.get_absolute_url())

    def get_expected_results(self, activity) -> list[str]:
        return [result.code_in_plan for result in activity.expected_results.all()]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(
        source="indicator.full_code", read_only=True, help_text="Its code: “ASP3.4-1”."
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value"]


class ExpenditureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expenditure
        fields = Expenditure.LINE_FIELDS


class ProgressReportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:progressreport-detail")
    page = serializers.SerializerMethodField(help_text="The report's page in the app.")
    activity = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    indicator_values = IndicatorValueSerializer(many=True, read_only=True)
    expenditures = ExpenditureSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "url",
            "page",
            "activity",
            "version",
            "state",
            *ProgressReport.EDITABLE_FIELDS,
            "indicator_values",
            "expenditures",
            "author",
            "submitted_at",
            "reviewer",
            "reviewed_at",
            "review_comment",
        ]

    def get_page(self, report) -> str:
        return self.context["request"].build_absolute_uri(report.get_absolute_url())
