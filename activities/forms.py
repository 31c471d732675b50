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

from activities import permissions, services, spreadsheets
from activities.models import Activity, ProgressReport, TargetGroup, quarter_of
from initiatives.models import ActionPlan, Country, ExpectedResult, Indicator
from initiatives.validators import validate_multiline_text

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
            "budget_amount": "Budget",
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
            "currency": forms.TextInput(attrs={"size": 3, "maxlength": 3}),
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

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()  # the model checks the code

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
