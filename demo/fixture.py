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

from activities.models import IndicatorBreakdown
from initiatives.models import Indicator as IndicatorModel

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
class Demo:
    """An activity of the demo; `results` by display code ("ASP3.4"), `countries` by ISO3."""

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
    if problems:
        raise DemoError(f"{demo.title}: " + "; ".join(problems))


def activity_uid(demo):
    return str(uuid.uuid5(NAMESPACE, TITLE_PREFIX + demo.title))


def build(demos, indicators, asp_countries, results):
    """The fixture's objects for `demos` (Demo) and `indicators` (Indicator): activities, their
    links, their reports, then the indicators, their targets, and the reports' values of them
    with their breakdowns."""
    activities, links, reports, values = [], [], [], []
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
            values += value_objects(demo, report, uid, by_code)
        values += contribution_objects(demo, uid, by_code)
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
                    "budget_amount": f"{demo.budget}.00" if demo.budget is not None else None,
                    "currency": "USD",
                    "funding_source": demo.funding,
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
        for code in demo.results:
            initiative, number = code.split(".")
            links.append(
                {
                    "model": "activities.activityexpectedresult",
                    "fields": {
                        "activity": [uid],
                        "expected_result": [PLAN, initiative, int(number)],
                    },
                }
            )
    return activities + links + reports + indicator_objects(indicators) + values


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
