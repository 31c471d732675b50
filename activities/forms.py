"""Forms of the staff workspace, each narrowed to what its user may write.

A form receives the `user` and offers only their regions and what belongs to them; the rules
that the admin shares (an activity's links belong to its region) live in `activities.services`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.utils import formats, timezone
from django.utils.html import format_html

from activities import money, permissions, services, spreadsheets
from activities.models import (
    Activity,
    BudgetLine,
    Expenditure,
    FundingSource,
    ProgressReport,
    TargetGroup,
    quarter_of,
)
from activities.models.money import NOT_NEGATIVE
from initiatives.models import ActionPlan, Country, ExpectedResult, Indicator
from initiatives.validators import validate_multiline_text, validate_text

# --- Activities -----------------------------------------------------------------------------


@dataclass
class ChoiceGroup:
    """A group of checkboxes shown under one legend: a region's countries, an initiative's
    expected results. `region` is the region's id, for the script that narrows the form to
    the chosen region."""

    legend: str
    region: str
    choices: list = field(default_factory=list)


@dataclass
class Choice:
    """A checkbox (`widget`, a BoundWidget: `tag`, `id_for_label`) and the row it stands for."""

    widget: object
    instance: object


def _choices_by(bound_field, group_of):
    """The checkboxes of `bound_field` grouped by `group_of(row) -> (key, legend, region)`, in
    the order of the field's queryset."""
    groups = {}
    for widget in bound_field.subwidgets:
        instance = widget.data["value"].instance
        key, legend, region = group_of(instance)
        group = groups.setdefault(key, ChoiceGroup(legend, region))
        group.choices.append(Choice(widget, instance))
    return list(groups.values())


class MergedEditForm:
    """An edit form that can settle an edit conflict (`services.Merge`).

    After a conflict the form comes back with the merge (`merge=`): their changes and yours in
    its fields, and for each field you both changed, a choice: keep theirs (as saved now) or
    yours (as in the form). The fields in conflict travel with the form (`conflict`), so that
    the choice is checked on the next save.
    """

    def _settle_conflicts(self, merge):
        if merge is not None:
            self.initial.update(
                {name: sorted(v) if isinstance(v, set) else v for name, v in merge.values.items()}
            )
            names = merge.conflicts
        else:
            getlist = getattr(self.data, "getlist", None)
            names = getlist("conflict") if getlist else []
        self.theirs_changed = [self.fields[n].label for n in getattr(merge, "theirs_changed", ())]
        if self.instance.pk is None:  # a new row: nobody else saved it
            names = []
        self.conflict_names = [n for n in dict.fromkeys(names) if n in self._meta.fields]
        # Names of no field of the form are left out above, not refused: nothing to correct.
        self.fields["conflict"] = forms.Field(
            widget=forms.MultipleHiddenInput, required=False, initial=self.conflict_names
        )
        # Theirs: the values saved now, read before the input is set on the instance.
        self.theirs = {}
        for name in self.conflict_names:
            value = getattr(self.instance, name)
            self.theirs[name] = list(value.all()) if hasattr(value, "all") else value
            label = self.fields[name].label
            self.fields[f"keep_{name}"] = forms.ChoiceField(
                label=label,
                choices=[("theirs", "Keep theirs"), ("yours", "Keep yours, as in the form")],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose which {label.lower()} to keep: theirs or yours."
                },
            )

    def conflicts(self):
        """The fields in conflict: (label, their value in words, the choice's field)."""
        return [
            (
                self.fields[name].label,
                _in_words(self.theirs[name], self.instance._meta.get_field(name)),
                self[f"keep_{name}"],
            )
            for name in self.conflict_names
        ]

    def _keep_chosen(self, cleaned_data):
        for name in self.conflict_names:
            if cleaned_data.get(f"keep_{name}") == "theirs":
                cleaned_data[name] = self.theirs[name]


def _in_words(value, model_field):
    """A field's value as the user reads it."""
    if isinstance(value, list):
        return ", ".join(_in_words(item, None) for item in value) or "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return "—" if value in (None, "") else str(value)


class FocalPointField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class ActivityForm(MergedEditForm, forms.ModelForm):
    """An activity, filled in one go: what, where, which expected results, when, for whom.

    Narrowed to `user`'s regions: the region among theirs, countries of their regions, expected
    results of their regions' initiatives (the current action plan's first). Editing carries the
    `version` the form was read at, so that `services.save_activity` refuses to overwrite a save
    made in between.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form lost its version number: reload the page."},
    )

    class Meta:
        model = Activity
        fields = Activity.EDITABLE_FIELDS
        labels = {
            "reference": "Reference code",
            "planned_participants_women": "Planned participants: women",
            "planned_participants_men": "Planned participants: men",
        }
        help_texts = {
            "countries": "One for a national activity, several for a multi-country or "
            "regional one; all in the activity's region.",
            "expected_results": "The expected results this activity advances, of the "
            "initiatives of its region.",
            "end_date": "Leave empty if the activity runs on.",
            "partners": "Organizations working with ITU on this activity.",
            "planned_participants_women": "How many the activity plans to reach. The people "
            "it reaches are given in its progress reports.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "countries": forms.CheckboxSelectMultiple,
            "expected_results": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "planned_participants_women": {"min_value": "Give a number of people, 0 or more."},
            "planned_participants_men": {"min_value": "Give a number of people, 0 or more."},
            "countries": {"required": "Choose at least one country."},
            "expected_results": {"required": "Choose at least one expected result."},
        }
        field_classes = {"focal_point": FocalPointField}

    def __init__(self, *args, user, merge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = permissions.regions(user)
        if self.instance.pk is None:
            # A new activity has no version yet; its author is its focal point unless changed.
            del self.fields["version"]
            self.initial.setdefault("focal_point", user.pk)
        else:
            self.initial["version"] = self.instance.version

        region_field = self.fields["region"]
        region_field.queryset = regions
        if len(permissions.region_ids(user)) == 1:
            region_field.empty_label = None
            self.initial.setdefault("region", next(iter(permissions.region_ids(user))))

        self.fields["countries"].queryset = (
            Country.objects.with_designations()
            .filter(region__in=regions)
            .order_by("region__code", "name")
        )
        self.fields["expected_results"].queryset = self._expected_results(regions)
        self.fields["expected_results"].label_from_instance = lambda result: result.text
        self.fields["target_groups"].queryset = TargetGroup.objects.all()
        self.fields["focal_point"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        self._settle_conflicts(merge)

    @staticmethod
    def _expected_results(regions):
        """Expected results of the regions' initiatives, the current action plan's first."""
        results = ExpectedResult.objects.filter(initiative__region__in=regions).select_related(
            "initiative__action_plan", "initiative__region"
        )
        plan = ActionPlan.objects.current()
        current_first = Value(0)
        if plan is not None:
            current_first = Case(
                When(initiative__action_plan=plan, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        return results.annotate(current_first=current_first).order_by(
            "current_first",
            "-initiative__action_plan__start_year",
            "initiative__region__code",
            "initiative__code",
            "number",
        )

    def country_groups(self):
        """The countries' checkboxes, grouped by region."""
        return _choices_by(
            self["countries"],
            lambda country: (country.region_id, country.region.name, country.region_id),
        )

    def expected_result_groups(self):
        """The expected results' checkboxes, grouped by initiative."""

        def initiative_of(result):
            initiative = result.initiative
            legend = f"{initiative.code}: {initiative.title}"
            if result.current_first:
                legend += f" ({initiative.action_plan.name})"
            return initiative.pk, legend, initiative.region_id

        return _choices_by(self["expected_results"], initiative_of)

    def clean(self):
        # The links' rules, as the one write path checks them (the model's own rules, the
        # dates among them, are checked by the model form).
        cleaned_data = super().clean()
        self._keep_chosen(cleaned_data)
        errors = services.link_errors(
            cleaned_data.get("region"),
            cleaned_data.get("countries"),
            cleaned_data.get("expected_results"),
        )
        for field_name, messages in errors.items():
            if field_name in cleaned_data:  # a field left empty says so already
                self.add_error(field_name, messages)
        return cleaned_data

    def links(self):
        """The links chosen, by field: what `services.save_activity` saves with the row."""
        return {name: list(self.cleaned_data[name]) for name in Activity.LINK_FIELDS}


# --- An activity's money --------------------------------------------------------------------

AMOUNT_ERRORS = {
    "required": "Give the amount.",
    "invalid": "Give an amount, such as 12000 or 12000.50.",
    "min_value": NOT_NEGATIVE,
    "max_digits": "This amount is too large.",
    "max_whole_digits": "This amount is too large.",
    "max_decimal_places": "At most two decimals (cents).",
}


def years_in_words(activity):
    """The years `activity` runs in, which its budget lines may be for: "2026 to 2027",
    "2026", "2026 on" (no end date)."""
    first = activity.start_date.year
    last = activity.end_date.year if activity.end_date else None
    if last is None:
        return f"{first} on"
    return f"{first} to {last}" if last != first else f"{first}"


class MoneyRowForm(forms.ModelForm):
    """A row of money (a budget line, an expenditure): a funding source chosen from a list
    that starts empty, an amount, a currency in capitals whatever the user typed (the model
    checks the code). A row added and left empty is no row (`MoneyRowFormSet`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_sources("Choose a funding source")
        self.fields["funding_source"].error_messages["invalid_choice"] = (
            "Choose one of the funding sources of the list."
        )
        self.fields["currency"].widget = forms.TextInput(
            attrs={"size": 3, "maxlength": 3, "autocapitalize": "characters"}
        )
        self.fields["currency"].help_text = "Three letters (ISO 4217): USD, EUR, CHF…"

    def offer_sources(self, empty_label):
        self.fields["funding_source"].choices = [("", empty_label), *FundingSource.choices]

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class BudgetLineForm(MoneyRowForm):
    """One budget line of an activity: its year, funding source (naming the partner of
    extra-budgetary money), amount and currency. A line read without a funding source (moved
    from the old single budget) may keep "Not stated"; a new line names its source."""

    class Meta:
        model = BudgetLine
        fields = BudgetLine.LINE_FIELDS
        labels = {"funding_partner": "Funding partner"}
        help_texts = {"funding_partner": "For extra-budgetary money: who gives it."}
        error_messages = {
            "year": {
                "required": "Give the year of this money.",
                "invalid": "Give a year, such as 2026.",
                "min_value": "Give a year from 2000 to 2100.",
                "max_value": "Give a year from 2000 to 2100.",
            },
            "amount": AMOUNT_ERRORS,
        }

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.unstated = self.initial.get("year") is not None and not self.initial.get(
            "funding_source"
        )
        if self.unstated:
            self.offer_sources("Not stated")
        year = self.fields["year"]
        year.help_text = f"A year the activity runs in: {years_in_words(activity)}."
        year.widget.attrs["min"] = activity.start_date.year
        year.widget.attrs["max"] = activity.end_date.year if activity.end_date else 2100

    def clean(self):
        cleaned_data = super().clean()
        source = cleaned_data.get("funding_source")
        if source == "" and not self.unstated:
            self.add_error("funding_source", "Choose the funding source of this money.")
        if source == FundingSource.EXTRA_BUDGETARY and not cleaned_data.get("funding_partner"):
            self.add_error("funding_partner", BudgetLine.PARTNER_NEEDED)
        return cleaned_data


class MoneyRowFormSet(forms.BaseFormSet):
    """Rows of money of one owner, all of them: those saved (each with a box to remove it) and a
    few empty ones to add, an empty one ignored. `rows()` are what the write path saves,
    unsaved model instances; `model`'s `LINE_FIELDS` are the fields of a row."""

    model = None

    def __init__(self, data=None, *, saved, **kwargs):
        self.saved = list(saved)
        initial = [{name: getattr(row, name) for name in self.model.LINE_FIELDS} for row in saved]
        super().__init__(data, initial=initial, **kwargs)

    def kept_forms(self):
        """The forms of the rows kept: saved or filled in, not removed."""
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]

    def rows(self):
        """The rows as sent (once valid): unsaved instances of `model`."""
        return [form.instance for form in self.kept_forms()]

    def differs_from_saved(self):
        """Whether the rows sent (once valid) are not those saved: one added, removed or
        changed."""
        return _rows_in_words(self.rows(), self.model) != _rows_in_words(self.saved, self.model)

    def errors_in_order(self):
        """(row number, field id, field label, message) of every field's mistake, for the list
        at the top of the page."""
        found = []
        for number, form in enumerate(self.forms, start=1):
            for bound in form:
                found.extend((number, bound.auto_id, bound.label, e) for e in bound.errors)
            found.extend((number, None, None, e) for e in form.non_field_errors())
        return found


def _rows_in_words(rows, model):
    return sorted(tuple(str(getattr(row, name)) for name in model.LINE_FIELDS) for row in rows)


class BaseBudgetLineFormSet(MoneyRowFormSet):
    """An activity's budget lines, all of them, as `services.save_activity` saves them; the
    rules of the lines together (years, no line twice) are `money.budget_line_errors`, shown
    at the top of the page."""

    model = BudgetLine

    def __init__(self, activity, data=None):
        self.activity = activity
        lines = activity.budget_lines.all()
        super().__init__(data, saved=lines, prefix="lines", form_kwargs={"activity": activity})

    def clean(self):
        if any(self.errors):
            return  # each line's own mistakes first
        messages = money.budget_line_errors(self.activity, self.rows())
        if messages:
            raise forms.ValidationError(messages)


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    extra=3,
    can_delete=True,
    can_delete_extra=False,
    max_num=200,
    validate_max=True,
)


class SplitForm(forms.Form):
    """How an activity's money splits across the expected results it advances: in equal
    shares, or in the percentages an editor sets, summing to 100 (`money.split_errors`, which
    the write path asks again). With the activity's `version` as read, so that a save made in
    between by someone else is never overwritten (`services.save_activity`).

    A share's field is named `share-<expected result id>`; shares are read only when the
    shares are set."""

    EQUAL, SET = "equal", "set"

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form lost its version number: reload the page."},
    )
    split = forms.ChoiceField(
        label="How the money splits",
        choices=[
            (EQUAL, "In equal shares across its expected results"),
            (SET, "In the shares set below, in percent, summing to 100"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the money splits: in equal shares or as set."},
    )

    def __init__(self, activity, data=None):
        super().__init__(data)
        self.activity = activity
        self.expected_results = list(
            activity.expected_results.select_related("initiative").order_by(
                "initiative__code", "number"
            )
        )
        self.saved = money.shares_of(activity)
        self.initial["version"] = activity.version
        self.initial["split"] = self.SET if activity.custom_split else self.EQUAL
        for result in self.expected_results:
            name = f"share-{result.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"{result.code} (%)",
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                help_text=result.text,
                error_messages={
                    "invalid": "Give a percentage, such as 40 or 33.33.",
                    "min_value": "A share is a percentage from 0 to 100.",
                    "max_value": "A share is a percentage from 0 to 100.",
                    "max_digits": "A share is a percentage from 0 to 100.",
                    "max_whole_digits": "A share is a percentage from 0 to 100.",
                    "max_decimal_places": "At most two decimals.",
                },
            )
            self.initial[name] = self.saved.get(result.pk)

    def share_fields(self):
        """The expected results with the field of their share, in order."""
        return [(result, self[f"share-{result.pk}"]) for result in self.expected_results]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("split") != self.SET:
            return cleaned_data
        for result in self.expected_results:
            name = f"share-{result.pk}"
            if name in cleaned_data and cleaned_data[name] is None:
                self.add_error(name, f"Give the share of {result.code}, from 0 to 100 (%).")
        if not self.errors:
            for message in money.split_errors(self.expected_results, self.shares()):
                self.add_error(None, message)
        return cleaned_data

    def shares(self):
        """The split as sent (once valid), as `services.save_activity` takes it: {} for equal
        shares, else {ExpectedResult: percent}."""
        if self.cleaned_data.get("split") != self.SET:
            return {}
        return {result: self.cleaned_data[f"share-{result.pk}"] for result in self.expected_results}

    def saved_in_words(self):
        """The split as saved: "equal shares", or "ASP1.1 60%, ASP1.3 40%"."""
        if not self.activity.custom_split:
            return "equal shares"
        return ", ".join(
            f"{result.code} {services.plain_number(self.saved[result.pk])}%"
            for result in self.expected_results
            if result.pk in self.saved
        )

    def differs_from_saved(self):
        """Whether the split sent (once valid) is not the one saved."""
        shares = self.shares()
        if bool(shares) != self.activity.custom_split:
            return True
        return any(self.saved.get(result.pk) != percent for result, percent in shares.items())


# --- Progress reports -----------------------------------------------------------------------


class ProgressReportForm(MergedEditForm, forms.ModelForm):
    """An activity's progress report for one quarter.

    The period offers the current action plan's years (and the current year), the current
    quarter by default; one report per activity and period, said next to the period rather than
    left to the database. Editing carries the `version` the form was read at, so that
    `services.save_report` refuses to overwrite a save made in between.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form lost its version number: reload the page."},
    )
    year = forms.TypedChoiceField(coerce=int, label="Year")
    quarter = forms.TypedChoiceField(
        coerce=int,
        label="Quarter",
        choices=ProgressReport._meta.get_field("quarter").choices,
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        help_text="How far the whole activity has come, from 0 to 100.",
        error_messages={
            "min_value": "Percent complete is a whole number from 0 to 100.",
            "max_value": "Percent complete is a whole number from 0 to 100.",
            "invalid": "Percent complete is a whole number from 0 to 100.",
            "required": "Give the percent complete, from 0 to 100.",
        },
    )

    class Meta:
        model = ProgressReport
        fields = ProgressReport.EDITABLE_FIELDS
        labels = {
            "activity_status": "Status of the activity in this period",
            "evidence_links": "Evidence links",
            "people_reached_women": "Women reached in the period",
            "people_reached_men": "Men reached in the period",
        }
        help_texts = {
            "evidence_links": "One web address (http:// or https://) per line: reports, "
            "photos, press releases.",
        }
        widgets = {
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "people_reached_women": {"min_value": "Give a number of people, 0 or more."},
            "people_reached_men": {"min_value": "Give a number of people, 0 or more."},
        }

    def __init__(self, *args, activity, user, merge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity, self.user = activity, user
        self.instance.activity = activity
        # The report found in the period chosen, when the activity already has one there.
        self.existing_report = None
        today = timezone.localdate()
        if self.instance.pk is None:
            del self.fields["version"]
            year, quarter = quarter_of(today)
            self.initial.setdefault("year", year)
            self.initial.setdefault("quarter", quarter)
            self.initial.setdefault("activity_status", activity.status)
        else:
            self.initial["version"] = self.instance.version
        self.fields["year"].choices = [(year, year) for year in self._years(today)]
        self._settle_conflicts(merge)

    def _years(self, today):
        """The current action plan's years, this year and the report's own year."""
        plan = ActionPlan.objects.current(today)
        years = set(plan.years if plan is not None else ())
        years.add(today.year)
        if self.instance.pk is not None:
            years.add(self.instance.year)
        return sorted(years)

    def clean_evidence_links(self):
        """One link per line, blank lines dropped (the model checks each link)."""
        lines = (line.strip() for line in self.cleaned_data["evidence_links"].splitlines())
        return "\n".join(line for line in lines if line)

    def clean(self):
        cleaned_data = super().clean()
        self._keep_chosen(cleaned_data)
        year, quarter = cleaned_data.get("year"), cleaned_data.get("quarter")
        if year and quarter:
            self.existing_report = (
                self.activity.reports.filter(year=year, quarter=quarter)
                .exclude(pk=self.instance.pk)
                .first()
            )
        if self.existing_report is not None:
            self.add_error("quarter", self._duplicate_message(self.existing_report))
        return cleaned_data

    def _duplicate_message(self, report):
        if not permissions.can_see_report(self.user, report):
            # Someone else's draft: say it exists (the period is taken), not what it says.
            return (
                f"This activity already has a report for {report.period}: a draft that its "
                "author has not submitted yet. Choose another period."
            )
        return format_html(
            'This activity already has a report for {}: <a href="{}">open it</a>.',
            report.period,
            report.get_absolute_url(),
        )


class ExpenditureForm(MoneyRowForm):
    """What was spent in a report's quarter from one funding source, in one currency."""

    class Meta:
        model = Expenditure
        fields = Expenditure.LINE_FIELDS
        labels = {"amount": "Amount spent"}
        error_messages = {
            "funding_source": {"required": "Choose the funding source of this expenditure."},
            "amount": AMOUNT_ERRORS,
        }


class BaseExpenditureFormSet(MoneyRowFormSet):
    """What a progress report says was spent in its quarter, per funding source and currency:
    all of its rows, as `services.save_report` saves them (`money.expenditure_errors`: no row
    twice). Editing carries the rows as read (`<prefix>-read`), from which an edit conflict
    merges (`merged`)."""

    model = Expenditure
    prefix = "spent"  # not the formset's default: a report's form holds other forms

    def __init__(self, data=None, *, report=None, rows=None):
        if data is not None and f"{self.prefix}-TOTAL_FORMS" not in data:
            data = None  # a report sent without these rows: they are left as they are
        saved = report.expenditures.all() if report is not None and report.pk else []
        self.read = serialized_rows(saved)
        if data is not None:
            self.read = data.get(f"{self.prefix}-read", "")
        if rows is not None:  # after an edit conflict: the merged rows, as saved now
            saved = rows
        super().__init__(data, saved=saved, prefix=self.prefix)

    def clean(self):
        if any(self.errors):
            return
        messages = money.expenditure_errors(self.rows())
        if messages:
            raise forms.ValidationError(messages)

    def read_rows(self):
        """The rows as the form was read, or None when that cannot be told."""
        return parsed_rows(self.read)

    def is_valid(self):
        """Valid when sent without its rows too: then they are left as they are."""
        return not self.is_bound or super().is_valid()

    def sent_rows(self):
        """The rows as sent (once valid), as `services.save_report` takes them: None when the
        form was sent without them."""
        return self.rows() if self.is_bound else None


ExpenditureFormSet = forms.formset_factory(
    ExpenditureForm,
    formset=BaseExpenditureFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=50,
    validate_max=True,
)


def serialized_rows(rows):
    """Expenditure rows in a hidden field: "regular_budget USD 2500.00;…"."""
    return ";".join(sorted(f"{r.funding_source} {r.currency} {r.amount}" for r in rows))


def parsed_rows(text):
    """The rows of `serialized_rows`, as a set of (source, currency, amount); None when `text`
    is not such rows (tampered with, or from a page of before)."""
    rows = set()
    for item in filter(None, text.split(";")):
        parts = item.split(" ")
        if len(parts) != 3:
            return None
        source, currency, amount = parts
        try:
            rows.add((source, currency, Decimal(amount)))
        except ArithmeticError:
            return None
    return rows


def merged_expenditures(saved_now, read, yours):
    """What a report's expenditure becomes after an edit conflict, and whether you both changed
    it: theirs if only they changed it, yours if only you did, yours if you both did (with
    `True`: the page says what is saved now)."""

    def as_set(rows):
        return {(r.funding_source, r.currency, r.amount) for r in rows}

    theirs = as_set(saved_now)
    if read is not None and as_set(yours) == read:
        return list(saved_now), False
    if read is not None and theirs == read:
        return list(yours), False
    return list(yours), theirs != as_set(yours)


def number_field(label, negative, max_value=None, max_message="", help_text=""):
    """An optional field of a number of an indicator: 0 or more, at most two decimals."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        error_messages={
            "invalid": "Give a number, such as 12 or 12.5.",
            "min_value": negative,
            "max_value": max_message,
            "max_digits": "This number is too large.",
            "max_whole_digits": "This number is too large.",
            "max_decimal_places": "At most two decimals.",
        },
    )


def indicator_value_field(indicator, label, empty_label, help_text=""):
    """The optional field of a value of `indicator`, by its unit: a list for a yes/no or a
    milestone (`empty_label` its empty choice), else a number up to the unit's maximum."""
    if indicator.unit in (Indicator.Unit.YES_NO, Indicator.Unit.MILESTONE):
        options = (
            [("1", "Yes"), ("0", "No")]
            if indicator.unit == Indicator.Unit.YES_NO
            else [(str(step), step_label) for step, step_label in Indicator.MILESTONES]
        )
        return forms.TypedChoiceField(
            label=label,
            choices=[("", empty_label), *options],
            coerce=Decimal,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": "Choose one of the list."},
        )
    return number_field(
        label,
        "A value cannot be negative.",
        max_value=indicator.max_value,
        max_message=services.limit_message(indicator),
        help_text=help_text,
    )


def indicator_field_value(indicator, value):
    """A saved value of `indicator` as its field (`indicator_value_field`) shows it."""
    if value is not None and indicator.unit in (Indicator.Unit.YES_NO, Indicator.Unit.MILESTONE):
        return str(int(value))
    return value


class PlannedContributionsForm(forms.Form):
    """What an activity plans to contribute, over its life, to each reported indicator of the
    expected results it advances (`services.offered_indicators`): a field per indicator,
    named `<indicator id>`, empty for none planned; and the activity's version as read, so that
    a save made meanwhile by someone else is never overwritten (`services.save_activity`)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "The form lost its version number: reload the page."},
    )

    def __init__(self, activity, indicators, data=None):
        super().__init__(data)
        self.activity, self.indicators = activity, indicators
        saved = services.planned_contributions(activity)
        self.initial["version"] = activity.version
        for indicator in indicators:
            name = str(indicator.pk)
            self.fields[name] = indicator_value_field(
                indicator,
                f"{indicator.full_code} {indicator.name}",
                "Not planned",
                help_text=f"{indicator.get_unit_display()}. Empty: no contribution planned.",
            )
            self.initial[name] = indicator_field_value(indicator, saved.get(indicator.pk))

    def contributions(self):
        """{Indicator: value or None} as sent (once valid): what `save_activity` saves."""
        return {indicator: self.cleaned_data[str(indicator.pk)] for indicator in self.indicators}

    def refreshed(self, activity):
        """After an edit conflict: the form as sent, with `activity`'s version as it is now,
        so that saving it again (once the user has looked) saves it."""
        data = self.data.copy()
        data["version"] = activity.version
        return PlannedContributionsForm(activity, self.indicators, data)


@dataclass
class IndicatorFields:
    """One indicator's fields in `IndicatorValuesForm`, as the template shows them: its value,
    its breakdown by dimension ((legend, [part fields])), the hidden field of the value as read,
    and after an edit conflict a `note` on what someone else saved."""

    indicator: Indicator
    value: forms.BoundField
    dimensions: list
    read: forms.BoundField | None
    note: str = ""

    @property
    def unit(self):
        """The unit as the legend says it: "(number)", "(percent, 0 to 100)"."""
        if self.indicator.unit == Indicator.Unit.PERCENT:
            return "percent, 0 to 100"
        return self.indicator.get_unit_display().lower()

    def errors(self):
        """(field id, what the field is, message) for each error of this indicator's fields."""
        code = self.indicator.full_code
        found = [(self.value.auto_id, f"{code} value", e) for e in self.value.errors]
        for legend, parts in self.dimensions:
            for part in parts:
                found.extend(
                    (part.auto_id, f"{code} {legend.lower()}: {part.label}", e) for e in part.errors
                )
        return found


class IndicatorValuesForm(forms.Form):
    """The values a progress report gives for the reported indicators of its activity's
    expected results, for its quarter: per indicator a value (empty: not reported this quarter)
    and, for each dimension it is broken down by, one part per category — optional, but once a
    part of a dimension is given, its parts (empty: 0) add up to the value
    (`services.indicator_value_errors`, which the write path asks again).

    Fields are named after the indicator's id, under the prefix "indicators": `<id>-value`,
    `<id>-<dimension>-<category>` and, when editing, `<id>-read`: the value as the form was
    read, from which an edit conflict merges (`services.merge_indicator_values`). Indicators
    of other expected results, and computed ones, have no field: a value posted for them is
    ignored. A fixed number of queries, whatever the number of indicators.
    """

    prefix = "indicators"
    DIMENSION_LEGENDS = {
        "sex": "By sex",
        "age": "By age group",
        "disability": "By disability",
        "country": "By country",
    }
    VALUE_HELP = {
        Indicator.Unit.NUMBER: "A number, 0 or more. Empty: not reported this quarter.",
        Indicator.Unit.PERCENT: "From 0 to 100. Empty: not reported this quarter.",
    }

    def __init__(self, activity, data=None, *, report=None, merge=None):
        super().__init__(data)
        self.activity = activity
        self.indicators = services.offered_indicators(activity.expected_results.all())
        self.countries = (
            list(activity.countries.order_by("name"))
            if any(indicator.by_country for indicator in self.indicators)
            else []
        )
        editing = report is not None and report.pk is not None
        saved = services.indicator_entries(report) if editing and self.indicators else {}
        self._notes = {}
        for indicator in self.indicators:
            entry = saved.get(indicator.pk, services.NOT_REPORTED)
            shown = merge.values[indicator] if merge is not None else entry
            self._add_fields(indicator, shown)
            if editing:
                # A plain Field: whatever comes back, `services.parse_entry` reads or refuses.
                self.fields[f"{indicator.pk}-read"] = forms.Field(
                    widget=forms.HiddenInput, required=False, initial=entry.serialized()
                )
            if merge is not None and indicator in merge.conflicts:
                self._notes[indicator] = (
                    "You both changed this value: yours is in the form, and saved now is "
                    f"{self._in_words(indicator, entry)}."
                )
            elif merge is not None and indicator in merge.theirs_changed:
                self._notes[indicator] = "Someone else's change of this value is in the form."

    def _add_fields(self, indicator, entry):
        pk = indicator.pk
        self.fields[f"{pk}-value"] = indicator_value_field(
            indicator, "Value", "Not reported", self.VALUE_HELP.get(indicator.unit, "")
        )
        self.initial[f"{pk}-value"] = indicator_field_value(indicator, entry.value)
        for dimension in indicator.disaggregations:
            parts = entry.breakdown.get(dimension, {})
            for category, label in services.categories_of(dimension, self.countries):
                name = f"{pk}-{dimension}-{category}"
                self.fields[name] = number_field(label, "A part cannot be negative.")
                self.initial[name] = parts.get(category)

    def indicator_fields(self):
        """The indicators with their fields (`IndicatorFields`), in order, for the template."""
        items = []
        for indicator in self.indicators:
            pk = indicator.pk
            dimensions = [
                (
                    self.DIMENSION_LEGENDS[dimension],
                    [
                        self[f"{pk}-{dimension}-{category}"]
                        for category, _label in services.categories_of(dimension, self.countries)
                    ],
                )
                for dimension in indicator.disaggregations
            ]
            read = self[f"{pk}-read"] if f"{pk}-read" in self.fields else None
            note = self._notes.get(indicator, "")
            items.append(IndicatorFields(indicator, self[f"{pk}-value"], dimensions, read, note))
        return items

    def clean(self):
        cleaned_data = super().clean()
        codes = {country.iso3 for country in self.countries}
        for indicator in self.indicators:
            names = [name for name in self.fields if name.startswith(f"{indicator.pk}-")]
            if any(self.has_error(name) for name in names):
                continue  # a part that is not a number: nothing to add up yet
            entry = self._entry(indicator, cleaned_data)
            for message in services.indicator_value_errors(indicator, entry, codes):
                self.add_error(f"{indicator.pk}-value", message)
        return cleaned_data

    def _entry(self, indicator, cleaned_data):
        breakdown = {}
        for dimension in indicator.disaggregations:
            parts = {
                category: cleaned_data.get(f"{indicator.pk}-{dimension}-{category}")
                for category, _label in services.categories_of(dimension, self.countries)
            }
            if any(amount is not None for amount in parts.values()):
                breakdown[dimension] = {
                    category: Decimal(0) if amount is None else amount
                    for category, amount in parts.items()
                }
        return services.IndicatorEntry(cleaned_data.get(f"{indicator.pk}-value"), breakdown)

    def entries(self):
        """{Indicator: IndicatorEntry} as the form was sent (once valid): what
        `services.save_report` saves."""
        return {
            indicator: self._entry(indicator, self.cleaned_data) for indicator in self.indicators
        }

    def read_entries(self):
        """{Indicator: IndicatorEntry} as the edit form was read (its `-read` fields), the base
        of an edit conflict's merge: `services.UNKNOWN_ENTRY` where that cannot be read."""
        return {
            indicator: services.parse_entry(self.cleaned_data.get(f"{indicator.pk}-read") or "")
            for indicator in self.indicators
        }

    def _in_words(self, indicator, entry):
        """`entry`, a value of `indicator`, as the user reads it: "40 (by sex: Women 20, …)"."""
        if entry.value is None:
            return "no value"
        labels = {
            (dimension, code): label
            for dimension in entry.breakdown
            for code, label in services.categories_of(dimension, self.countries)
        }
        parts = "; ".join(
            f"{self.DIMENSION_LEGENDS.get(dimension, dimension).lower()}: "
            + ", ".join(
                f"{labels.get((dimension, code), code)} {services.plain_number(amount)}"
                for code, amount in amounts.items()
            )
            for dimension, amounts in entry.breakdown.items()
        )
        shown = indicator_value_in_words(indicator, entry.value)
        return f"{shown} ({parts})" if parts else shown


def indicator_value_in_words(indicator, value):
    """A value of `indicator` as the user reads it: "1,200", "45%", "Yes", "Adopted"."""
    if value is None:
        return "—"
    if indicator.unit == Indicator.Unit.YES_NO:
        return "Yes" if value else "No"
    if indicator.unit == Indicator.Unit.MILESTONE:
        return dict(Indicator.MILESTONES).get(int(value), str(value))
    shown = formats.number_format(services.plain_number(value), force_grouping=True)
    return f"{shown}%" if indicator.unit == Indicator.Unit.PERCENT else shown


class ReviewForm(forms.Form):
    """A reviewer's comment: optional on approval, required to return a report."""

    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what to change when you return the report; optional when you approve it.",
        validators=[validate_multiline_text],  # the model's own, as this form is not a ModelForm
    )

    def __init__(self, *args, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_required = comment_required

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if self.comment_required and not comment:
            raise forms.ValidationError(
                "Say what to change: a returned report needs a comment for its author."
            )
        return comment


# --- Spreadsheet import ---------------------------------------------------------------------


class ImportForm(forms.Form):
    """The spreadsheet to import: refused at once when larger than the import allows."""

    file = forms.FileField(
        label="Spreadsheet (.xlsx or .csv)",
        error_messages={"required": "Choose the file to import.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = spreadsheets.megabytes(spreadsheets.import_max_bytes())
        self.fields["file"].help_text = (
            f"One row per activity, under the template's header row. At most {limit} and "
            f"{spreadsheets.import_max_rows():,} rows."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = spreadsheets.import_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {spreadsheets.megabytes(upload.size)}; at most "
                f"{spreadsheets.megabytes(limit)} can be imported at once. Split it into "
                "several files."
            )
        return upload


# --- API tokens -----------------------------------------------------------------------------


class ApiTokenForm(forms.Form):
    """A new personal token for the REST API; `ApiToken.objects.issue(user, **cleaned_data)`
    makes it (a plain form: a token row is never saved from a form)."""

    LIFETIMES = [(30, "30 days"), (90, "90 days"), (365, "1 year"), (730, "2 years")]

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, e.g. “Power BI”, so that you can tell your tokens apart.",
        validators=[validate_text],  # the one-line text check of the other forms' names
    )
    read_only = forms.BooleanField(
        label="Read-only: the token reads, and cannot write anything", required=False
    )
    lifetime = forms.TypedChoiceField(
        label="Expires after",
        choices=LIFETIMES,
        coerce=int,
        initial=365,
        widget=forms.RadioSelect,
    )

    def clean_lifetime(self):
        return datetime.timedelta(days=self.cleaned_data["lifetime"])
