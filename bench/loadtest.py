"""Load test: 50 signed-in users for 60 seconds against gunicorn and PostgreSQL, reading and
writing at once; then every write they were told had succeeded is looked for in the database.

    .venv/bin/python bench/loadtest.py [--users 50] [--duration 60] [--writes 0.1]
        [--activities 0] [--think 0.5]                                  (or: make loadtest)

Issue #18's run: `--activities 100000 --writes 0.1`, 50 users with 10 % writes at 100,000
activities, whose goal is the 95th percentile at most 10 times the floor, with 0 errors and 0
lost writes.

What it does, in order:

1. Drops and creates a throwaway PostgreSQL database (`tracker_loadtest` on 127.0.0.1, or
   LOADTEST_DATABASE_URL: its name must contain "loadtest"), migrates it, loads the
   reference data and collects the static files. With --activities N, runs
   `generate_demo_data --activities N --seed 1` in it (as bench/bench.py does, with
   DEBUG=True in that command's environment only; about 4 minutes at 100,000).
2. Creates one Editor of Asia-Pacific per user (with a password made for this run) and two
   activities of each user's own; without --activities, 300 other activities for the lists.
3. Starts gunicorn with gunicorn.conf.py and production settings (DEBUG=False, a new
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1; HTTPS redirects and secure cookies off, as there is no
   TLS on loopback) on 127.0.0.1, and waits for /readyz.
4. Each user logs in once, through the login form, then for the duration loops: pick an
   action, do it the way a browser does (a form is fetched for its CSRF token and version —
   the activity form read as a browser submits it, its other fields as they are — then
   posted), wait 0 to --think seconds. An action is a write with the probability --writes
   (default 0.1), else a read, each chosen by the weights of WRITES and READS. Reads: home,
   the activity list with filters, an activity's page, the region dashboard of Asia-Pacific
   (WTDC-25, 2026), the initiatives, the countries, and the floor (the password change page,
   the app's most trivial signed-in page, as in bench/bench.py: 5 % of reads). Writes: create
   an activity, edit one of one's own activities (with the version the form was read at),
   write a progress report, edit one of one's draft reports. Users write only their own
   records, so no edit conflict is expected: one would count as an error.
5. Stops gunicorn, then checks in the database that every write a user saw succeed is there
   exactly as posted, and is in the history (an edit's intermediate values too).
6. Writes bench/results/loadtest-<date>.md (the options, machine, commit, requests, req/s,
   median and 95th percentile latency per kind of request and as a multiple of the floor's
   median under the same load, errors, writes checked and lost, and whether #18's goal is
   met), drops the database, and exits non-zero on any error or lost write (not on the
   latency goal).

Loopback only: it refuses any other address for the server or the database. Bounded: at most
200 users, 600 seconds and 1,000,000 generated activities; every request has a 30-second
timeout.
"""

import argparse
import asyncio
import datetime
import os
import random
import re
import runpy
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from harness import (  # bench/harness.py: what the gunicorn benchmarks share
    CSRF_INPUT,
    RESULTS,
    ROOT,
    VERSION_INPUT,
    drop_database,
    form_fields,
    machine,
    percentile,
    production_environment,
    recreate_database,
    require_loopback,
    require_port_free,
    server_log_summary,
    start_gunicorn,
    stop_gunicorn,
    wait_until_ready,
)
from spreadsheets import git_commit  # bench/spreadsheets.py: the commit, "with changes" if so

from bench import (  # bench/bench.py: the scale benchmark's floor, dashboard and generator
    DASHBOARD,
    FLOOR,
    MAX_SIZE,
    PAGES,
    SEED,
    generate,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_loadtest"
MAX_USERS, MAX_DURATION = 200, 600
BACKGROUND_ACTIVITIES = 300  # without --activities: the lists' other activities
OWN_ACTIVITIES = 2
REQUEST_TIMEOUT = 30.0
USERNAME = "load.editor.{:03d}"
TITLE_PREFIX = "Load test"

# A form's error messages (errorlist items and the form's own errors), as the app writes them.
FORM_ERROR = re.compile(r'<(ul|div|p) class="(?:errorlist|form-errors)[^"]*"[^>]*>(.*?)</\1>', re.S)
TAG = re.compile(r"<[^>]+>")
DEFAULT_WRITES = 0.1  # the share of actions that are writes (issue #18: 10 %)

# What a simulated user does: a write with the probability --writes, else a read; which one,
# by these weights (each a method of SimulatedUser, its spaces as underscores).
READS = {
    "home": 15,
    "activity list": 25,
    "activity detail": 20,
    "region dashboard": 20,  # DASHBOARD: Asia-Pacific, WTDC-25, 2026 (issue #18's page)
    "initiative list": 8,
    "country list": 7,
    "floor": 5,  # FLOOR: the password change page, whose median the others are measured by
}
WRITES = {
    "create activity": 10,
    "edit activity": 14,
    "write report": 12,
    "edit report": 10,
}
FLOOR_KIND = PAGES["floor"]  # "floor: password change page", as bench/bench.py names it
GOAL_MULTIPLE = 10  # issue #18: the 95th percentile of all requests at most 10 times the floor
LIST_FILTERS = [
    "",
    "?region=ASP",
    "?status=ongoing&year=2026",
    "?q=spectrum",
    "?group=LDC&year=2026",
    "?country=TON",
    "?initiative=ASP3",
    "?mine=1",
    "?sort=-start_date&page=2",
    "?status=planned&status=ongoing&sort=title",
]
ACTIVITY_URL = re.compile(r"^/activities/(\d+)/$")
REPORT_URL = re.compile(r"^/activities/(\d+)/reports/(\d+)/$")


# --- Set-up: the database, the users and their activities -------------------------------------


def set_up_django(environment):
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # the production cache is the database's
    call_command("load_reference_data", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


@dataclass
class OwnActivity:
    """An activity a simulated user may edit, with the values its edit form posts."""

    pk: int
    title: str
    country: int
    result: int
    status: str = "ongoing"
    start_date: str = "2026-02-01"
    description: str = ""
    women: int = 0
    periods_used: set = field(default_factory=set)


@dataclass
class Seed:
    region: int
    countries: list
    results: list
    user_ids: dict  # username -> id
    own: dict  # username -> [OwnActivity]
    all_activity_ids: list  # every activity in the database (generated ones included)


def seed(users, password, background):
    """`users` Editors of Asia-Pacific, OWN_ACTIVITIES activities each, and `background` other
    activities for the lists; one history row per activity, as a save in the app writes."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from activities.models import Activity, RegionAssignment
    from initiatives.history import record_history
    from initiatives.models import ActionPlan, Country, ExpectedResult, Region

    region = Region.objects.get(code="ASP")
    countries = list(Country.objects.filter(region=region).values_list("pk", flat=True))
    results = list(
        ExpectedResult.objects.filter(
            initiative__region=region, initiative__action_plan=ActionPlan.objects.current()
        ).values_list("pk", flat=True)
    )
    hashed = make_password(password)  # one hash for all: the same password, hashed once
    rng = random.Random(7)
    with transaction.atomic():
        created = User.objects.bulk_create(
            User(username=USERNAME.format(n), email=f"load{n}@example.org", password=hashed)
            for n in range(users)
        )
        editors = Group.objects.get(name="Editor")
        editors.user_set.add(*created)
        RegionAssignment.objects.bulk_create(
            RegionAssignment(user=user, region=region) for user in created
        )
        own = {}
        for index in range(users * OWN_ACTIVITIES + background):
            user = created[index // OWN_ACTIVITIES] if index < users * OWN_ACTIVITIES else None
            country, result = rng.choice(countries), rng.choice(results)
            activity = Activity.objects.create(
                title=f"Seeded activity {index}: spectrum management training",
                region=region,
                status=Activity.Status.ONGOING,
                modality=Activity.Modality.CAPACITY_BUILDING,
                start_date=datetime.date(2026, 2, 1),
                focal_point=user,
                created_by=user,
            )
            activity.countries.set([country])
            activity.expected_results.set([result])
            record_history([activity], user, created=True)
            if user is not None:
                own.setdefault(user.username, []).append(
                    OwnActivity(activity.pk, activity.title, country, result)
                )
    user_ids = {user.username: user.pk for user in created}
    all_ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True))
    return Seed(region.pk, countries, results, user_ids, own, all_ids)


# --- The simulated users ----------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool


@dataclass
class Ledger:
    """What the users were told was saved, to look for in the database afterwards."""

    created: list = field(default_factory=list)  # (pk, title, username, country, result)
    edits: list = field(default_factory=list)  # (pk, version, description, women)
    reports: list = field(default_factory=list)  # (pk, activity pk, year, quarter, text, user)
    report_edits: list = field(default_factory=list)  # (pk, version, achievements)


class Failure(Exception):
    """A response other than the one a working application gives."""


def quarter_of(day):
    return (day.year, (day.month - 1) // 3 + 1)


def form_errors(response):
    """ ": the form's error messages" of a form that came back instead of a redirect."""
    if response.status_code != 200:
        return ""
    messages = [
        " ".join(TAG.sub(" ", html).split()) for _, html in FORM_ERROR.findall(response.text)
    ]
    return f": {'; '.join(messages)}" if messages else ""


class SimulatedUser:
    def __init__(self, number, seed_data, password, base_url, ledger, samples, errors, rng):
        self.username = USERNAME.format(number)
        self.user_id = seed_data.user_ids[self.username]
        self.seed = seed_data
        self.password = password
        self.own = list(seed_data.own[self.username])
        self.drafts = []  # [report pk, activity pk, version or None]
        self.ledger, self.samples, self.errors, self.rng = ledger, samples, errors, rng
        self.created_count = 0
        self.actions = Counter()  # "read" and "write": the actions chosen
        self.client = httpx.AsyncClient(
            base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False
        )

    async def request(self, kind, method, url, expect, **kwargs):
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.samples.append(Sample(kind, time.perf_counter() - started, False))
            raise Failure(f"{kind}: {method} {url}: {type(error).__name__} {error}") from None
        self.samples.append(
            Sample(kind, time.perf_counter() - started, response.status_code == expect)
        )
        if response.status_code != expect:
            raise Failure(
                f"{kind}: {method} {url} answered {response.status_code}, not {expect} "
                f"(request id {response.headers.get('x-request-id', '?')}){form_errors(response)}"
            )
        return response

    async def form(self, kind, url):
        """GET a form; its CSRF token and, on an edit form, its version."""
        page = (await self.request(kind, "GET", url, 200)).text
        token = CSRF_INPUT.search(page)
        if token is None:
            raise Failure(f"{kind}: no CSRF token in {url}")
        version = VERSION_INPUT.search(page)
        return token.group(1), int(version.group(1)) if version else None

    async def activity_form(self, kind, url):
        """GET the activity form; what a browser would post back untouched ({name: [values]},
        the CSRF token and any formset's management fields included), and its version on an
        edit form."""
        page = (await self.request(kind, "GET", url, 200)).text
        try:
            fields = form_fields(page, having="title")
        except LookupError:
            raise Failure(f"{kind}: no activity form in {url}") from None
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        version = VERSION_INPUT.search(page)
        return data, int(version.group(1)) if version else None

    async def log_in(self):
        token, _ = await self.form("login form", "/login/")
        data = {"csrfmiddlewaretoken": token, "username": self.username}
        data["password"] = self.password
        response = await self.request("login", "POST", "/login/", 302, data=data)
        if response.headers["location"] != "/":
            raise Failure(f"login of {self.username} went to {response.headers['location']}")

    async def run(self, deadline, think, writes):
        """Until `deadline`: a write with the probability `writes`, else a read."""
        choices = {"read": (list(READS), list(READS.values()))}
        choices["write"] = (list(WRITES), list(WRITES.values()))
        while time.monotonic() < deadline:
            kind = "write" if self.rng.random() < writes else "read"
            self.actions[kind] += 1
            action = self.rng.choices(*choices[kind])[0]
            try:
                await getattr(self, action.replace(" ", "_"))()
            except Failure as failure:
                self.errors.append(str(failure))
            await asyncio.sleep(self.rng.uniform(0, think))

    # Reads.

    async def home(self):
        await self.request("home", "GET", "/", 200)

    async def activity_list(self):
        await self.request(
            "activity list", "GET", f"/activities/{self.rng.choice(LIST_FILTERS)}", 200
        )

    async def activity_detail(self):
        pk = self.rng.choice(self.seed.all_activity_ids)
        await self.request("activity detail", "GET", f"/activities/{pk}/", 200)

    async def region_dashboard(self):
        await self.request("region dashboard", "GET", DASHBOARD, 200)

    async def floor(self):
        await self.request(FLOOR_KIND, "GET", FLOOR, 200)

    async def initiative_list(self):
        await self.request("initiative list", "GET", "/initiatives/", 200)

    async def country_list(self):
        await self.request("country list", "GET", "/countries/?region=ASP", 200)

    # Writes: a form fetched, then posted, as a browser does.

    def activity_data(self, activity, form):
        """The activity form's fields as read (`form`), with the activity's values set: the
        fields the form has besides (its money: budget lines, shares) posted as they are."""
        return {
            **form,
            "title": activity.title,
            "reference": "",
            "description": activity.description,
            "status": activity.status,
            "modality": "capacity_building",
            "region": self.seed.region,
            "countries": [activity.country],
            "expected_results": [activity.result],
            "start_date": activity.start_date,
            "end_date": "",
            "partners": "",
            "focal_point": self.user_id,
            "planned_participants_women": activity.women,
            "planned_participants_men": 0,
        }

    async def create_activity(self):
        form, _ = await self.activity_form("activity form", "/activities/new/")
        self.created_count += 1
        activity = OwnActivity(
            pk=0,
            title=f"{TITLE_PREFIX} {self.username} #{self.created_count} {secrets.token_hex(4)}",
            country=self.rng.choice(self.seed.countries),
            result=self.rng.choice(self.seed.results),
            status="planned",
            start_date="2026-09-01",
        )
        response = await self.request(
            "activity create",
            "POST",
            "/activities/new/",
            302,
            data=self.activity_data(activity, form),
        )
        created = ACTIVITY_URL.match(response.headers["location"])
        if created is None:
            raise Failure(f"activity create went to {response.headers['location']}")
        activity.pk = int(created.group(1))
        self.ledger.created.append(
            (activity.pk, activity.title, self.username, activity.country, activity.result)
        )
        self.own.append(activity)

    async def edit_activity(self):
        activity = self.rng.choice(self.own)
        url = f"/activities/{activity.pk}/edit/"
        form, version = await self.activity_form("activity edit form", url)
        description = f"Edited by {self.username} at version {version}: {secrets.token_hex(6)}"
        data = {
            **self.activity_data(activity, form),
            "description": description,
            "planned_participants_women": activity.women + 1,
            "version": version,
        }
        response = await self.request("activity edit", "POST", url, 302, data=data)
        if response.headers["location"] != f"/activities/{activity.pk}/":
            raise Failure(f"activity edit went to {response.headers['location']}")
        activity.description, activity.women = description, activity.women + 1
        self.ledger.edits.append((activity.pk, version + 1, description, activity.women))

    async def write_report(self):
        activity = self.rng.choice(self.own)
        # The quarters from the activity's start to today's: the app refuses a quarter that
        # has not begun, or is outside the activity's dates.
        start, today = datetime.date.fromisoformat(str(activity.start_date)), datetime.date.today()
        free = [
            (year, quarter)
            for year in range(start.year, today.year + 1)
            for quarter in range(1, 5)
            if quarter_of(start) <= (year, quarter) <= quarter_of(today)
            and (year, quarter) not in activity.periods_used
        ]
        if not free:
            return
        year, quarter = self.rng.choice(free)
        url = f"/activities/{activity.pk}/reports/new/"
        token, _ = await self.form("report form", url)
        achievements = f"Report by {self.username}: {secrets.token_hex(6)}"
        data = {
            "csrfmiddlewaretoken": token,
            "year": year,
            "quarter": quarter,
            "activity_status": "ongoing",
            "percent_complete": self.rng.randint(0, 100),
            "achievements": achievements,
            "challenges": "",
            "next_steps": "",
            "evidence_links": "https://example.org/evidence",
            "people_reached_women": 3,
            "people_reached_men": 4,
            "action": "save",
        }
        response = await self.request("report create", "POST", url, 302, data=data)
        saved = REPORT_URL.match(response.headers["location"])
        if saved is None or int(saved.group(1)) != activity.pk:
            raise Failure(f"report create went to {response.headers['location']}")
        activity.periods_used.add((year, quarter))
        report_pk = int(saved.group(2))
        self.ledger.reports.append(
            (report_pk, activity.pk, year, quarter, achievements, self.username)
        )
        self.drafts.append((report_pk, activity.pk, data))

    async def edit_report(self):
        if not self.drafts:
            return await self.write_report()
        report_pk, activity_pk, data = self.rng.choice(self.drafts)
        url = f"/activities/{activity_pk}/reports/{report_pk}/edit/"
        token, version = await self.form("report edit form", url)
        achievements = f"Edited by {self.username} at version {version}: {secrets.token_hex(6)}"
        data.update(csrfmiddlewaretoken=token, achievements=achievements, version=version)
        response = await self.request("report edit", "POST", url, 302, data=data)
        if response.headers["location"] != f"/activities/{activity_pk}/reports/{report_pk}/":
            raise Failure(f"report edit went to {response.headers['location']}")
        self.ledger.report_edits.append((report_pk, version + 1, achievements))


async def run_load(users, seed_data, password, base_url, options):
    """Log every user in, then let them all work for `options.duration` seconds."""
    duration, think, writes = options.duration, options.think, options.writes
    ledger, samples, errors = Ledger(), [], []
    people = [
        SimulatedUser(
            n,
            seed_data,
            password,
            base_url,
            ledger,
            samples,
            errors,
            random.Random(options.seed + n),
        )
        for n in range(users)
    ]
    try:
        logins = await asyncio.gather(
            *(person.log_in() for person in people), return_exceptions=True
        )
        for outcome in logins:
            if isinstance(outcome, Exception):
                errors.append(f"login: {outcome}")
        login_samples = len(samples)
        load_before = os.getloadavg()[0]
        started, cpu = time.monotonic(), time.process_time()
        await asyncio.gather(*(person.run(started + duration, think, writes) for person in people))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        load_after = os.getloadavg()[0]
    finally:
        await asyncio.gather(*(person.client.aclose() for person in people))
    times = (elapsed, cpu, load_before, load_after)
    actions = sum((person.actions for person in people), Counter())
    return ledger, samples[:login_samples], samples[login_samples:], errors, times, actions


# --- The check: every write the users saw succeed is in the database --------------------------


def check_writes(ledger):
    """Each write looked for in the database; returns (checked, [what is missing or wrong])."""
    from activities.models import Activity, ProgressReport

    lost = []
    created = {
        activity.pk: activity
        for activity in Activity.objects.filter(pk__in=[w[0] for w in ledger.created])
        .select_related("created_by")
        .prefetch_related("countries", "expected_results")
    }
    created_rows = set(
        Activity.history.filter(history_type="+", id__in=list(created)).values_list("id", flat=True)
    )
    for pk, title, username, country, result in ledger.created:
        activity = created.get(pk)
        if activity is None:
            lost.append(f"activity {pk} ({title}) is not in the database")
        elif (
            activity.title != title
            or activity.created_by.username != username
            or [c.pk for c in activity.countries.all()] != [country]
            or [r.pk for r in activity.expected_results.all()] != [result]
        ):
            lost.append(f"activity {pk} is not as created: {activity.title!r}")
        elif pk not in created_rows:
            lost.append(f"activity {pk} has no 'created' history row")

    edited_ids = {pk for pk, *_ in ledger.edits}
    history = set(
        Activity.history.filter(id__in=edited_ids).values_list(
            "id", "version", "description", "planned_participants_women"
        )
    )
    for edit in ledger.edits:
        if edit not in history:
            lost.append(f"activity edit {edit[:2]} is not in the history")
    latest = {}
    for edit in ledger.edits:
        if edit[1] > latest.get(edit[0], (0, 0))[1]:
            latest[edit[0]] = edit
    now = Activity.objects.filter(pk__in=edited_ids).values_list(
        "pk", "version", "description", "planned_participants_women"
    )
    for row in now:
        if row != latest[row[0]]:
            lost.append(f"activity {row[0]} is {row[1:]}, its last edit was {latest[row[0]][1:]}")

    reports = {
        report.pk: report
        for report in ProgressReport.objects.filter(
            pk__in=[w[0] for w in ledger.reports]
        ).select_related("author")
    }
    for pk, activity_pk, year, quarter, _text, username in ledger.reports:
        report = reports.get(pk)
        if report is None:
            lost.append(f"report {pk} is not in the database")
        elif (report.activity_id, report.year, report.quarter, report.author.username) != (
            activity_pk,
            year,
            quarter,
            username,
        ):
            lost.append(f"report {pk} is not as written")
    report_history = set(
        ProgressReport.history.filter(id__in=list(reports)).values_list(
            "id", "version", "achievements"
        )
    )
    for edit in ledger.report_edits:
        if edit not in report_history:
            lost.append(f"report edit {edit[:2]} is not in the history")
    last_text = {pk: text for pk, _activity, _y, _q, text, _u in ledger.reports}
    last_version = dict.fromkeys(last_text, 1)
    for pk, version, text in ledger.report_edits:
        if version > last_version[pk]:
            last_text[pk], last_version[pk] = text, version
    for pk, report in reports.items():
        if (report.achievements, report.version) != (last_text[pk], last_version[pk]):
            lost.append(f"report {pk} is at version {report.version}, not {last_version[pk]}")
    checked = (
        len(ledger.created) + len(ledger.edits) + len(ledger.reports) + len(ledger.report_edits)
    )
    return checked, lost


# --- The report ------------------------------------------------------------------------------


def options_text(args):
    """The options of the run, as they would be typed."""
    return (
        f"--users {args.users} --duration {args.duration} --writes {args.writes:g} "
        f"--activities {args.activities} --think {args.think:g} --seed {args.seed}"
    )


def mix_text(args, actions):
    """The mix asked for, and the one the users drew."""
    reads = ", ".join(
        f"{name} {100 * weight / sum(READS.values()):.0f} %" for name, weight in READS.items()
    )
    writes = ":".join(str(weight) for weight in WRITES.values())
    done = actions["read"] + actions["write"]
    drawn = f"{100 * actions['write'] / done:.1f} %" if done else "none"
    return (
        f"- Mix: a write with the probability {args.writes:g} (create an activity, edit one, "
        f"write a report, edit a draft report, as {writes}), else a read ({reads}); the users "
        f"did {done:,} actions, {actions['write']:,} of them writes ({drawn})"
    )


def data_text(args, data):
    """What the database held as the users started."""
    own = args.users * OWN_ACTIVITIES
    if data["generated"] is None:
        made = f"{own:,} activities of the users' own and {BACKGROUND_ACTIVITIES} others"
    else:
        seconds, summary = data["generated"]
        made = (
            f"`generate_demo_data --activities {args.activities:,} --seed {SEED}` in "
            f"{seconds:.0f} s (it said: {summary.removesuffix('.')}); then {own:,} activities "
            "of the users' own"
        )
    return f"- Data: {made}; {data['activities']:,} activities in all"


def goal_lines(samples, failed, errors, checked, lost):
    """The overall p95 as a multiple of the floor's median, and issue #18's goal."""
    everything = [sample.seconds * 1000 for sample in samples]
    floor = [sample.seconds * 1000 for sample in samples if sample.kind == FLOOR_KIND]
    failures = f"{failed} failed requests, {len(errors)} failed actions"
    writes = f"{len(lost)} of {checked:,} writes lost"
    if not everything or not floor:
        return [
            "- All requests: the floor was not requested, so no multiple of it is known",
            f"- **Goal (#18)**: p95 ≤ {GOAL_MULTIPLE}× the floor, 0 errors, 0 lost writes: "
            f"**NOT met** (no floor measured; {failures}; {writes})",
        ]
    p95, floor_median = percentile(everything, 0.95), statistics.median(floor)
    multiple = p95 / floor_median
    met = multiple <= GOAL_MULTIPLE and not failed and not errors and not lost
    return [
        f"- All requests: p95 {p95:,.0f} ms = **{multiple:.1f}× the floor** (the floor's "
        f"median under the same load: {floor_median:,.1f} ms, {len(floor):,} requests)",
        f"- **Goal (#18)**: p95 ≤ {GOAL_MULTIPLE}× the floor, 0 errors, 0 lost writes: "
        f"**{'met' if met else 'NOT met'}** (p95 {multiple:.1f}× the floor; {failures}; "
        f"{writes})",
    ]


def report(args, settings_used, data, outcome, checked, lost, log):
    """The results file: `outcome` is what run_load returned."""
    ledger, logins, samples, errors, times, actions = outcome
    today = datetime.date.today().isoformat()
    elapsed, client_cpu, load_before, load_after = times
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    floor = [sample.seconds * 1000 for sample in by_kind.get(FLOOR_KIND, [])]
    floor_median = statistics.median(floor) if floor else None
    failed = sum(not sample.ok for sample in samples) + sum(not s.ok for s in logins)
    bad_lines, access_line = log
    lines = [
        f"# Load test, {today}",
        "",
        *goal_lines(samples, failed, errors, checked, lost),
        f"- Options: `{options_text(args)}`",
        data_text(args, data),
        mix_text(args, actions),
        f"- Machine: {machine()}",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Git commit: {git_commit()}",
        f"- Server: gunicorn with gunicorn.conf.py, {settings_used['workers']} workers × "
        f"{settings_used['threads']} threads, on 127.0.0.1; DEBUG=False, "
        f"DATABASE_CONN_MAX_AGE=60; the client on the same machine (it used {client_cpu:.0f} s "
        f"of CPU time of the run's {elapsed * (os.cpu_count() or 1):.0f})",
        f"- Cache: CACHE_URL={os.environ.get('CACHE_URL') or 'not set: the database cache'}",
        f"- Load average (1 minute) as the users started: {load_before:.1f}; at the end: "
        f"{load_after:.1f} (what else ran on the machine meanwhile shows here)",
        f"- Users: {args.users} Editors of Asia-Pacific, each logged in once, then working for "
        f"{args.duration} s (measured {elapsed:.1f} s), with a pause of 0–{args.think:g} s "
        "between actions",
        f"- Requests: {len(samples):,} in {elapsed:.1f} s = **{len(samples) / elapsed:.1f} req/s** "
        f"(and {len(logins)} for the logins before)",
        f"- Errors: **{failed}** failed requests (5xx, an unexpected status or no answer), "
        f"{len(errors)} failed actions; {len(bad_lines)} error lines in the server's log",
        f"- Writes checked: **{checked:,}** ({len(ledger.created)} activities created, "
        f"{len(ledger.edits)} activity edits, {len(ledger.reports)} reports written, "
        f"{len(ledger.report_edits)} report edits); **lost or wrong: {len(lost)}**",
        "",
        "| request | count | failed | median (ms) | p95 (ms) | p95 × floor | max (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):
        seconds = [s.seconds * 1000 for s in by_kind[kind]]
        p95 = percentile(seconds, 0.95)
        multiple = f"{p95 / floor_median:.1f}×" if floor_median else "–"
        lines.append(
            f"| {kind} | {len(seconds):,} | {sum(not s.ok for s in by_kind[kind])} "
            f"| {statistics.median(seconds):.0f} | {p95:.0f} | {multiple} "
            f"| {max(seconds):.0f} |"
        )
    lines += [
        "",
        "× floor: the 95th percentile over the median of the floor (the password change page, "
        "the app's most trivial signed-in page, asked for as one of the reads), both under the "
        "same load. A write is two requests, as in a browser: the form (for its CSRF token "
        "and, on an edit, the version it was read at), then the post, which answers with a "
        "redirect. After the run, gunicorn is stopped and every write a user was told had "
        "succeeded is looked for in the database: the created activities with their country "
        "and expected result and a 'created' history row; every activity and report edit in "
        "the history with its version, and the last one in the row itself.",
    ]
    if access_line:
        lines += ["", "A line of the access log:", "", f"    {access_line}"]
    if errors or lost or bad_lines:
        lines += ["", "## What went wrong", ""]
        lines += [f"- {line}" for line in (errors + lost + bad_lines)[:30]]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"loadtest-{today}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, "\n".join(lines), failed


def share(value):
    """A share between 0 and 1, for --writes."""
    number = float(value)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1, not {value}")
    return number


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument(
        "--writes",
        type=share,
        default=DEFAULT_WRITES,
        help=f"the share of actions that are writes (default {DEFAULT_WRITES:g})",
    )
    parser.add_argument(
        "--activities",
        type=int,
        default=0,
        help="activities to generate with generate_demo_data first (default 0: none, and "
        f"{BACKGROUND_ACTIVITIES} simple ones instead)",
    )
    parser.add_argument("--think", type=float, default=0.5, help="largest pause (default 0.5 s)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the users")
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.duration <= MAX_DURATION:
        sys.exit(f"Refused: 1–{MAX_USERS} users and 1–{MAX_DURATION} seconds.")
    if not 0 <= args.think <= 10:
        sys.exit("Refused: a pause between 0 and 10 seconds.")
    if not 0 <= args.activities <= MAX_SIZE:
        sys.exit(f"Refused: 0–{MAX_SIZE:,} activities to generate.")
    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    require_loopback(args.host, "server")
    require_loopback(urlsplit(database_url).hostname or "", "database")
    require_port_free(args.host, args.port)

    environment = production_environment(database_url, args.host, args.port)
    settings_used = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log_path = Path(tempfile.mkstemp(prefix="loadtest-gunicorn-", suffix=".log")[1])
    password = secrets.token_urlsafe(16)
    process = None
    print(f"Creating the database {urlsplit(database_url).path.lstrip('/')} …")
    recreate_database(database_url, "loadtest")
    try:
        set_up_django(environment)
        data = {"generated": None}
        if args.activities:
            print(f"generate_demo_data --activities {args.activities:,} --seed {SEED} …")
            data["generated"] = generate(args.activities)
        started = time.monotonic()
        background = 0 if args.activities else BACKGROUND_ACTIVITIES
        seed_data = seed(args.users, password, background)
        data["activities"] = len(seed_data.all_activity_ids)
        print(
            f"Created {args.users} users and {args.users * OWN_ACTIVITIES + background} "
            f"activities in {time.monotonic() - started:.1f} s ({data['activities']:,} in all); "
            "starting gunicorn …"
        )
        base_url = f"http://{args.host}:{args.port}"
        process = start_gunicorn(environment, log_path)
        wait_until_ready(process, base_url, log_path)
        print(
            f"{args.users} users at work for {args.duration} s, writing with the probability "
            f"{args.writes:g} …"
        )
        outcome = asyncio.run(run_load(args.users, seed_data, password, base_url, args))
        ledger, errors = outcome[0], outcome[3]
        stop_gunicorn(process)
        process = None
        checked, lost = check_writes(ledger)
        path, text, failed = report(
            args, settings_used, data, outcome, checked, lost, server_log_summary(log_path)
        )
        print(text)
        print(f"\nWritten to {path.relative_to(ROOT)}; the server's log: {log_path}")
    finally:
        stop_gunicorn(process)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(database_url, "loadtest")
    if failed or errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
