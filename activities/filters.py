"""The activity list's filters: the one place that turns query parameters into a set of activities.

The list, its CSV/XLSX exports and the dashboards' links all go through `ActivityFilter`, so a
figure and the list it links to always agree. Parameters are stable and readable, with codes
rather than database ids: `?region=ASP&group=LDC&result=ASP3.4&status=ongoing&year=2026`.
Money is filtered by budget line: `?funding=ict_df&budget_year=2026` keeps the activities with
a line of the ICT Development Fund for 2026 (one line that is both: `Activity.objects.funded_by`).

Invalid values never widen the list: `ActivityFilter(...).qs` is empty until every value is
valid, and the form says what is wrong next to the filter.

`ProgressReportFilter` does the same for the progress report list (`/progress-reports/`): its
quick views (`?view=waiting`) and filters, within what the user may see.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass

import django_filters as filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import InvalidPage, Paginator
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.choices import flatten_choices
from django.utils.datastructures import MultiValueDict

from activities import permissions
from activities.cache import get_or_compute, reference_version
from activities.models import (
    Activity,
    ActivityExpectedResult,
    FundingSource,
    ProgressReport,
)
from initiatives.models import (
    ActionPlan,
    Country,
    CountryGroup,
    ExpectedResult,
    Initiative,
    Region,
)

SEARCH_MAX_LENGTH = 200
# The years a progress report may name (ProgressReport's constraint); anything else is a typo.
FIRST_YEAR, LAST_YEAR = 2000, 2100

# The columns the list sorts by: `?sort=title`, `?sort=-start_date`, …
SORT_FIELDS = {
    "title": "title",
    "region": "region__code",
    "status": "status",
    "start_date": "start_date",
    "end_date": "end_date",
}
SORT_LABELS = {
    "title": "title",
    "region": "region",
    "status": "status",
    "start_date": "start date",
    "end_date": "end date",
}
DEFAULT_SORT = "-start_date"  # newest first, as Activity.Meta.ordering
SORT_CHOICES = [
    (f"{sign}{key}", f"{SORT_LABELS[key]} ({'descending' if sign else 'ascending'})")
    for key in SORT_FIELDS
    for sign in ("", "-")
]

# Filters less often used, folded under "More filters" unless one of them is in use.
MORE_FILTERS = (
    "plan",
    "modality",
    "funding",
    "budget_year",
    "reported",
    "focal_point",
    "mine",
    "stale",
    "attention",
    "archived",
)
# `?funding=none`: activities with a budget line whose funding source is not stated (a line
# moved from the single budget of an activity that named none): the "Not stated" column of the
# dashboard's financial table, whose drill-down says "none" too. An activity with no budget line
# at all has no funding to state: no funding source lists it.
NO_FUNDING_SOURCE = "none"
YEAR_ERRORS = {
    "invalid": "Enter a year as four digits, e.g. 2026.",
    "min_value": f"Enter a year between {FIRST_YEAR} and {LAST_YEAR}.",
    "max_value": f"Enter a year between {FIRST_YEAR} and {LAST_YEAR}.",
}


def ordering(sort):
    """The `order_by()` arguments for a `sort` parameter, ties broken so that pages never overlap.

    An activity without an end date runs on: it comes last when sorting by end date ascending,
    first when descending (on every database — SQLite and PostgreSQL disagree on NULLs).
    """
    key = sort.removeprefix("-")
    field = F(SORT_FIELDS[key])
    primary = field.desc(nulls_first=True) if sort.startswith("-") else field.asc(nulls_last=True)
    tie_breakers = [f for f in ("-start_date", "title", "pk") if f.removeprefix("-") != key]
    return [primary, *tie_breakers]


class FlagInput(forms.CheckboxInput):
    """A checkbox that sends `1`. Its value is read as text, so `?mine=yes` is an error rather
    than quietly true (Django's CheckboxInput takes any text for True)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={**(attrs or {}), "value": "1"}, check_test=lambda v: v == "1")

    def format_value(self, value):
        return None  # the value attribute is always the "1" above

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class FlagFilter(filters.Filter):
    """A yes-or-nothing filter shown as one checkbox: `?mine=1`."""

    field_class = forms.ChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("1", "Yes")])
        kwargs.setdefault("widget", FlagInput)
        super().__init__(*args, **kwargs)


class StatusField(filters.fields.MultipleChoiceField):
    """Statuses, where `counted` stands for those the dashboards' figures count
    (`Activity.COUNTED_STATUSES`): a figure's link to its activities says `status=counted`
    rather than each status, which keeps a dashboard of thousands of links short. The list
    shows those statuses ticked."""

    COUNTED = "counted"
    extra_labels = {COUNTED: "Counted in the figures"}

    def _expanded(self, value):
        if not isinstance(value, list | tuple) or self.COUNTED not in value:
            return value
        statuses = [str(status) for status in Activity.COUNTED_STATUSES]
        return [*statuses, *(v for v in value if v != self.COUNTED and v not in statuses)]

    def to_python(self, value):
        return super().to_python(self._expanded(value))

    def prepare_value(self, value):
        return self._expanded(value)


class StatusFilter(filters.MultipleChoiceFilter):
    field_class = StatusField


class UserChoiceField(filters.fields.ChoiceField):
    """Users by username; a user id is accepted too (`?focal_point=7`) and shown as the username."""

    def __init__(self, *args, aliases=None, **kwargs):
        self.aliases = aliases or {}
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.aliases.get(value, value)

    def prepare_value(self, value):
        return self.aliases.get(value, value)


class UserFilter(filters.ChoiceFilter):
    field_class = UserChoiceField


class YearFilter(filters.Filter):
    field_class = forms.IntegerField


class ArchivedFilter(filters.ChoiceFilter):
    """Archived activities are hidden unless asked for: this filter applies even when empty."""

    def filter(self, qs, value):
        if value == "only":
            return qs.archived()
        if value == "all":
            return qs
        return qs.not_archived()


class SortFilter(filters.ChoiceFilter):
    """The list's order: `?sort=title`, `?sort=-end_date`; newest first when not given."""

    def filter(self, qs, value):
        return qs.order_by(*ordering(value or DEFAULT_SORT))


def _invalid(what):
    return {"invalid_choice": f"Unknown {what}: pick one from the list."}


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown as a chip that removes it: "Status: Ongoing (remove)"."""

    label: str
    value: str
    remove_url: str  # the same list without this value


@dataclass(frozen=True)
class CountedVia:
    """How a listed activity counts for an expected result of the list's plan without being
    linked to it: through `earlier`, a result of an earlier plan that `result` continues."""

    result: ExpectedResult
    earlier: ExpectedResult


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: the `sort` its link asks for and its `aria-sort` state."""

    sort: str
    aria_sort: str  # "ascending", "descending" or "" when the list is not sorted by it


def list_page(rows, number, per_page):
    """The page `number` (text from the query string; the first when empty) of `rows`:
    (paginator, page, error). For a page that does not exist, no page and the error to show:
    the list lists nothing rather than another page than the one asked for."""
    paginator = Paginator(rows, per_page)
    try:
        return paginator, paginator.page(number or 1), ""
    except InvalidPage:
        pages = paginator.num_pages
        error = f"This page does not exist: the list has {pages} page{'s' if pages != 1 else ''}."
        return paginator, None, error


@dataclass
class ListChoices:
    """The reference data the activity list's filters offer, of every action plan: fetched in
    a fixed number of queries by `list_choices()`, and kept in the cache until reference data
    or a user's name changes, so that a write of activities does not make the next list fetch
    every country, expected result and user again."""

    plans: dict  # code → ActionPlan, the latest first
    current_plan: ActionPlan | None
    initiatives: dict  # plan code → {code: Initiative}, by region and code
    results: dict  # plan code → {code: ExpectedResult}, by region, initiative and number
    users: dict  # username → User, by name
    regions: list  # (code, label)
    countries: list  # (region name, [(ISO3, name)]): grouped by region
    groups: list  # (code, label)


def list_choices():
    """The ListChoices as of today (the current plan is today's), from the cache."""
    key = f"activity-list-choices:{timezone.localdate()}:{reference_version()}"
    return get_or_compute(key, _fetch_list_choices, settings.DATA_CACHE_SECONDS)


def _fetch_list_choices():
    plans = {plan.code: plan for plan in ActionPlan.objects.all()}
    initiatives, results = defaultdict(dict), defaultdict(dict)
    for initiative in Initiative.objects.select_related("action_plan").order_by(
        "region__code", "code"
    ):
        initiatives[initiative.action_plan.code][initiative.code] = initiative
    for result in ExpectedResult.objects.select_related("initiative__action_plan").order_by(
        "initiative__region__code", "initiative__code", "number"
    ):
        results[result.initiative.action_plan.code][result.code] = result
    users = (
        get_user_model()
        .objects.only("username", "first_name", "last_name")
        .order_by("first_name", "last_name", "username")
    )
    countries = Country.objects.select_related("region").order_by("region__name", "name")
    return ListChoices(
        plans=plans,
        current_plan=ActionPlan.objects.current(),
        initiatives=dict(initiatives),
        results=dict(results),
        users={user.username: user for user in users},
        regions=[(r.code, f"{r.name} ({r.code})") for r in Region.objects.order_by("code")],
        countries=[
            (region_name, [(c.iso3, c.name) for c in in_region])
            for region_name, in_region in itertools.groupby(countries, key=lambda c: c.region.name)
        ],
        groups=[
            (g.code, f"{g.name} ({g.code}{f', {g.region.code}' if g.region else ''})")
            for g in CountryGroup.objects.select_related("region")
        ],
    )


class ListFilterSet(filters.FilterSet):
    """What the activity list and the progress report list share: always bound (the defaults
    apply without parameters), nothing at all while a value is invalid, sortable column
    headers (`sort_fields`), and each filter in use as a chip that removes it (all but the
    parameters in `not_chips`). A subclass fills its choices in `_load_choices()`."""

    sort_fields = {}
    not_chips = ("sort",)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Plain dicts too: {"status": ["ongoing"], "year": 2026}.
        super().__init__(
            _as_query_dict(data),
            queryset if queryset is not None else self._meta.model.objects.all(),
            request=request,
            prefix=prefix,
        )
        self._load_choices()

    def _load_choices(self):
        pass

    def filter_queryset(self, queryset):
        """Nothing at all while a value is invalid: a typo must not show everything."""
        if not self.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def sort_links(self):
        """For each sortable column, the link of its header: ascending first, then reversed."""
        links = {}
        for key in self.sort_fields:
            if self.current_sort == key:
                links[key] = SortLink(sort=f"-{key}", aria_sort="ascending")
            elif self.current_sort == f"-{key}":
                links[key] = SortLink(sort=key, aria_sort="descending")
            else:
                links[key] = SortLink(sort=key, aria_sort="")
        return links

    def active_filters(self):
        """Each value in use, valid or not, with the link that removes just that value."""
        active = []
        for name, filter_ in self.filters.items():
            if name in self.not_chips:
                continue
            values = [v for v in self.data.getlist(name) if v != ""]
            for value in values:
                remaining = self.data.copy()
                remaining.setlist(name, [v for v in values if v != value])
                remaining.pop("page", None)
                active.append(
                    ActiveFilter(
                        label=str(filter_.label),
                        value=self._display(name, value),
                        remove_url=_url(remaining),
                    )
                )
        return active

    def _display(self, name, value):
        """A value as its chip says it: its choice's label (a user's name for their id)."""
        field = self.form.fields[name]
        value = getattr(field, "aliases", {}).get(value, value)
        labels = dict(flatten_choices(getattr(field, "choices", [])))
        labels |= getattr(field, "extra_labels", {})
        return str(labels.get(value, value))


class ActivityFilter(ListFilterSet):
    """Activities narrowed by the query string; `.qs` is empty while any value is invalid.

    The choices of initiatives and expected results are those of the action plan named by
    `plan`, or else of the current plan, so `?initiative=ASP3` means the current plan's ASP3.
    """

    q = filters.CharFilter(
        label="Search",
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in the title, description, reference or a country's name, or another "
        "name it is known by (Vietnam, Laos).",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = filters.ChoiceFilter(
        field_name="region__code",
        label="Region",
        empty_label="All regions",
        error_messages=_invalid("region"),
    )
    country = filters.ChoiceFilter(
        label="Country",
        method="filter_country",
        empty_label="All countries",
        error_messages=_invalid("country code"),
    )
    group = filters.ChoiceFilter(
        label="Country group",
        method="filter_group",
        empty_label="Any group",
        help_text="Activities with a country in the group: during the year when a year is "
        "given, else today.",
        error_messages=_invalid("country group"),
    )
    year = YearFilter(
        label="Active in year",
        method="filter_year",
        help_text="Dates overlapping the year; a planned activity counts in the year it starts.",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages=YEAR_ERRORS,
    )
    initiative = filters.ChoiceFilter(
        label="Initiative",
        method="filter_initiative",
        empty_label="All initiatives",
        error_messages=_invalid("initiative"),
    )
    result = filters.ChoiceFilter(
        label="Expected result",
        method="filter_result",
        empty_label="All expected results",
        error_messages=_invalid("expected result"),
    )
    status = StatusFilter(
        label="Status",
        choices=Activity.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # one row per activity already
        error_messages=_invalid("status"),
    )
    plan = filters.ChoiceFilter(
        label="Action plan",
        method="filter_plan",
        empty_label="All action plans",
        error_messages=_invalid("action plan"),
    )
    modality = filters.ChoiceFilter(
        label="Modality",
        choices=Activity.Modality.choices,
        empty_label="Any modality",
        error_messages=_invalid("modality"),
    )
    funding = filters.ChoiceFilter(
        label="Funding source",
        method="filter_funding",
        choices=[*FundingSource.choices, (NO_FUNDING_SOURCE, FundingSource.named(""))],
        empty_label="Any funding source",
        help_text="Activities with a budget line from this source (for the budget year, when "
        "one is given).",
        error_messages=_invalid("funding source"),
    )
    budget_year = YearFilter(
        label="Budget for year",
        method="filter_budget_year",
        help_text="Activities with a budget line for the year (from the funding source, when "
        "one is chosen).",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages=YEAR_ERRORS,
    )
    reported = YearFilter(
        label="Approved report in year",
        method="filter_reported",
        help_text="Activities with an approved progress report for a quarter of the year.",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages=YEAR_ERRORS,
    )
    stale = FlagFilter(
        label="Only stale activities",
        method="filter_stale",
        help_text="Ongoing, with no approved report for either of the last two quarters.",
        error_messages={"invalid_choice": "Tick the box or leave it empty."},
    )
    attention = FlagFilter(
        label="Needs attention",
        method="filter_attention",
        help_text="Still ongoing after the end date, or still planned after the start date.",
        error_messages={"invalid_choice": "Tick the box or leave it empty."},
    )
    focal_point = UserFilter(
        label="Focal point",
        method="filter_focal_point",
        empty_label="Anyone",
        error_messages=_invalid("focal point"),
    )
    mine = FlagFilter(
        label="Only my activities",
        method="filter_mine",
        help_text="Those I am the focal point of or created.",
        error_messages={"invalid_choice": "Tick the box or leave it empty."},
    )
    archived = ArchivedFilter(
        label="Archived activities",
        choices=[("only", "Only archived"), ("all", "Archived and current")],
        empty_label="Hidden",
        error_messages=_invalid("choice"),
    )
    sort = SortFilter(
        label="Sort order",
        choices=SORT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Unknown sort order: sort with the column headers."},
    )

    sort_fields = SORT_FIELDS

    class Meta:
        model = Activity
        fields = []

    def _load_choices(self):
        """Fill the choices from the reference data (`ListChoices`, cached until it changes)."""
        choices = list_choices()
        self.plans = choices.plans
        self.plan = self.plans.get(self.data.get("plan")) or choices.current_plan
        plan_code = self.plan.code if self.plan else None
        self.initiatives = choices.initiatives.get(plan_code, {})
        self.results = choices.results.get(plan_code, {})
        self.users = choices.users

        self._set("plan", choices=[(code, str(plan)) for code, plan in self.plans.items()])
        self._set("region", choices=choices.regions)
        self._set("country", choices=choices.countries)
        self._set("group", choices=choices.groups)
        self._set(
            "initiative",
            choices=[(code, f"{code} — {i.title}") for code, i in self.initiatives.items()],
        )
        self._set(
            "result",
            choices=[
                (
                    f"{initiative.code} — {initiative.title}",
                    [(r.code, f"{r.code} — {r.short_label}") for r in results],
                )
                for initiative, results in itertools.groupby(
                    self.results.values(), key=lambda r: r.initiative
                )
            ],
        )
        self._set(
            "focal_point",
            choices=[(name, u.get_full_name() or name) for name, u in self.users.items()],
            aliases={
                str(u.pk): name for name, u in self.users.items() if str(u.pk) not in self.users
            },
        )

    def _set(self, name, **field_kwargs):
        # The form fields are built lazily from `extra`, after this.
        self.filters[name].extra.update(field_kwargs)

    # --- One method per filter; each asks the Activity QuerySet, where the rules live.

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.in_country(value)

    def filter_group(self, queryset, name, value):
        # With a year, a country counts in the group if it was in it on any day of that year,
        # as in the dashboards' figures; without one, as of today.
        year = self.form.cleaned_data.get("year")
        if year:
            return queryset.in_group_during(value, year)
        return queryset.in_group(value)

    def filter_year(self, queryset, name, value):
        return queryset.active_in(value)

    def filter_plan(self, queryset, name, value):
        return queryset.in_plan(self.plans[value])

    def filter_initiative(self, queryset, name, value):
        return queryset.in_initiative(self.initiatives[value])

    def filter_result(self, queryset, name, value):
        return queryset.advancing(self.results[value])

    def filter_funding(self, queryset, name, value):
        # With a budget year, one line of this source for that year.
        source = "" if value == NO_FUNDING_SOURCE else value
        return queryset.funded_by(source, self.form.cleaned_data.get("budget_year"))

    def filter_budget_year(self, queryset, name, value):
        if self.form.cleaned_data.get("funding"):
            return queryset  # `filter_funding` asks for a line of its source for this year
        return queryset.funded_by(year=value)

    def filter_reported(self, queryset, name, value):
        return queryset.with_approved_report_in(value)

    def filter_stale(self, queryset, name, value):
        return queryset.stale()

    def filter_attention(self, queryset, name, value):
        return queryset.needs_attention(timezone.localdate())

    def filter_focal_point(self, queryset, name, value):
        return queryset.filter(focal_point=self.users[value])

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.mine(user)

    # --- What the list page shows about the filters.

    @property
    def current_sort(self):
        """The sort in force: the one asked for when valid, else newest first."""
        self.errors  # noqa: B018  (validates the form, which fills cleaned_data)
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    def clear_url(self):
        """The list without any filter, in the same order."""
        query = QueryDict(mutable=True)
        if self.current_sort != DEFAULT_SORT:
            query["sort"] = self.current_sort
        return _url(query)

    @property
    def more_filters_open(self):
        """Unfold "More filters" when one of them is in use or in error."""
        return any(self.data.get(name) or self.errors.get(name) for name in MORE_FILTERS)

    def mark_counted_via(self, activities):
        """Give each of `activities` (a page of the list, fetched with `for_list()`) its
        `counted_via`: a CountedVia for each expected result of the list's plan it counts for
        only through an earlier plan's result, which its row marks "via the previous plan".
        One query, whatever the number of rows: the links' rule is
        `ActivityExpectedResult.objects.counted_pairs`."""
        activities = list(activities)
        if not activities:
            return activities
        results = {result.pk: result for result in self.results.values()}
        pairs = ActivityExpectedResult.objects.filter(
            activity__in=[activity.pk for activity in activities]
        ).counted_pairs(list(results))
        direct, via = set(), defaultdict(list)
        for activity_id, result_id, earlier_id in pairs:
            if earlier_id is None:
                direct.add((activity_id, result_id))
            else:
                via[activity_id].append((result_id, earlier_id))
        for activity in activities:
            linked = {result.pk: result for result in activity.expected_results.all()}
            activity.counted_via = sorted(
                (
                    CountedVia(results[result_id], linked[earlier_id])
                    for result_id, earlier_id in via[activity.pk]
                    if (activity.pk, result_id) not in direct
                ),
                key=lambda mark: (mark.result.code, mark.earlier.code_in_plan),
            )
        return activities

    def _display(self, name, value):
        if name == "q":
            return f"“{value}”"
        if name in ("mine", "stale", "attention"):
            return ""
        return super()._display(name, value)


def _as_query_dict(data):
    """`data` as a QueryDict of text (None: an empty one)."""
    if isinstance(data, QueryDict):
        return data
    query = QueryDict(mutable=True)
    if data is None:
        return query
    items = data.lists() if isinstance(data, MultiValueDict) else data.items()
    for key, value in items:
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(key, [str(v) for v in values])
    return query


def _url(query):
    """A link to the same page with `query` ("?" alone for no parameters at all)."""
    return f"?{query.urlencode()}"


# --- Progress reports -------------------------------------------------------------------------

# The lists of the progress report page, `?view=…`: each a question the workflow asks of the
# ProgressReport QuerySet. Without `view`, every report the user may see in their regions.
REPORT_VIEWS = {
    "waiting": "Waiting for my review",
    "returned": "Returned to me",
    "drafts": "My drafts",
    "all": "All in my regions",
}
DEFAULT_REPORT_VIEW = "all"
# The columns the report list sorts by (`?sort=-period`), and each view's order by default:
# the oldest waiting first, the latest returned, the latest saved, the latest period.
REPORT_SORT_FIELDS = {
    "activity": ["activity__title"],
    "region": ["activity__region__code"],
    "period": ["year", "quarter"],
    "state": ["state"],
    "author": ["author__username"],
    "submitted": ["submitted_at"],
    "reviewed": ["reviewed_at"],
    "updated": ["updated_at"],
}
REPORT_DEFAULT_SORTS = {
    "waiting": "submitted",
    "returned": "-reviewed",
    "drafts": "-updated",
    "all": "-period",
}
REPORT_SORT_CHOICES = [
    (f"{sign}{key}", f"{key} ({'descending' if sign else 'ascending'})")
    for key in REPORT_SORT_FIELDS
    for sign in ("", "-")
]
QUARTER_CHOICES = [(str(quarter), f"Q{quarter}") for quarter in range(1, 5)]


def reports_in_view(reports, view, user):
    """Those of `reports` in the list `view` of REPORT_VIEWS, as `user` sees it: the reports
    waiting for their review, returned to them, their drafts, or all they may see in their
    regions (every region for a user with none, a Viewer). Never someone else's draft."""
    if view == "waiting":
        return reports.waiting_for_review_by(user)
    if view == "returned":
        return reports.returned_to(user)
    if view == "drafts":
        return reports.drafts_of(user)
    region_ids = permissions.region_ids(user)
    reports = reports.visible_to(user)
    return reports.in_regions(region_ids) if region_ids else reports


def report_ordering(sort):
    """The `order_by()` arguments of the report list for `sort` ("submitted", "-period"):
    reports without the date (not submitted, not reviewed) last either way, ties broken so
    that pages never overlap. The home page's lists use it too, so they start as the list."""
    fields = REPORT_SORT_FIELDS[sort.removeprefix("-")]
    if sort.startswith("-"):
        primary = [F(name).desc(nulls_last=True) for name in fields]
    else:
        primary = [F(name).asc(nulls_last=True) for name in fields]
    tie_breakers = [
        f
        for f in ("-year", "-quarter", "activity__title", "pk")
        if f.removeprefix("-") not in fields
    ]
    return [*primary, *tie_breakers]


def report_view_ordering(view):
    """The `order_by()` arguments of the list `view` when no sort is asked for."""
    return report_ordering(REPORT_DEFAULT_SORTS[view])


class ReportViewFilter(filters.ChoiceFilter):
    """Which list of reports, `?view=waiting`: applies even when not given (all of them)."""

    def filter(self, qs, value):
        return reports_in_view(qs, value or DEFAULT_REPORT_VIEW, self.parent.user)


class ReportSortFilter(filters.ChoiceFilter):
    """The list's order, `?sort=-period`; the view's own order when not given."""

    def filter(self, qs, value):
        return qs.order_by(*report_ordering(self.parent.current_sort))


class ProgressReportFilter(ListFilterSet):
    """Progress reports narrowed by the query string, within what `request.user` may see;
    `.qs` is empty while any value is invalid.

    The regions to choose from are the user's (every region for a user with none), the
    authors those of the reports the user may see.
    """

    view = ReportViewFilter(
        label="List",
        choices=list(REPORT_VIEWS.items()),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Unknown list: pick one of the tabs."},
    )
    region = filters.ChoiceFilter(
        field_name="activity__region__code",
        label="Region",
        empty_label="All regions",
        error_messages=_invalid("region"),
    )
    year = YearFilter(
        label="Year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages=YEAR_ERRORS,
    )
    quarter = filters.ChoiceFilter(
        label="Quarter",
        choices=QUARTER_CHOICES,
        empty_label="Any quarter",
        error_messages=_invalid("quarter"),
    )
    state = filters.ChoiceFilter(
        label="State",
        choices=ProgressReport.State.choices,
        empty_label="Any state",
        error_messages=_invalid("state"),
    )
    author = UserFilter(
        label="Author",
        method="filter_author",
        empty_label="Anyone",
        error_messages=_invalid("author"),
    )
    sort = ReportSortFilter(
        label="Sort order",
        choices=REPORT_SORT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Unknown sort order: sort with the column headers."},
    )

    sort_fields = REPORT_SORT_FIELDS
    not_chips = ("view", "sort")

    class Meta:
        model = ProgressReport
        fields = []

    def __init__(self, data=None, queryset=None, *, request, prefix=None):
        # The view and its order apply without parameters, for `request.user`.
        self.user = request.user
        super().__init__(data, queryset, request=request, prefix=prefix)

    def _load_choices(self):
        """Fill the choices of regions and authors in a fixed number of queries."""
        region_ids = permissions.region_ids(self.user)
        regions = Region.objects.order_by("code")
        if region_ids:
            regions = regions.filter(pk__in=region_ids)
            self.filters["region"].extra["error_messages"] = {
                "invalid_choice": "Not one of your regions: pick one from the list."
            }
        self.filters["region"].extra["choices"] = [
            (r.code, f"{r.name} ({r.code})") for r in regions
        ]
        authors = (
            get_user_model()
            .objects.filter(pk__in=ProgressReport.objects.visible_to(self.user).values("author"))
            .only("username", "first_name", "last_name")
            .order_by("first_name", "last_name", "username")
        )
        self.authors = {user.username: user for user in authors}
        self.filters["author"].extra.update(
            choices=[(name, u.get_full_name() or name) for name, u in self.authors.items()],
            aliases={
                str(u.pk): name for name, u in self.authors.items() if str(u.pk) not in self.authors
            },
        )

    def filter_author(self, queryset, name, value):
        return queryset.filter(author=self.authors[value])

    # --- What the list page shows about the filters.

    @property
    def current_view(self):
        """The list in force: the one asked for when valid, else all reports."""
        self.errors  # noqa: B018  (validates the form, which fills cleaned_data)
        return self.form.cleaned_data.get("view") or DEFAULT_REPORT_VIEW

    @property
    def current_sort(self):
        """The order in force: the one asked for when valid, else the view's own."""
        self.errors  # noqa: B018
        return self.form.cleaned_data.get("sort") or REPORT_DEFAULT_SORTS[self.current_view]

    def clear_url(self):
        """The same list without any filter, in the same order."""
        query = QueryDict(mutable=True)
        for name in ("view", "sort"):
            if self.data.get(name):
                query[name] = self.data[name]
        return _url(query)
