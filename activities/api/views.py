"""The API's work data: /api/v1/activities/ and /api/v1/progress-reports/.

Reads list what the pages list — every activity (the activity list's filters, as its query
string names them), every progress report but other people's drafts (the report list's
filters) — a page at a time behind a cursor. Writes are the pages' writes (activities.api.writes):
the same forms check them, the one write path saves them, and the history says "via API".
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from activities import permissions, services
from activities.api import writes
from activities.api.problems import Conflict
from activities.api.serializers import ActivitySerializer, ProgressReportSerializer
from activities.filters import ActivityFilter, ProgressReportFilter
from activities.forms import ActivityForm, ProgressReportForm, ReviewForm
from activities.models import Activity, IndicatorValue, ProgressReport
from initiatives.models import ExpectedResult

VIA = "API"


class ByIdCursor(CursorPagination):
    """Pages of 50 (`page_size` up to 500), in the order rows were made: a cursor stays right
    while rows are added."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _filtered(filterset_class, request, queryset):
    """`queryset` narrowed by the list page's filters as the query string names them; an
    invalid value answers 400 with what is wrong (the page lists nothing then)."""
    params = request.query_params.copy()
    for name in ("cursor", "page_size"):
        params.pop(name, None)
    if "sort" in params:
        raise exceptions.ValidationError(
            {"sort": ["The API lists rows in the order they were made: sort them in your tool."]}
        )
    filterset = filterset_class(params, queryset, request=request)
    if not filterset.is_valid():
        raise exceptions.ValidationError(
            {name: list(messages) for name, messages in filterset.errors.items()}
        )
    return filterset.qs


def _conflict(detail, changes, current_version):
    return Conflict(
        detail,
        changes=[
            {"field": str(change.label), "before": str(change.old), "after": str(change.new)}
            for change in changes
        ],
        current_version=current_version,
    )


def _refusal_of(error):
    """A write path's `ValidationError` as the API's 400."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                "non_field_errors" if name == "__all__" else name: list(messages)
                for name, messages in error.message_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": list(error.messages)})


ACTIVITY_FILTERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in [
        ("q", "Words in the title, description, reference or a country's name."),
        ("region", "A region's code: ASP."),
        ("country", "A country's ISO alpha-3 code."),
        ("group", "A country group's code: LDC, SIDS, LLDC, …"),
        ("year", "Active in this year."),
        ("plan", "An action plan's code (the current plan's by default)."),
        ("initiative", "An initiative's code in the plan: ASP3."),
        ("result", "An expected result's code in the plan: ASP3.4."),
        ("status", "planned, ongoing, completed, suspended or cancelled (repeatable)."),
        ("modality", "How it is delivered."),
        ("funding", "A funding source of its budget lines."),
        ("budget_year", "With a budget line in this year."),
        ("reported", "With an approved progress report in this year."),
        ("archived", "Archived ones too, or only them."),
    ]
]


@extend_schema_view(list=extend_schema(parameters=ACTIVITY_FILTERS))
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Activities: read every one; create and change those of your regions (POST, PATCH with
    the `version` you read)."""

    serializer_class = ActivitySerializer
    pagination_class = ByIdCursor
    http_method_names = ["get", "head", "options", "post", "patch"]
    queryset = Activity.objects.select_related("region", "focal_point").prefetch_related(
        "countries",
        "target_groups",
        "budget_lines",
        Prefetch(
            "expected_results",
            ExpectedResult.objects.select_related("initiative__action_plan"),
        ),
    )

    def filter_queryset(self, queryset):
        if self.action == "list":
            return _filtered(ActivityFilter, self.request, queryset)
        return queryset

    @extend_schema(request=ActivitySerializer)
    def create(self, request):
        permissions.require(permissions.can_create_activity(request.user))
        payload = writes.read_payload(
            request, Activity.EDITABLE_FIELDS, ActivitySerializer.Meta.fields
        )
        data = writes.activity_form_data(payload)
        self._require_region(data)
        form = writes.bound_form(ActivityForm, data, user=request.user)
        if not form.is_valid():
            writes.refuse(writes.form_errors(form))
        try:
            activity = services.save_activity(request.user, form.instance, **form.links(), via=VIA)
        except ValidationError as error:
            raise _refusal_of(error) from None
        return self._answer(activity.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ActivitySerializer)
    def partial_update(self, request, pk):
        activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
        permissions.require(request.user.has_perm("activities.change_activity", activity))
        payload = writes.read_payload(
            request, [*Activity.EDITABLE_FIELDS, "version"], ActivitySerializer.Meta.fields
        )
        if "version" not in payload:
            writes.refuse({"version": [writes.VERSION_NEEDED]})
        data = writes.activity_form_data(payload, activity)
        self._require_region(data)
        form = writes.bound_form(ActivityForm, data, instance=activity, user=request.user)
        if not form.is_valid():
            writes.refuse(writes.form_errors(form))
        try:
            services.save_activity(
                request.user,
                form.instance,
                **form.links(),
                version=form.cleaned_data["version"],
                via=VIA,
            )
        except ValidationError as error:
            raise _refusal_of(error) from None
        except services.ActivityArchived as error:
            raise Conflict(str(error)) from None
        except services.EditConflict as error:
            raise _conflict(str(error), error.changes, error.activity.version) from None
        return self._answer(activity.pk)

    def _require_region(self, data):
        """403 for a region that is not one of the user's: the page does not offer it."""
        if data.get("region") not in ("", None):
            refusal = services.write_refusal(self.request.user, Activity(region_id=data["region"]))
            if refusal:
                raise PermissionDenied(refusal)

    def _answer(self, pk, status_code=status.HTTP_200_OK):
        activity = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(activity).data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=description)
            for name, description in [
                ("activity", "An activity's id."),
                ("region", "A region's code."),
                ("state", "draft, submitted, approved or returned."),
                ("year", "The report's year."),
                ("quarter", "The report's quarter: 1 to 4."),
            ]
        ]
    )
)
class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Progress reports: every one but other people's drafts; write those of your regions'
    activities (POST a draft, PATCH it with the `version` you read), submit them, and review
    them (approve, return) as a reviewer."""

    serializer_class = ProgressReportSerializer
    queryset = ProgressReport.objects.all()  # its model, for the schema: get_queryset narrows
    pagination_class = ByIdCursor
    http_method_names = ["get", "head", "options", "post", "patch"]

    def get_queryset(self):
        return (
            ProgressReport.objects.visible_to(self.request.user)
            .select_related("activity__region", "author", "reviewer")
            .prefetch_related(
                "expenditures",
                Prefetch(
                    "indicator_values",
                    IndicatorValue.objects.select_related("indicator__expected_result__initiative"),
                ),
            )
        )

    def filter_queryset(self, queryset):
        if self.action == "list":
            return _filtered(ProgressReportFilter, self.request, queryset)
        return queryset

    @extend_schema(request=ProgressReportSerializer)
    def create(self, request):
        fields = [*ProgressReport.EDITABLE_FIELDS, "activity"]
        payload = writes.read_payload(request, fields, ProgressReportSerializer.Meta.fields)
        activity_id = payload.get("activity")
        if not isinstance(activity_id, int) or isinstance(activity_id, bool):
            writes.refuse({"activity": ["Give the id of the activity the report is on."]})
        activity = Activity.objects.select_related("region").filter(pk=activity_id).first()
        if activity is None:
            writes.refuse({"activity": [f"There is no activity {activity_id}."]})
        permissions.require(request.user.has_perm("activities.add_progressreport", activity))
        form = writes.bound_form(
            ProgressReportForm,
            writes.form_data(payload, [*ProgressReport.EDITABLE_FIELDS, "version"]),
            activity=activity,
            user=request.user,
        )
        if not form.is_valid():
            writes.refuse(writes.form_errors(form))
        report = self._saved(lambda: services.save_report(request.user, form.instance, via=VIA))
        return self._answer(report.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ProgressReportSerializer)
    def partial_update(self, request, pk):
        report = self._report(pk)
        permissions.require(request.user.has_perm("activities.add_progressreport", report.activity))
        payload = writes.read_payload(
            request,
            [*ProgressReport.EDITABLE_FIELDS, "version"],
            ProgressReportSerializer.Meta.fields,
        )
        if "version" not in payload:
            writes.refuse({"version": [writes.VERSION_NEEDED]})
        form = writes.bound_form(
            ProgressReportForm,
            writes.form_data(payload, [*ProgressReport.EDITABLE_FIELDS, "version"]),
            instance=report,
            activity=report.activity,
            user=request.user,
        )
        if not form.is_valid():
            writes.refuse(writes.form_errors(form))
        self._saved(
            lambda: services.save_report(
                request.user, form.instance, version=form.cleaned_data["version"], via=VIA
            )
        )
        return self._answer(report.pk)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk):
        """Submit a draft or a returned report for review."""
        report = self._report(pk)
        permissions.require(request.user.has_perm("activities.add_progressreport", report.activity))
        self._saved(
            lambda: services.submit_report(report, request.user, self._page(report), via=VIA)
        )
        return self._answer(report.pk)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        """Approve a submitted report, with an optional `comment`."""
        return self._review(request, pk, services.approve_report, comment_required=False)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_author(self, request, pk):
        """Return a submitted report to its author with a `comment` saying what to change."""
        return self._review(request, pk, services.return_report, comment_required=True)

    def _review(self, request, pk, move, comment_required):
        report = self._report(pk)
        permissions.require(
            request.user.has_perm("activities.review_progressreport", report.activity)
        )
        payload = writes.read_payload(request, ["comment"], [])
        form = ReviewForm(writes.form_data(payload, ["comment"]), comment_required=comment_required)
        if not form.is_valid():
            writes.refuse(writes.form_errors(form))
        comment = form.cleaned_data["comment"]
        self._saved(lambda: move(report, request.user, comment, self._page(report), via=VIA))
        return self._answer(report.pk)

    def _report(self, pk):
        report = get_object_or_404(
            ProgressReport.objects.select_related("activity__region", "author"), pk=pk
        )
        if not permissions.can_see_report(self.request.user, report):
            raise exceptions.NotFound("No such progress report.")
        return report

    def _page(self, report):
        return self.request.build_absolute_uri(report.get_absolute_url())

    def _saved(self, write):
        """What `write` (a call of the write path) returns; its refusals as the API's."""
        try:
            result = write()
        except ValidationError as error:
            raise _refusal_of(error) from None
        except services.NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except services.ReportEditConflict as error:
            raise _conflict(str(error), error.changes, error.report.version) from None
        except services.WorkflowError as error:
            raise Conflict(str(error)) from None
        return result[0] if isinstance(result, tuple) else result

    def _answer(self, pk, status_code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(report).data, status=status_code)


routes = [
    ("activities", ActivityViewSet, "activity"),
    ("progress-reports", ProgressReportViewSet, "progressreport"),
]
urlpatterns = []
