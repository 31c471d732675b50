"""Admin for reference data: action plans, regions, countries and their designations, initiatives
and their expected results, the expected results' indicators with their targets, and the monthly
rates of exchange (kept by hand, or imported from a spreadsheet: initiatives.exchange_rates).

Every model keeps its history (django-simple-history), visible and revertable from its change
page; a revert saves everything or nothing (initiatives.history_admin). Changelists fetch what their
columns show up front, so a page costs a few queries whatever its number of rows.
"""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from initiatives import exchange_rates, target_spreadsheet
from initiatives.history_admin import HistoryAdmin
from initiatives.models import (
    ActionPlan,
    Country,
    CountryGroup,
    Designation,
    ExchangeRate,
    ExpectedResult,
    Indicator,
    Initiative,
    Region,
    Target,
)

# An expected result's display code, e.g. "ASP3.4": its initiative's code and its number.
EXPECTED_RESULT_CODE = re.compile(r"(?P<initiative>[A-Za-z0-9-]+)\.(?P<number>\d+)")


class CurrentGroupFilter(admin.SimpleListFilter):
    """Rows in a country group today (groups change as countries join and leave them): the
    countries, or the activities with a country in it, as their queryset's `in_group` says."""

    title = "group today"
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return CountryGroup.objects.values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value() not in {code for code, _ in self.lookup_choices}:
            return None
        return queryset.in_group(self.value())


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["code", "name", "conference", "start_year", "end_year", "initiative_count"]
    search_fields = ["code", "name", "conference"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(initiative_count=Count("initiatives"))

    @admin.display(description="initiatives", ordering="initiative_count")
    def initiative_count(self, plan):
        return plan.initiative_count


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["code", "name", "country_count"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description="countries", ordering="country_count")
    def country_count(self, region):
        return region.country_count


class DesignationInline(admin.TabularInline):
    model = Designation
    fields = ["group", "start_date", "end_date", "note"]
    extra = 0


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "other_names_shown", "iso3", "iso2", "m49", "region", "groups_today"]
    list_filter = ["region", CurrentGroupFilter]
    # The other names too ("Vietnam"), here and in every autocomplete of a country.
    search_fields = ["name", "other_names", "iso3", "iso2", "m49"]
    list_select_related = ["region"]
    inlines = [DesignationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_designations()

    @admin.display(description="other names", ordering="other_names")
    def other_names_shown(self, country):
        return ", ".join(country.other_name_list)

    @admin.display(description="groups today")
    def groups_today(self, country):
        # Reads the prefetched designations: no query per row.
        return ", ".join(group.code for group in country.current_groups)


class MemberInline(admin.TabularInline):
    """A group's members, each for a span of time, as a country's designations are."""

    model = Designation
    fields = ["country", "start_date", "end_date", "note"]
    autocomplete_fields = ["country"]
    verbose_name = "member"
    verbose_name_plural = "members (a country leaves the group on its end date)"
    extra = 0


@admin.register(CountryGroup)
class CountryGroupAdmin(HistoryAdmin):
    list_display = ["code", "name", "region", "position", "member_count"]
    list_filter = ["region"]
    search_fields = ["code", "name", "member_name", "source"]
    list_select_related = ["region"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("designations"))

    def get_readonly_fields(self, request, obj=None):
        # Designations name their group by code, and lists' addresses carry it (?group=PIC).
        return ["code"] if obj else []

    @admin.display(description="memberships", ordering="member_count")
    def member_count(self, group):
        return group.member_count


@admin.register(Designation)
class DesignationAdmin(HistoryAdmin):
    list_display = ["country", "group", "start_date", "end_date", "in_force_today"]
    list_filter = ["group", "country__region"]
    search_fields = ["country__name", "country__other_names", "country__iso3", "note"]
    list_select_related = ["country", "group"]
    autocomplete_fields = ["country"]

    @admin.display(description="in force today", boolean=True)
    def in_force_today(self, designation):
        return designation.is_active_on(datetime.date.today())


class ExpectedResultInline(admin.TabularInline):
    model = ExpectedResult
    fields = ["number", "text"]
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin):
    list_display = ["code", "title", "action_plan", "region", "expected_result_count"]
    list_filter = ["action_plan", "region"]
    search_fields = ["code", "title", "objective"]
    inlines = [ExpectedResultInline]

    def get_queryset(self, request):
        # Plan, region and the count of expected results come with the rows.
        return super().get_queryset(request).with_result_counts()

    @admin.display(description="expected results", ordering="expected_result_count")
    def expected_result_count(self, initiative):
        return initiative.expected_result_count


class IndicatorInline(admin.StackedInline):
    """An expected result's indicators, under it. The computed ones every result has are
    listed with the others; their measure says how they are counted."""

    model = Indicator
    fields = [
        ("code", "name", "is_demo"),
        ("measure", "unit", "direction", "aggregation"),
        ("by_sex", "by_age", "by_disability", "by_country"),
        ("baseline_value", "baseline_year", "baseline_source"),
    ]
    extra = 0
    show_change_link = True  # its targets are edited on its own page


class ExpectedResultForm(forms.ModelForm):
    """An expected result, and the earlier plans' results it continues: only results of plans
    that start before its own (`ExpectedResult.validate_continues`)."""

    class Meta:
        model = ExpectedResult
        fields = ["initiative", "number", "text", "continues"]

    def clean(self):
        cleaned = super().clean()
        initiative, continues = cleaned.get("initiative"), cleaned.get("continues")
        if initiative and continues:
            earlier = continues.select_related("initiative__action_plan")
            try:
                self.instance.validate_continues(earlier, initiative.action_plan)
            except forms.ValidationError as error:
                self.add_error("continues", error)
        return cleaned


@admin.register(ExpectedResult)
class ExpectedResultAdmin(HistoryAdmin):
    form = ExpectedResultForm
    list_display = ["code", "short_label", "action_plan", "initiative__region", "continues_shown"]
    list_filter = ["initiative__action_plan", "initiative__region", "initiative"]
    search_fields = ["initiative__code", "text"]
    list_select_related = ["initiative__action_plan", "initiative__region"]
    autocomplete_fields = ["initiative", "continues"]
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        # The results each one continues, with their plans: no query per row.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "continues",
                    queryset=ExpectedResult.objects.select_related(
                        "initiative__action_plan"
                    ).order_by("initiative__code", "number"),
                )
            )
        )

    @admin.display(description="continues")
    def continues_shown(self, expected_result):
        return ", ".join(result.code_in_plan for result in expected_result.continues.all())

    @admin.display(description="code")
    def code(self, expected_result):
        return expected_result.code

    @admin.display(description="label")
    def short_label(self, expected_result):
        return expected_result.short_label

    @admin.display(description="action plan", ordering="initiative__action_plan__start_year")
    def action_plan(self, expected_result):
        return expected_result.initiative.action_plan.code

    def get_search_results(self, request, queryset, search_term):
        """Also find an expected result by its code, so "ASP3.4" finds ASP3's fourth result."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = EXPECTED_RESULT_CODE.fullmatch(search_term.strip())
        if match:
            found |= queryset.filter(
                initiative__code__iexact=match["initiative"], number=match["number"]
            )
        return found, may_have_duplicates


class TargetForm(forms.ModelForm):
    """A target, and why it changes: a changed value keeps its old one in the history, with who
    changed it and this reason."""

    reason = forms.CharField(
        max_length=100,
        required=False,
        help_text="Why the target changes: required when an existing target's value changes.",
    )

    class Meta:
        model = Target
        fields = ["year", "value", "reason"]

    def clean(self):
        cleaned = super().clean()
        revised = self.instance.pk is not None and "value" in self.changed_data
        if revised and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the target changes: the history keeps it.")
        return cleaned


class TargetInline(admin.TabularInline):
    model = Target
    form = TargetForm
    fields = ["year", "value", "reason"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["full_code", "name", "measure", "unit", "aggregation", "is_demo"]
    list_filter = [
        "measure",
        "is_demo",
        "expected_result__initiative__action_plan",
        "expected_result__initiative__region",
    ]
    search_fields = ["name", "code", "expected_result__initiative__code"]
    list_select_related = ["expected_result__initiative"]
    autocomplete_fields = ["expected_result"]
    inlines = [TargetInline]

    @admin.display(description="code", ordering="expected_result")
    def full_code(self, indicator):
        return indicator.full_code

    def save_formset(self, request, form, formset, change):
        # Each revised target's history row keeps the reason given (simple-history reads
        # `_change_reason` when it saves; the user comes from its request middleware).
        if formset.model is Target:
            for target_form in formset.forms:
                reason = target_form.cleaned_data.get("reason") if target_form.is_valid() else ""
                if reason:
                    target_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    """Targets, searchable and with their history (who changed what, and why). The list links
    to the targets spreadsheet, to set or revise all of them at once (target_spreadsheet)."""

    form = TargetForm
    fields = ["indicator", "year", "value", "reason"]
    list_display = ["indicator", "year", "value"]
    list_filter = ["year", "indicator__expected_result__initiative__region"]
    search_fields = ["indicator__name", "indicator__expected_result__initiative__code"]
    list_select_related = ["indicator__expected_result__initiative"]
    autocomplete_fields = ["indicator"]

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("reason", "")
        super().save_model(request, obj, form, change)

    def get_urls(self):
        # The targets spreadsheet (download, import, confirm), before the admin's own URLs,
        # whose "<object id>/" would take "import/".
        return target_spreadsheet.admin_urls(self) + super().get_urls()


class RateUploadForm(forms.Form):
    file = forms.FileField(
        label="File of rates",
        help_text="An .xlsx or CSV (UTF-8) file with the columns currency, month (YYYY-MM) and "
        "rate.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ExchangeRateForm(forms.ModelForm):
    """A rate for a month: any day given is read as its month's first."""

    class Meta:
        model = ExchangeRate
        fields = ["currency", "month", "rate", "source", "is_demo"]

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month


@admin.register(ExchangeRate)
class ExchangeRateAdmin(HistoryAdmin):
    """The UN operational rates of exchange, by month and currency, with their history. The
    list links to "Import rates" (`import_view`), for those who may add and change rates."""

    form = ExchangeRateForm
    list_display = ["month_shown", "currency", "rate", "source", "is_demo"]
    list_display_links = ["month_shown", "currency"]
    list_filter = ["currency", "is_demo"]
    search_fields = ["currency", "source"]
    date_hierarchy = "month"
    ordering = ["-month", "currency"]

    @admin.display(description="month", ordering="month")
    def month_shown(self, rate):
        return f"{rate.month:%Y-%m}"

    def get_urls(self):
        # Before the admin's own URLs, whose "<object id>/" would take "import/".
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="initiatives_exchangerate_import"), *super().get_urls()]

    def import_view(self, request):
        """Import a file of rates: every rate, or none (each bad row said, with its number);
        then back to the list, which says what the import did."""
        return _import_rates(request, self)


@require_http_methods(["GET", "HEAD", "POST"])
def _import_rates(request, model_admin):
    if not exchange_rates.may_import_rates(request.user):
        raise PermissionDenied
    form = RateUploadForm(request.POST or None, request.FILES or None)
    refused = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = exchange_rates.import_rates(upload.read(), request.user, upload.name)
        except exchange_rates.RateFileError as error:
            form.add_error("file", str(error))
        except exchange_rates.RatesRefused as refusal:
            refused = refusal.messages
        else:
            messages.success(request, f"Imported from {upload.name}: {imported}.")
            return redirect("admin:initiatives_exchangerate_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import rates",
        "form": form,
        "refused": refused,
        "max_rows": f"{exchange_rates.MAX_ROWS:,}",
    }
    return TemplateResponse(request, "admin/initiatives/exchangerate/import.html", context)
