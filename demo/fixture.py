"""How the demo set becomes fixtures/demo.json: the shape of a demo activity and its reports
(`Demo`, `Report`), of the demo's indicators and the values reports give them (`Indicator`,
`Value`), the day the demo describes (AS_OF), the checks the data must pass, and the fixture
objects built from it (`build`). The data itself is in demo.fixture_data; the command
`build_demo_fixture` writes the file.

It reads no database: it checks the data against the reference fixtures (countries of ASP,
expected results of ASP initiatives) and writes natural keys only, so the demo loads into any
database that has the reference data and the demo users. The demo is a snapshot taken on AS_OF
(end of November 2026): reports cover 2025-2026 quarters, every timestamp is on or before that
day.

The reference text sets no official indicators, so the demo's are made up: every one is marked
`is_demo`, with an illustrative baseline and targets.

Money: a demo activity's budget (`Demo.budget`, whole units) becomes budget lines, split across
the years it runs by its days (demo.money), from its funding source and, for some, part from a
second one (`Demo.cofunding`); approved progress reports state what they spent of their year's
budget. Amounts, funding partners and shares are illustrative, not real commitments. The rates
of exchange that convert them are illustrative too (`is_demo`, demo.money.DEMO_RATE_SOURCE),
one for every currency and month the demo needs but those of MISSING_RATES, left out on
purpose so that the dashboard shows how a missing rate looks.
"""

import datetime
import json
import math
import re
import uuid
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.base import CommandError

from activities.models import FundingSource, IndicatorBreakdown
from demo.money import (
    DEMO_RATE_SOURCE,
    budget_end,
    illustrative_rate,
    rate_months,
    spent_in_quarter,
    split_by_days,
)
from initiatives.currencies import CURRENCIES
from initiatives.models import Indicator as IndicatorModel
from initiatives.money import equal_shares

# Changing the namespace or a title changes the activity's uid: a database that loaded the old
# demo keeps the old row beside the new one.
NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5e21-9a0c-4d8e2f6b1a93")
TITLE_PREFIX = "[Demo] "
AS_OF = datetime.date(2026, 11, 27)
EDITOR = "asp.editor"
REVIEWER = "asp.reviewer"
PLAN = "WTDC-25"
BASELINE_YEAR = 2025
BASELINE_SOURCE = "Demo: illustrative baseline"
# The years of an indicator's targets, in the order `Indicator.targets` gives them: None is the
# end of the plan.
TARGET_YEARS = (2026, 2027, None)
INDICATOR_CODE = re.compile(r"^([A-Z]+\d+\.\d+)-(\d+)$")
# The rates the demo needs but does not ship, so that the dashboard of ASP 2026 shows a missing
# rate: the Swiss franc of July 2026 converts the expenditure of the 2026 Q3 reports in francs.
MISSING_RATES = {("CHF", datetime.date(2026, 7, 1))}


@dataclass
class Value:
    """A report's value of a demo indicator, and its breakdowns by dimension as {category:
    amount} (a category left out is 0; a country is its ISO3 code). Parts add up to the value."""

    value: int | float
    sex: dict | None = None
    age: dict | None = None
    disability: dict | None = None
    country: dict | None = None

    def breakdown(self):
        """{dimension: {category: amount}} of the dimensions given."""
        return {
            dimension: parts
            for dimension in IndicatorBreakdown.Dimension.values
            if (parts := getattr(self, dimension)) is not None
        }


@dataclass
class Report:
    """A quarterly progress report; state one of draft, submitted, approved, returned."""

    year: int
    quarter: int
    state: str
    percent: int
    achievements: str
    challenges: str = ""
    next_steps: str = ""
    women: int = 0
    men: int = 0
    comment: str = ""
    status: str = "ongoing"
    evidence: str = ""
    values: dict = field(default_factory=dict)  # indicator code ("ASP3.4-1") → Value or number


@dataclass
class Funding:
    """Part of a demo activity's budget from a second funding source: `amount` (whole units of
    `currency`) of its `budget`, from `partner` (named for extra-budgetary money)."""

    source: str
    amount: int
    partner: str = ""
    currency: str = "USD"


@dataclass
class Demo:
    """An activity of the demo; `results` by display code ("ASP3.4"), `countries` by ISO3.

    Its money: `budget` (whole units, None for none) from `funding` in `currency`, from
    `funding_partner` when extra-budgetary; `cofunding`, a part of that budget from a second
    source; `shares`, the percent of its money per result of `results` when set by an editor
    (else equal shares)."""

    title: str
    countries: list
    results: list
    status: str
    modality: str
    start: str
    end: str | None
    description: str
    funding: str = ""
    budget: int | None = None
    currency: str = "USD"
    funding_partner: str = ""
    cofunding: Funding | None = None
    shares: tuple = ()
    partners: str = ""
    groups: list = field(default_factory=list)
    focal_point: str = EDITOR
    women: int = 0  # the planned participants; the people reached are its reports'
    men: int = 0
    reference: str = ""
    reports: list = field(default_factory=list)


@dataclass
class Indicator:
    """A reported demo indicator of an ASP expected result, by its full code ("ASP3.4-1"):
    its baseline (of BASELINE_YEAR) and its `targets` for TARGET_YEARS; `by` the dimensions its
    values are broken down by."""

    code: str
    name: str
    unit: str
    aggregation: str
    baseline: int | float
    targets: tuple
    by: tuple = ()
    direction: str = "up"

    @property
    def result(self):
        """The expected result's display code: "ASP3.4"."""
        return self.code.rsplit("-", 1)[0]

    @property
    def number(self):
        """The indicator's own code, after its result's: "1"."""
        return self.code.rsplit("-", 1)[1]

    @property
    def max_value(self):
        return IndicatorModel.UNIT_LIMITS.get(self.unit)

    def natural_key(self):
        initiative, number = self.result.split(".")
        return [PLAN, initiative, int(number), self.number]


def as_value(given):
    """A report's value as `Value`, whether the data gives a Value or a bare number."""
    return given if isinstance(given, Value) else Value(given)


def decimal(number):
    """A number as a fixture writes a DecimalField: "57.00"."""
    return f"{Decimal(str(number)):.2f}"


def quarter_end(year, quarter):
    first_of_next = datetime.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def jitter(text, span):
    """A stable pseudo-random number of days in range(span), so reruns write the same file."""
    return zlib.crc32(text.encode()) % span


def stamp(day, text):
    """A working-hours timestamp (UTC) on `day`, varied by `text`."""
    hour = 1 + jitter("h" + text, 9)  # 01:00-09:00 UTC is office hours in Bangkok
    minute = jitter("m" + text, 60)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


def report_dates(key, report):
    """created, submitted, reviewed dates of a report, none later than AS_OF."""
    end = quarter_end(report.year, report.quarter)
    if end >= AS_OF:  # the current quarter: written during it
        created = AS_OF - datetime.timedelta(days=5 + jitter(key, 10))
        submitted = created + datetime.timedelta(days=1 + jitter(key + "s", 3))
    else:
        created = end + datetime.timedelta(days=2 + jitter(key, 6))
        submitted = created + datetime.timedelta(days=2 + jitter(key + "s", 8))
    reviewed = submitted + datetime.timedelta(days=2 + jitter(key + "r", 10))
    reviewed = min(reviewed, AS_OF)
    submitted = min(submitted, reviewed)
    if report.state == "draft":
        return created, None, None
    if report.state == "submitted":
        return created, submitted, None
    return created, submitted, reviewed


class DemoError(CommandError):
    """The demo data breaks a rule of the database or of the reader: nothing is written."""


def load_reference(fixtures):
    """ASP country codes, their names, and ASP expected results by display code."""
    countries = json.loads((fixtures / "countries.json").read_text(encoding="utf-8"))
    plan = json.loads((fixtures / "wtdc25.json").read_text(encoding="utf-8"))
    asp_countries = {
        o["fields"]["iso3"]: o["fields"]["name"]
        for o in countries
        if o["model"] == "initiatives.country" and o["fields"]["region"] == ["ASP"]
    }
    groups = {}
    for o in countries:
        if o["model"] == "initiatives.designation" and not o["fields"]["end_date"]:
            groups.setdefault(o["fields"]["country"][0], []).append(o["fields"]["group"])
    asp_initiatives = {
        o["fields"]["code"]
        for o in plan
        if o["model"] == "initiatives.initiative" and o["fields"]["region"] == ["ASP"]
    }
    results = {
        f"{o['fields']['initiative'][1]}.{o['fields']['number']}": o["fields"]["initiative"][1]
        for o in plan
        if o["model"] == "initiatives.expectedresult"
        and o["fields"]["initiative"][1] in asp_initiatives
    }
    return asp_countries, groups, results


def check_indicators(indicators, results):
    """Refuse indicators the database or a reader would reject, or that make no sense: each of
    an ASP expected result, in units and ways of adding up the application knows, with a
    baseline and targets within the unit's range that do not go backwards."""
    problems = []
    codes = Counter(i.code for i in indicators)
    problems += [f"{code}: two indicators of this code" for code, n in codes.items() if n > 1]
    for indicator in indicators:
        wrong = []
        if not INDICATOR_CODE.match(indicator.code):
            wrong.append("a code such as ASP3.4-1")
        elif indicator.result not in results:
            wrong.append(f"{indicator.result} is not an ASP expected result")
        if indicator.unit not in IndicatorModel.Unit.values:
            wrong.append(f"unknown unit {indicator.unit}")
        if indicator.aggregation not in IndicatorModel.Aggregation.values:
            wrong.append(f"unknown aggregation {indicator.aggregation}")
        if indicator.direction not in IndicatorModel.Direction.values:
            wrong.append(f"unknown direction {indicator.direction}")
        if (
            indicator.aggregation == IndicatorModel.Aggregation.COUNTRIES
            and indicator.unit != IndicatorModel.Unit.NUMBER
        ):
            wrong.append("a count of countries is a number")
        unknown = set(indicator.by) - set(IndicatorBreakdown.Dimension.values)
        if unknown or len(set(indicator.by)) != len(indicator.by):
            wrong.append(f"dimensions must be distinct, of {IndicatorBreakdown.Dimension.values}")
        if len(indicator.targets) != len(TARGET_YEARS):
            wrong.append(f"needs {len(TARGET_YEARS)} targets, for {TARGET_YEARS}")
        limit = indicator.max_value
        named = [("baseline", indicator.baseline)] + [
            (f"target {year or 'end of plan'}", target)
            for year, target in zip(TARGET_YEARS, indicator.targets, strict=False)
        ]
        for what, number in named:
            if number < 0 or (limit is not None and number > limit):
                wrong.append(f"{what} {number} outside 0 to {limit or 'any'}")
        ordered = list(indicator.targets)
        if indicator.aggregation != IndicatorModel.Aggregation.SUM:
            ordered = [indicator.baseline, *ordered]
        if indicator.direction == IndicatorModel.Direction.DOWN:
            ordered.reverse()
        if ordered != sorted(ordered):
            wrong.append("targets go the wrong way")
        if wrong:
            problems.append(f"{indicator.code}: " + "; ".join(wrong))
    if problems:
        raise DemoError("Indicators: " + " | ".join(problems))


def value_problems(demo, report, indicators):
    """What is wrong with `report`'s indicator values: of an indicator of a result the activity
    advances, within the unit's range, broken down by the indicator's dimensions into known
    categories whose parts add up to the value."""
    problems = []
    period = f"report {report.year} Q{report.quarter}"
    for code, given in report.values.items():
        where = f"{period}, {code}"
        indicator = indicators.get(code)
        if indicator is None:
            problems.append(f"{where}: no such demo indicator")
            continue
        if indicator.result not in demo.results:
            problems.append(f"{where}: a result the activity does not advance")
        given = as_value(given)
        value = Decimal(str(given.value))
        limit = indicator.max_value
        if value < 0 or (limit is not None and value > limit):
            problems.append(f"{where}: {value} outside 0 to {limit or 'any'}")
        if limit is not None and value != value.to_integral_value():
            problems.append(f"{where}: a whole step for a {indicator.unit}")
        for dimension, parts in given.breakdown().items():
            if dimension not in indicator.by:
                problems.append(f"{where}: not broken down by {dimension}")
                continue
            known = categories(dimension, demo.countries)
            if unknown := set(parts) - set(known):
                problems.append(f"{where}: unknown {dimension} parts {sorted(unknown)}")
            if any(amount < 0 for amount in parts.values()):
                problems.append(f"{where}: a negative part by {dimension}")
            total = sum((Decimal(str(amount)) for amount in parts.values()), Decimal(0))
            if total != value:
                problems.append(f"{where}: parts by {dimension} add up to {total}, not {value}")
    return problems


def categories(dimension, countries):
    """A dimension's categories in order: the activity's `countries` (ISO3) for "country"."""
    if dimension == IndicatorBreakdown.Dimension.COUNTRY:
        return list(countries)
    return [code for code, _label in IndicatorBreakdown.CATEGORIES[dimension]]


def check(demo, asp_countries, results, indicators):
    """Refuse data the database or a reader would reject; `indicators` by code."""
    problems = []
    start = datetime.date.fromisoformat(demo.start)
    end = datetime.date.fromisoformat(demo.end) if demo.end else None
    if end and end < start:
        problems.append("ends before it starts")
    if not 2025 <= start.year <= 2027:
        problems.append("starts outside 2025-2027")
    if demo.status == "completed" and (not end or end > AS_OF):
        problems.append("completed but its end date is not past")
    if demo.status == "planned" and start <= AS_OF:
        problems.append("planned but already started")
    if not 1 <= len(demo.countries) <= 6 or len(set(demo.countries)) != len(demo.countries):
        problems.append("needs 1 to 6 distinct countries")
    problems += [f"{c} is not an ASP country" for c in demo.countries if c not in asp_countries]
    problems += [f"{r} is not an ASP expected result" for r in demo.results if r not in results]
    if not demo.results:
        problems.append("advances no expected result")
    periods = [(r.year, r.quarter) for r in demo.reports]
    if len(set(periods)) != len(periods):
        problems.append("two reports for one quarter")
    for r in demo.reports:
        if (r.year, r.quarter) < quarter_of(start) or (r.year, r.quarter) > quarter_of(AS_OF):
            problems.append(f"report {r.year} Q{r.quarter} outside the activity and AS_OF")
        if end and (r.year, r.quarter) > quarter_of(end):
            problems.append(f"report {r.year} Q{r.quarter} after the end date")
        if not 0 <= r.percent <= 100:
            problems.append(f"report {r.year} Q{r.quarter}: percent out of range")
        if r.state == "returned" and not r.comment:
            problems.append(f"report {r.year} Q{r.quarter}: returned without a comment")
        if r.state not in ("draft", "submitted", "approved", "returned"):
            problems.append(f"report {r.year} Q{r.quarter}: unknown state {r.state}")
        problems += value_problems(demo, r, indicators)
    if (
        sum(r.women for r in demo.reports) > demo.women
        or sum(r.men for r in demo.reports) > demo.men
    ):
        problems.append("reports reach more people than the activity plans")
    problems += money_problems(demo)
    if problems:
        raise DemoError(f"{demo.title}: " + "; ".join(problems))


def money_problems(demo):
    """What is wrong with `demo`'s money: sources and currencies the database knows, a partner
    named for extra-budgetary money, a second source that is a part of the budget, shares
    that are percentages of its results summing to 100."""
    problems = []
    if demo.funding not in FundingSource.values:
        problems.append(f"unknown funding source {demo.funding!r}")
    if demo.budget is None:
        if demo.cofunding or demo.funding_partner:
            problems.append("a second source or a funding partner without a budget")
    elif demo.budget < 0:
        problems.append("a negative budget")
    parts = budget_parts(demo)
    for source, partner, currency, amount in parts:
        if source == FundingSource.EXTRA_BUDGETARY and not partner:
            problems.append("extra-budgetary money without its funding partner")
        if currency not in CURRENCIES:
            problems.append(f"{currency} is not an ISO 4217 currency")
        if amount <= 0:
            problems.append(f"{FundingSource.named(source)}: no money (cofunding too large?)")
    keys = [(source, partner, currency) for source, partner, currency, _amount in parts]
    if len(set(keys)) != len(keys):
        problems.append("the second source is the first one")
    if demo.shares:
        if len(demo.shares) != len(demo.results) or sum(demo.shares) != 100:
            problems.append("set shares: one per expected result, summing to 100")
        if any(not 0 <= share <= 100 for share in demo.shares):
            problems.append("set shares are percentages")
    return problems


def activity_uid(demo):
    return str(uuid.uuid5(NAMESPACE, TITLE_PREFIX + demo.title))


def budget_parts(demo):
    """[(funding source, partner, currency, whole units)] of `demo`'s budget: the second
    source's part, and the rest from its own source. Empty without a budget."""
    if demo.budget is None:
        return []
    parts = []
    rest = demo.budget
    if demo.cofunding:
        cofunding = demo.cofunding
        parts.append((cofunding.source, cofunding.partner, cofunding.currency, cofunding.amount))
        rest -= cofunding.amount
    parts.insert(0, (demo.funding, demo.funding_partner, demo.currency, rest))
    return parts


def budget_lines(demo):
    """[(year, funding source, partner, currency, whole units)] of `demo`: each part of its
    budget split across the years it runs by its days (an activity without an end date as
    demo.money says), adding up to its budget."""
    start = datetime.date.fromisoformat(demo.start)
    end = budget_end(start, datetime.date.fromisoformat(demo.end) if demo.end else None)
    return sorted(
        (year, source, partner, currency, amount)
        for source, partner, currency, total in budget_parts(demo)
        for year, amount in split_by_days(total, start, end).items()
        if amount
    )


def expenditures(demo, report):
    """{(funding source, currency): whole units} that an approved `report` of `demo` spent:
    of each budget line of its year, the part of its quarter (by days), 60 to 95 % of it
    (stable per report and line). Nothing for other states."""
    if report.state != "approved":
        return {}
    start = datetime.date.fromisoformat(demo.start)
    end = budget_end(start, datetime.date.fromisoformat(demo.end) if demo.end else None)
    spent = defaultdict(int)
    for year, source, partner, currency, amount in budget_lines(demo):
        if year != report.year:
            continue
        key = f"{demo.title}{report.year}{report.quarter}{source}{partner}{currency}"
        percent = 60 + jitter(key, 36)
        spent[source, currency] += spent_in_quarter(
            amount, start, end, report.year, report.quarter, percent
        )
    return {key: amount for key, amount in sorted(spent.items()) if amount}


def shares(demo):
    """{display code: percent} of `demo`'s expected results: the shares it sets, else equal
    shares in the order of the results' codes (the order of their ids in the database)."""
    if demo.shares:
        return {code: Decimal(share) for code, share in zip(demo.results, demo.shares, strict=True)}
    ordered = sorted(demo.results, key=lambda code: [int(n) for n in re.findall(r"\d+", code)])
    return dict(zip(ordered, equal_shares(len(ordered)), strict=True))


def needed_rates(demos):
    """The (currency, month) pairs whose rates convert the demo's budget lines and
    expenditures (demo.money.rate_months)."""
    lines = {(currency, year) for d in demos for year, _s, _p, currency, _a in budget_lines(d)}
    spent = {
        (currency, report.year, report.quarter)
        for d in demos
        for report in d.reports
        for _source, currency in expenditures(d, report)
    }
    return rate_months(lines, spent)


def rate_objects(demos):
    """The fixture's rates: an illustrative one for every (currency, month) the demo needs,
    but MISSING_RATES, which must be needed (else the gap would show nowhere)."""
    needed = needed_rates(demos)
    if unneeded := MISSING_RATES - needed:
        raise DemoError(f"MISSING_RATES leaves out rates the demo does not need: {unneeded}")
    return [
        {
            "model": "initiatives.exchangerate",
            "fields": {
                "currency": currency,
                "month": month.isoformat(),
                "rate": f"{illustrative_rate(currency, month):f}",
                "source": DEMO_RATE_SOURCE,
                "is_demo": True,
            },
        }
        for currency, month in sorted(needed - MISSING_RATES)
    ]


def build(demos, indicators, asp_countries, results):
    """The fixture's objects for `demos` (Demo) and `indicators` (Indicator): the rates of
    exchange, activities, their links, their budget lines, their reports with their
    expenditure, then the indicators, their targets, and the reports' values of them with
    their breakdowns."""
    activities, links, lines, reports, spent, values = [], [], [], [], [], []
    titles = Counter(d.title for d in demos)
    if duplicates := [t for t, n in titles.items() if n > 1]:
        raise DemoError(f"Titles must be unique (they make the uid): {duplicates}")
    check_indicators(indicators, results)
    by_code = {indicator.code: indicator for indicator in indicators}
    for demo in demos:
        check(demo, asp_countries, results, by_code)
        uid = activity_uid(demo)
        start = datetime.date.fromisoformat(demo.start)
        # Recorded some weeks before it starts; planned ones some weeks before AS_OF.
        created = min(
            start - datetime.timedelta(days=20 + jitter(uid, 40)),
            AS_OF - datetime.timedelta(days=10 + jitter(uid + "p", 50)),
        )
        updated = created
        for report in demo.reports:
            key = f"{uid}{report.year}{report.quarter}"
            r_created, submitted, reviewed = report_dates(key, report)
            last = reviewed or submitted or r_created
            updated = max(updated, r_created)
            reviewed_by_someone = report.state in ("approved", "returned")
            reports.append(
                {
                    "model": "activities.progressreport",
                    "fields": {
                        "activity": [uid],
                        "year": report.year,
                        "quarter": report.quarter,
                        "activity_status": report.status,
                        "percent_complete": report.percent,
                        "achievements": report.achievements,
                        "challenges": report.challenges,
                        "next_steps": report.next_steps,
                        "evidence_links": report.evidence,
                        "people_reached_women": report.women,
                        "people_reached_men": report.men,
                        "state": report.state,
                        "author": [EDITOR],
                        "submitted_at": stamp(submitted, key + "s") if submitted else None,
                        "reviewer": [REVIEWER] if reviewed_by_someone else None,
                        "reviewed_at": stamp(reviewed, key + "r") if reviewed else None,
                        "review_comment": report.comment if reviewed_by_someone else "",
                        "created_at": stamp(r_created, key),
                        "updated_at": stamp(last, key + "r" if reviewed else key + "s")
                        if last != r_created
                        else stamp(r_created, key),
                        "version": 1,
                    },
                }
            )
            spent += [
                {
                    "model": "activities.expenditure",
                    "fields": {
                        "report": [uid, report.year, report.quarter],
                        "funding_source": source,
                        "amount": decimal(amount),
                        "currency": currency,
                    },
                }
                for (source, currency), amount in expenditures(demo, report).items()
            ]
            values += value_objects(demo, report, uid, by_code)
        values += contribution_objects(demo, uid, by_code)
        lines += [
            {
                "model": "activities.budgetline",
                "fields": {
                    "activity": [uid],
                    "year": year,
                    "funding_source": source,
                    "funding_partner": partner,
                    "amount": decimal(amount),
                    "currency": currency,
                },
            }
            for year, source, partner, currency, amount in budget_lines(demo)
        ]
        activities.append(
            {
                "model": "activities.activity",
                "fields": {
                    "uid": uid,
                    "title": TITLE_PREFIX + demo.title,
                    "description": demo.description,
                    "reference": demo.reference,
                    "region": ["ASP"],
                    "status": demo.status,
                    "modality": demo.modality,
                    "start_date": demo.start,
                    "end_date": demo.end,
                    "custom_split": bool(demo.shares),
                    "partners": demo.partners,
                    "target_groups": [[code] for code in demo.groups],
                    "focal_point": [demo.focal_point],
                    "planned_participants_women": demo.women,
                    "planned_participants_men": demo.men,
                    "is_demo": True,
                    "archived_at": None,
                    "created_by": [EDITOR],
                    "created_at": stamp(created, uid),
                    "updated_by": [EDITOR],
                    # The activity was last touched when its latest report was written.
                    "updated_at": stamp(updated, uid + "u")
                    if updated != created
                    else stamp(created, uid),
                    "version": 1,
                },
            }
        )
        for iso3 in demo.countries:
            links.append(
                {
                    "model": "activities.activitycountry",
                    "fields": {"activity": [uid], "country": [iso3]},
                }
            )
        share_of = shares(demo)
        for code in demo.results:
            initiative, number = code.split(".")
            links.append(
                {
                    "model": "activities.activityexpectedresult",
                    "fields": {
                        "activity": [uid],
                        "expected_result": [PLAN, initiative, int(number)],
                        "share": decimal(share_of[code]),
                    },
                }
            )
    return (
        rate_objects(demos)
        + activities
        + links
        + lines
        + reports
        + spent
        + indicator_objects(indicators)
        + values
    )


def indicator_objects(indicators):
    """The fixture's indicators, each followed by its targets."""
    objects = []
    for indicator in indicators:
        key = indicator.natural_key()
        objects.append(
            {
                "model": "initiatives.indicator",
                "fields": {
                    "expected_result": key[:3],
                    "code": indicator.number,
                    "name": indicator.name,
                    "measure": IndicatorModel.Measure.REPORTED,
                    "unit": indicator.unit,
                    "direction": indicator.direction,
                    "aggregation": indicator.aggregation,
                    **{f"by_{d}": d in indicator.by for d in IndicatorBreakdown.Dimension.values},
                    "baseline_value": decimal(indicator.baseline),
                    "baseline_year": BASELINE_YEAR,
                    "baseline_source": BASELINE_SOURCE,
                    "is_demo": True,
                },
            }
        )
        objects += [
            {
                "model": "initiatives.target",
                "fields": {"indicator": key, "year": year, "value": decimal(target)},
            }
            for year, target in zip(TARGET_YEARS, indicator.targets, strict=True)
        ]
    return objects


def contribution_objects(demo, uid, indicators):
    """The fixture's planned contributions of `demo` (whose uid is `uid`): to each indicator in
    numbers that its reports give values of, a quarter more than they give in all, rounded up
    to a multiple of 5 — a plan that its reports approach."""
    given = defaultdict(Decimal)
    for report in demo.reports:
        for code, value in report.values.items():
            if indicators[code].unit == "number":
                given[code] += Decimal(str(as_value(value).value))
    return [
        {
            "model": "activities.plannedcontribution",
            "fields": {
                "activity": [uid],
                "indicator": indicators[code].natural_key(),
                "value": decimal(math.ceil(total * Decimal("1.25") / 5) * 5),
            },
        }
        for code, total in sorted(given.items())
    ]


def value_objects(demo, report, uid, indicators):
    """The fixture's values of `report` (of `demo`, whose uid is `uid`), each followed by its
    breakdown: every category of a dimension given, 0 where the data leaves one out."""
    objects = []
    for code, given in report.values.items():
        given = as_value(given)
        indicator_key = indicators[code].natural_key()
        objects.append(
            {
                "model": "activities.indicatorvalue",
                "fields": {
                    "report": [uid, report.year, report.quarter],
                    "indicator": indicator_key,
                    "value": decimal(given.value),
                },
            }
        )
        value_key = [uid, report.year, report.quarter, *indicator_key]
        objects += [
            {
                "model": "activities.indicatorbreakdown",
                "fields": {
                    "value": value_key,
                    "dimension": dimension,
                    "category": category,
                    "amount": decimal(parts.get(category, 0)),
                },
            }
            for dimension, parts in given.breakdown().items()
            for category in categories(dimension, demo.countries)
        ]
    return objects
