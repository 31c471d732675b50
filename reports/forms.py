"""The query-string forms of the reports pages: the action plan and year every page shows
(`PeriodForm`), and the filters of the dashboard's lists of countries and of expected results.

They are GET forms: an invalid value is an error shown on the page (status 400), never a 500.
"""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import Http404

from activities.models import FundingSource
from initiatives.models import ActionPlan
from reports.queries.finances import BUDGET, NOT_STATED, OTHER, SPENT, MoneyLines

FIRST_YEAR, LAST_YEAR = 2000, 2100
YES_NO = [("yes", "Yes"), ("no", "No")]
# `?work=all`: the dashboards count all work in the year, whatever the plan of its results.
ALL_WORK = "all"


def default_year(plan, today=None):
    """Today's year when it is one of the plan's years, else the plan's first year."""
    year = (today or datetime.date.today()).year
    return year if year in plan.years else plan.start_year


class PeriodForm(forms.Form):
    """?plan=CODE&year=YYYY of a reports page; both optional; and on the dashboards and their
    lists, ?work=all to count all work in the year whatever its plan (`all_work`).

    Defaults: the current action plan, and today's year when it is in the plan's years, else
    the plan's first year. Once valid, `cleaned_data["plan"]` is an ActionPlan and
    `cleaned_data["year"]` an int, and the form shows them as the picker's chosen values.
    Use `period_form(request)`: an unknown plan is a page that does not exist (404).
    """

    plan = forms.ModelChoiceField(
        queryset=ActionPlan.objects.order_by("-start_year"),
        to_field_name="code",
        required=False,
        label="Action plan",
        error_messages={"invalid_choice": "There is no action plan with this code."},
    )
    year = forms.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        label="Year",
        error_messages={
            "invalid": "The year is a number such as 2026.",
            "min_value": f"The year is between {FIRST_YEAR} and {LAST_YEAR}.",
            "max_value": f"The year is between {FIRST_YEAR} and {LAST_YEAR}.",
        },
    )
    work = forms.ChoiceField(
        choices=[
            ("", "For the plan's expected results"),
            (ALL_WORK, "All work in the year, whatever its plan"),
        ],
        required=False,
        label="Activities counted",
        help_text="All work also counts the activities that advance only an earlier plan's "
        "results, in the activities and countries reached.",
        error_messages={"invalid_choice": "Choose the plan's expected results or all work."},
    )

    def __init__(self, data, **kwargs):
        # A copy: the defaults are filled in so that the picker shows what the page shows.
        data = data.copy()
        if not data.get("plan"):
            current = ActionPlan.objects.current()
            data["plan"] = current.code if current else ""
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if "plan" in cleaned and plan is None:
            self.add_error("plan", "There is no action plan yet.")
        elif plan and cleaned.get("year") is None and "year" not in self.errors:
            cleaned["year"] = default_year(plan)
            self.data["year"] = cleaned["year"]
        return cleaned

    @property
    def all_work(self):
        """Whether the valid form asks for all work in the year, whatever its plan."""
        return self.cleaned_data["work"] == ALL_WORK

    @property
    def query(self):
        """?plan=&year= (and &work=all) of the valid form, for links to other pages of the same
        period."""
        work = {"work": ALL_WORK} if self.all_work else {}
        return {"plan": self.cleaned_data["plan"].code, "year": self.cleaned_data["year"], **work}


def period_form(request):
    """The PeriodForm of `request`'s query string, validated: an unknown (or missing) action
    plan raises Http404; any other error leaves the form invalid, for the page to show with
    status 400."""
    form = PeriodForm(request.GET)
    if form.has_error("plan"):
        raise Http404(form.errors["plan"][0])
    return form


def _codes(codes):
    return [("", "All")] + [(code, code) for code in codes]


class RegionListForm(forms.Form):
    """The filters of a list that a region's dashboard figure links to. `figures` is the
    region's RegionFigures: the codes its initiatives (and expected results) may take, and the
    rows the list keeps. `listed()` gives the page's rows once the form is valid."""

    initiative = forms.ChoiceField(required=False)

    def __init__(self, data, figures, **kwargs):
        super().__init__(data, **kwargs)
        self.figures = figures
        self.fields["initiative"].choices = _codes(i.initiative.code for i in figures.initiatives)


class CountryListForm(RegionListForm):
    """The filters of a region's list of countries: ?group=LDC&reached=yes&result=ASP1.3 or
    &initiative=ASP1 (reached then means reached by that result's or initiative's activities)."""

    group = forms.ChoiceField(required=False)
    reached = forms.ChoiceField(choices=[("", "All"), *YES_NO], required=False)
    result = forms.ChoiceField(required=False, label="Expected result")
    field_order = ["group", "reached", "result", "initiative"]

    def __init__(self, data, figures, **kwargs):
        super().__init__(data, figures, **kwargs)
        self.fields["group"].choices = _codes(group.code for group in figures.groups)
        self.fields["result"].choices = _codes(r.result.code for r in figures.results)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") and cleaned.get("initiative"):
            raise forms.ValidationError("Choose an expected result or an initiative, not both.")
        return cleaned

    def listed(self):
        """{"countries": (CountryFigures, reached) of the countries the filters keep}."""
        group, reached = self.cleaned_data["group"], self.cleaned_data["reached"]
        reached_ids = self._reached_ids()
        kept = []
        for figures in self.figures.countries:
            is_reached = (
                figures.reached if reached_ids is None else figures.country.pk in reached_ids
            )
            if group and group not in {g.code for g in figures.groups}:
                continue
            if reached and is_reached != (reached == "yes"):
                continue
            kept.append((figures, is_reached))
        return {"countries": kept}

    def _reached_ids(self):
        """The ids of the countries reached by the chosen result or initiative; None: by any."""
        code = self.cleaned_data["result"]
        if code:
            result = next(r.result for r in self.figures.results if r.result.code == code)
            return self.figures.reached_by_result[result.pk]
        code = self.cleaned_data["initiative"]
        if code:
            initiative = next(
                i.initiative for i in self.figures.initiatives if i.initiative.code == code
            )
            return self.figures.reached_by_initiative[initiative.pk]
        return None

    @property
    def reached_by(self):
        """The code of the result or initiative that `reached` is about, or ""."""
        return self.cleaned_data["result"] or self.cleaned_data["initiative"]

    def title(self):
        """What the list holds, in words: "LDC countries reached in 2026"."""
        group, reached = self.cleaned_data["group"], self.cleaned_data["reached"]
        words = [f"{group} countries" if group else "Countries"]
        if reached:
            words.append("reached" if reached == "yes" else "not reached")
        if self.reached_by:
            words.append(f"by {self.reached_by}" if reached else f"and {self.reached_by}")
        words.append(f"in {self.figures.year}")
        return " ".join(words)


class ResultListForm(RegionListForm):
    """The filters of a region's list of expected results: ?covered=yes|no&initiative=ASP1."""

    covered = forms.ChoiceField(choices=[("", "All"), *YES_NO], required=False)
    field_order = ["covered", "initiative"]

    def listed(self):
        """{"sections": (InitiativeFigures, [ResultFigures]) of the initiatives with results the
        filters keep, "results": those results}."""
        covered, code = self.cleaned_data["covered"], self.cleaned_data["initiative"]
        sections = []
        for initiative in self.figures.initiatives:
            if code and initiative.initiative.code != code:
                continue
            results = [
                r for r in initiative.results if not covered or r.covered == (covered == "yes")
            ]
            if results:
                sections.append((initiative, results))
        return {"sections": sections, "results": [r for _, results in sections for r in results]}

    def title(self):
        """What the list holds, in words: "Expected results of ASP1 not covered in 2026"."""
        covered, code = self.cleaned_data["covered"], self.cleaned_data["initiative"]
        words = ["Expected results"]
        if code:
            words.append(f"of {code}")
        if covered:
            words.append("covered" if covered == "yes" else "not covered")
        words.append(f"in {self.figures.year}")
        return " ".join(words)


class MoneyLinesForm(RegionListForm):
    """The filters of the lines behind a figure of the financial table: ?kind=budget|spent
    (budget if not given), &initiative=ASP1 (or "other": expected results of no initiative of
    the plan in the region), &source=regular_budget (or "none": not stated), &page=."""

    LINES_PER_PAGE = 100

    kind = forms.ChoiceField(choices=[(BUDGET, "Budget"), (SPENT, "Spent")], required=False)
    source = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *FundingSource.choices, (NOT_STATED, FundingSource.named(""))],
        label="Funding source",
    )
    page = forms.IntegerField(required=False, min_value=1)
    field_order = ["kind", "initiative", "source"]

    def __init__(self, data, figures, **kwargs):
        super().__init__(data, figures, **kwargs)
        self.fields["initiative"].choices += [(OTHER, "Other expected results")]

    def clean_kind(self):
        return self.cleaned_data["kind"] or BUDGET

    def money_lines(self):
        source = self.cleaned_data["source"]
        return MoneyLines(
            self.figures.finances,
            self.cleaned_data["kind"],
            initiative=self.cleaned_data["initiative"] or None,
            source=None if not source else ("" if source == NOT_STATED else source),
        )

    def listed(self):
        """{"money": the MoneyLines, "page": the page of their ids, "parts": its LineParts}."""
        money = self.money_lines()
        page = Paginator(money.line_ids(), self.LINES_PER_PAGE).get_page(self.cleaned_data["page"])
        return {"money": money, "page": page, "parts": money.lines(list(page.object_list))}

    def title(self):
        """What the list holds, in words: "Budget of ASP1 from the ITU regular budget in
        2026"."""
        kind, code = self.cleaned_data["kind"], self.cleaned_data["initiative"]
        source = self.cleaned_data["source"]
        words = ["Budget" if kind == BUDGET else "Expenditure"]
        if code:
            words.append("of other expected results" if code == OTHER else f"of {code}")
        if source:
            words.append(f"from {dict(self.fields['source'].choices)[source]}")
        words.append(f"in {self.figures.year}")
        return " ".join(words)
