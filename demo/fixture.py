"""How the demo set becomes fixtures/demo.json: the shape of a demo activity and its reports
(`Demo`, `Report`), the day the demo describes (AS_OF), the checks the data must pass, and the
fixture objects built from it (`build`). The data itself is in demo.fixture_data; the command
`build_demo_fixture` writes the file.

It reads no database: it checks the data against the reference fixtures (countries of ASP,
expected results of ASP initiatives) and writes natural keys only, so the demo loads into any
database that has the reference data and the demo users. The demo is a snapshot taken on AS_OF
(end of November 2026): reports cover 2025-2026 quarters, every timestamp is on or before that
day.
"""

import datetime
import json
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.management.base import CommandError

# Changing the namespace or a title changes the activity's uid: a database that loaded the old
# demo keeps the old row beside the new one.
NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5e21-9a0c-4d8e2f6b1a93")
TITLE_PREFIX = "[Demo] "
AS_OF = datetime.date(2026, 11, 27)
EDITOR = "asp.editor"
REVIEWER = "asp.reviewer"
PLAN = "WTDC-25"


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
    women: int = 0
    men: int = 0
    reference: str = ""
    reports: list = field(default_factory=list)


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


def check(demo, asp_countries, results):
    """Refuse data the database or a reader would reject."""
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
    if (
        sum(r.women for r in demo.reports) > demo.women
        or sum(r.men for r in demo.reports) > demo.men
    ):
        problems.append("reports reach more people than the activity")
    if problems:
        raise DemoError(f"{demo.title}: " + "; ".join(problems))


def activity_uid(demo):
    return str(uuid.uuid5(NAMESPACE, TITLE_PREFIX + demo.title))


def build(demos, asp_countries, results):
    """The fixture's objects for `demos` (Demo): activities, their links, then their reports."""
    activities, links, reports = [], [], []
    titles = Counter(d.title for d in demos)
    if duplicates := [t for t, n in titles.items() if n > 1]:
        raise DemoError(f"Titles must be unique (they make the uid): {duplicates}")
    for demo in demos:
        check(demo, asp_countries, results)
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
                    "people_reached_women": demo.women,
                    "people_reached_men": demo.men,
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
    return activities + links + reports
