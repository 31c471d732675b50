"""The admin of work data: activities with their countries, expected results, budget lines and
progress reports, progress reports with their expenditure, and target groups.

Activities and reports keep their history (django-simple-history), visible and revertable from
their change pages (initiatives.history_admin), and every save — a change, an addition, a revert —
goes through the one write path (activities.services): its version check, rules and permissions.
Changelists fetch what their columns show up front, so a page costs a few queries whatever its
number of rows.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import UniqueConstraint

from activities import money, permissions, services
from activities.filters import NO_FUNDING_SOURCE
from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    BudgetLine,
    Expenditure,
    FundingSource,
    ProgressReport,
    TargetGroup,
)
from initiatives.admin import CurrentGroupFilter
from initiatives.history_admin import HistoryAdmin, linked_rows


class VersionCheckedForm(forms.ModelForm):
    """An admin change form that refuses to save over a save made since the page was opened,
    as the staff workspace's forms do: it carries the version the row had then (read from the
    database, so a revert page carries today's version, not the old one it shows), and the one
    write path (`lock`: services.lock_activity or lock_report) compares it, under a row lock
    held until the save, with the version the row has now."""

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
    )
    lock = None  # set by each model's form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )

    def clean(self):
        cleaned_data = super().clean()
        self.current = None  # the row as the database has it now (None: a new one)
        if self.instance.pk is not None:
            try:
                # The admin saves in the same transaction: nobody saves in between.
                self.current = type(self).lock(
                    self.instance.pk, cleaned_data.get("loaded_version") or 0
                )
            except (services.EditConflict, services.ReportEditConflict) as conflict:
                raise forms.ValidationError(
                    f"{conflict} Reload the page to see their changes, then make yours again.",
                    code="edit_conflict",
                ) from None
        return cleaned_data


class ActivityAdminForm(VersionCheckedForm):
    lock = staticmethod(services.lock_activity)

    def clean(self):
        cleaned_data = super().clean()
        refusal = services.archived_refusal(self.current, cleaned_data.get("archived_at"))
        if refusal:
            self.add_error("archived_at", refusal)
        return cleaned_data


class ProgressReportAdminForm(VersionCheckedForm):
    lock = staticmethod(services.lock_report)


class VersionedHistoryAdmin(HistoryAdmin):
    """The admin of a row that people edit concurrently (it has a `version`): a change or a
    revert over someone else's newer save is refused.

    It asks the same rules as the staff pages, with the object (`user.has_perm(perm, obj)`,
    activities/permissions.py): a staff user changes, reverts or deletes only what the rules let
    them, whatever their role's model permissions; without an object (the list, the add page)
    the model permission answers, as in any admin. Saves go through the one write path
    (activities.services), which asks them again."""

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm(self.permission_name("change"), obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm(self.permission_name("delete"), obj)

    def permission_name(self, action):
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"


class CountryGroupFilter(CurrentGroupFilter):
    """Activities with at least one country that is in a country group today."""

    title = "country group today"
    parameter_name = "country_group"


class FundingSourceFilter(admin.SimpleListFilter):
    """Activities with a budget line from a funding source ("Not stated": a line moved from a
    single budget that named none), as the activity list's `?funding=` (activities.filters)."""

    title = "funding source of a budget line"
    parameter_name = "funding"

    def lookups(self, request, model_admin):
        return [*FundingSource.choices, (NO_FUNDING_SOURCE, FundingSource.named(""))]

    def queryset(self, request, queryset):
        if self.value() not in {value for value, _label in self.lookup_choices}:
            return None
        source = "" if self.value() == NO_FUNDING_SOURCE else self.value()
        return queryset.funded_by(source)


class MoneyRowsFormSet(forms.BaseInlineFormSet):
    """The rows of money of an activity or a report (budget lines, expenditure), checked by
    the rules of the one write path (`errors_of`, from activities.money) and handed to it
    (`rows`): the inline itself saves nothing."""

    @staticmethod
    def errors_of(parent, rows):
        """What is wrong with `rows` as the rows of `parent`: messages (each formset's own)."""
        raise NotImplementedError

    def rows(self):
        """The rows the formset keeps, as unsaved model instances (the deleted ones left out)."""
        return [
            self.model(**{name: form.cleaned_data[name] for name in self.model.LINE_FIELDS})
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def get_unique_error_message(self, unique_check):
        """Two rows for the same key: the model's own words ("This activity already has a
        line for this year, …"), not the field names."""
        unique = [c for c in self.model._meta.constraints if isinstance(c, UniqueConstraint)]
        return unique[0].violation_error_message

    def clean(self):
        super().clean()
        if any(self.errors):  # each row says what is wrong with it first
            return
        messages = self.errors_of(self.instance, self.rows())
        if messages:
            raise forms.ValidationError(messages)


class BudgetLineFormSet(MoneyRowsFormSet):
    """An activity's budget lines, in the years of its dates as the form sets them."""

    errors_of = staticmethod(money.budget_line_errors)


class ExpenditureFormSet(MoneyRowsFormSet):
    """A report's expenditure: one row per funding source and currency."""

    @staticmethod
    def errors_of(report, rows):
        return money.expenditure_errors(rows)


class MoneyInline(admin.TabularInline):
    """Rows of money edited with their activity or report: whoever may change it may change
    them, as on the staff pages — the permissions asked are the parent's (`change_permission`
    about the activity or report; `add_permission` on its add page), not the rows' own, which
    no role holds."""

    extra = 0
    add_permission = change_permission = view_permission = ""  # the parent model's

    def _may_write(self, request, obj):
        if obj is None:
            return request.user.has_perm(self.add_permission)
        return request.user.has_perm(self.change_permission, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_permission)


class BudgetLineInline(MoneyInline):
    model = BudgetLine
    formset = BudgetLineFormSet
    fields = ["year", "funding_source", "funding_partner", "amount", "currency"]
    add_permission = "activities.add_activity"
    change_permission = "activities.change_activity"
    view_permission = "activities.view_activity"
    verbose_name = "budget line"
    verbose_name_plural = "budget lines (each in a year of the activity's dates)"


class ExpenditureInline(MoneyInline):
    model = Expenditure
    formset = ExpenditureFormSet
    fields = ["funding_source", "amount", "currency"]
    add_permission = "activities.add_progressreport"
    change_permission = "activities.change_progressreport"
    view_permission = "activities.view_progressreport"
    verbose_name = "expenditure"
    verbose_name_plural = "expenditure in the quarter, per funding source"


class LinksOfRegionFormSet(forms.BaseInlineFormSet):
    """Refuses a country or an expected result of another region than the activity's, by the
    rule the activity form also applies (`services.link_errors`)."""

    def clean(self):
        super().clean()
        region = self.instance.region if self.instance.region_id else None
        if region is None:  # the activity's own form already says the region is missing
            return
        field_name = self.model.TARGET_FIELD
        for form in self.forms:
            target = form.cleaned_data.get(field_name)
            if form.cleaned_data.get("DELETE") or target is None:
                continue
            links = {
                "countries": [target] if field_name == "country" else None,
                "expected_results": [target] if field_name == "expected_result" else None,
            }
            for messages in services.link_errors(region, **links).values():
                form.add_error(field_name, messages)


class ActivityCountryInline(admin.TabularInline):
    model = ActivityCountry
    formset = LinksOfRegionFormSet
    autocomplete_fields = ["country"]
    extra = 0
    min_num = 1
    verbose_name = "country"
    verbose_name_plural = "countries"


class ActivityExpectedResultInline(admin.TabularInline):
    model = ActivityExpectedResult
    formset = LinksOfRegionFormSet
    autocomplete_fields = ["expected_result"]
    extra = 0
    min_num = 1
    verbose_name = "expected result"
    verbose_name_plural = "expected results"


class ProgressReportInline(admin.TabularInline):
    """A read-only summary of the activity's reports; each one is edited on its own page."""

    model = ProgressReport
    fields = ["period", "state", "activity_status", "percent_complete", "author"]
    readonly_fields = fields
    ordering = ["-year", "-quarter"]
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(VersionedHistoryAdmin):
    form = ActivityAdminForm
    list_display = [
        "title",
        "reference",
        "region",
        "status",
        "modality",
        "start_date",
        "end_date",
        "country_names",
        "expected_result_codes",
    ]
    list_filter = [
        "status",
        "region",
        CountryGroupFilter,
        "expected_results__initiative__action_plan",
        "expected_results__initiative",
        "modality",
        FundingSourceFilter,
        "target_groups",
        "is_demo",
        "iati_excluded",
        "archived_at",
    ]
    search_fields = ["title", "reference", "description", "partners", "countries__name"]
    date_hierarchy = "start_date"
    list_select_related = ["region"]
    show_full_result_count = False
    autocomplete_fields = ["focal_point"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["uid", "version", "created_by", "created_at", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "reference", "description", "region", "status", "modality"]}),
        (
            "Dates and partners",
            {"fields": [("start_date", "end_date"), "partners"]},
        ),
        (
            "People",
            {
                "fields": [
                    "focal_point",
                    "target_groups",
                    ("planned_participants_women", "planned_participants_men"),
                ]
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "iati_excluded",
                    "is_demo",
                    "archived_at",
                    "uid",
                    "version",
                    ("created_by", "created_at"),
                    ("updated_by", "updated_at"),
                    "loaded_version",
                ]
            },
        ),
    ]
    inlines = [
        ActivityCountryInline,
        ActivityExpectedResultInline,
        BudgetLineInline,
        ProgressReportInline,
    ]
    # Edited by the inlines on the change page; a revert restores them as the version had them.
    links_restored_on_revert = ["countries", "expected_results"]
    LINK_OF_INLINE = {ActivityCountry: "countries", ActivityExpectedResult: "expected_results"}

    def get_queryset(self, request):
        # Region, countries and expected results of every row in a fixed number of queries.
        return super().get_queryset(request).for_list()

    @admin.display(description="countries")
    def country_names(self, activity):
        return ", ".join(country.name for country in activity.countries.all())

    @admin.display(description="expected results")
    def expected_result_codes(self, activity):
        return ", ".join(result.code for result in activity.expected_results.all())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":  # the regions the user writes in (every one: admins)
            kwargs["queryset"] = permissions.regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """On the change and add pages, nothing yet: the activity is saved with the links its
        inlines give, in `save_related`. A revert (no inlines) saves it here, with the links of
        the version."""
        if hasattr(form, "restored_links"):
            links = {
                name: list(linked_rows(Activity, name, ids))
                for name, ids in form.restored_links.items()
            }
            self.save_activity(request, obj, form, links)
            form.save_m2m = lambda: None  # the target groups are saved with the row

    def save_related(self, request, form, formsets, change):
        links = {}
        for formset in formsets:
            formset.save(commit=False)  # what the change message lists; nothing is saved
            if formset.model in self.LINK_OF_INLINE:
                links[self.LINK_OF_INLINE[formset.model]] = [
                    row.cleaned_data[formset.model.TARGET_FIELD]
                    for row in formset.forms
                    if row.cleaned_data and not row.cleaned_data.get("DELETE")
                ]
            elif formset.model is BudgetLine:
                links["budget_lines"] = formset.rows()
        self.save_activity(request, form.instance, form, links)

    def save_activity(self, request, activity, form, links):
        """Save through the one write path, the activity's own rules and the user's rights
        asked again there; `links` may hold its `budget_lines` too."""
        services.save_activity(
            request.user,
            activity,
            **links,
            target_groups=list(form.cleaned_data["target_groups"]),
            version=form.cleaned_data.get("loaded_version"),
        )

    def revert_errors(self, form, restored_links):
        """A version is restored only if its links keep the rules of any save today
        (`services.link_errors`: a country may have moved region since)."""
        errors = super().revert_errors(form, restored_links)
        if errors:  # it links to rows deleted since: the form says so already
            return errors
        links = {
            name: list(linked_rows(Activity, name, ids)) for name, ids in restored_links.items()
        }
        broken = services.link_errors(form.cleaned_data.get("region"), **links)
        for messages in broken.values():
            errors.extend(f"This version cannot be restored: {message}" for message in messages)
        return errors


@admin.register(ProgressReport)
class ProgressReportAdmin(VersionedHistoryAdmin):
    """Reports' content is edited here, with their expenditure; their workflow (submit,
    approve, return) is not: those fields are read-only, so a report is never approved without
    a reviewer and a review date."""

    list_display = [
        "activity",
        "period",
        "state",
        "activity_status",
        "percent_complete",
        "author",
        "reviewer",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["state", "year", "quarter", "activity__region", "activity_status"]
    search_fields = ["activity__title", "activity__reference", "achievements", "author__username"]
    form = ProgressReportAdminForm
    list_select_related = ["activity", "author", "reviewer"]
    show_full_result_count = False
    autocomplete_fields = ["activity", "author"]
    readonly_fields = [
        "state",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "review_comment",
        "created_at",
        "updated_at",
        "version",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["activity", ("year", "quarter"), "activity_status", "percent_complete"]},
        ),
        (
            "Report",
            {
                "fields": [
                    "achievements",
                    "challenges",
                    "next_steps",
                    "evidence_links",
                    ("people_reached_women", "people_reached_men"),
                ]
            },
        ),
        (
            "Workflow",
            {
                "fields": [
                    "author",
                    "state",
                    "submitted_at",
                    ("reviewer", "reviewed_at"),
                    "review_comment",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at", "version", "loaded_version"]}),
    ]
    inlines = [ExpenditureInline]

    @admin.display(description="period", ordering="year")
    def period(self, report):
        return report.period

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        """On the change and add pages, nothing yet: the report is saved with the expenditure
        its inline gives, in `save_related`. A revert (no inlines) saves it here."""
        if hasattr(form, "restored_links"):
            self.save_report(request, obj, form)

    def save_related(self, request, form, formsets, change):
        expenditures = None
        for formset in formsets:
            formset.save(commit=False)  # what the change message lists; nothing is saved
            if formset.model is Expenditure:
                expenditures = formset.rows()
        self.save_report(request, form.instance, form, expenditures)

    def save_report(self, request, report, form, expenditures=None):
        """Save through the one write path: a report's content and its expenditure (None: left
        as they are), never its workflow's fields."""
        try:
            services.save_report(
                request.user,
                report,
                version=form.cleaned_data.get("loaded_version"),
                fields=["activity", "author", *ProgressReport.EDITABLE_FIELDS],
                expenditures=expenditures,
            )
        except services.WorkflowError as error:
            raise PermissionDenied(str(error)) from None


@admin.register(TargetGroup)
class TargetGroupAdmin(HistoryAdmin):
    """Target groups, with their history. A group in use cannot be deleted: the link to it is
    a plain many-to-many, which the database would quietly drop from every activity."""

    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    SHOWN_IN_USE = 50  # activities named on the "cannot delete" page; then a count

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = Activity.objects.filter(
            pk__in=Activity.target_groups.through.objects.filter(targetgroup__in=objs).values(
                "activity_id"
            )
        ).order_by("title")
        shown = [f"Activity: {activity}" for activity in in_use[: self.SHOWN_IN_USE]]
        more = in_use.count() - len(shown) if len(shown) == self.SHOWN_IN_USE else 0
        if more:
            shown.append(f"… and {more} more activities")
        return to_delete, counts, perms_needed, [*protected, *shown]
