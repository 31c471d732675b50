"""Load test: 50 signed-in users for 60 seconds against gunicorn and PostgreSQL, reading and
writing at once; then every write they were told had succeeded is looked for in the database.

    .venv/bin/python bench/loadtest.py [--users 50] [--duration 60]      (or: make loadtest)

What it does, in order:

1. Drops and creates a throwaway PostgreSQL database (`tracker_loadtest` on 127.0.0.1, or
   LOADTEST_DATABASE_URL: its name must contain "loadtest"), migrates it, loads the
   reference data and collects the static files.
2. Creates one Editor of Asia-Pacific per user (with a password made for this run), two
   activities of each user's own, and 300 other activities for the lists.
3. Starts gunicorn with gunicorn.conf.py and production settings (DEBUG=False, a new
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1; HTTPS redirects and secure cookies off, as there is no
   TLS on loopback) on 127.0.0.1, and waits for /readyz.
4. Each user logs in once, through the login form, then for the duration loops: pick an
   action, do it the way a browser does (a form is fetched for its CSRF token and version —
   the activity form read as a browser submits it, its other fields as they are — then
   posted), wait 0 to --think seconds. Reads: home, the activity list with filters, an
   activity's page, the initiatives, the countries. Writes: create an activity, edit
   one of one's own activities (with the version the form was read at), write a progress
   report, edit one of one's draft reports. Users write only their own records, so no edit
   conflict is expected: one would count as an error.
5. Stops gunicorn, then checks in the database that every write a user saw succeed is there
   exactly as posted, and is in the history (an edit's intermediate values too).
6. Writes bench/results/loadtest-<date>.md (machine, commit, requests, req/s, median and 95th
   percentile latency per kind of request, errors, writes checked and lost), drops the
   database, and exits non-zero on any error or lost write.

Loopback only: it refuses any other address for the server or the database. Bounded: at most
200 users and 600 seconds; every request has a 30-second timeout.
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
from collections import defaultdict
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_loadtest"
MAX_USERS, MAX_DURATION = 200, 600
BACKGROUND_ACTIVITIES = 300
OWN_ACTIVITIES = 2
REQUEST_TIMEOUT = 30.0
USERNAME = "load.editor.{:03d}"
TITLE_PREFIX = "Load test"

# What a simulated user does, and how often (weights): about 60 % reads, 40 % writes.
ACTIONS = {
    "home": 12,
    "activity list": 16,
    "activity detail": 14,
    "initiative list": 6,
    "country list": 6,
    "create activity": 10,
    "edit activity": 14,
    "write report": 12,
    "edit report": 10,
}
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
    all_activity_ids: list


def seed(users, password):
    """`users` Editors of Asia-Pacific, OWN_ACTIVITIES activities each, and other activities
    for the lists; one history row per activity, as a save in the app writes."""
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
        own, all_ids = {}, []
        for index in range(users * OWN_ACTIVITIES + BACKGROUND_ACTIVITIES):
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
            all_ids.append(activity.pk)
            if user is not None:
                own.setdefault(user.username, []).append(
                    OwnActivity(activity.pk, activity.title, country, result)
                )
    user_ids = {user.username: user.pk for user in created}
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
                f"(request id {response.headers.get('x-request-id', '?')})"
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

    async def run(self, deadline, think):
        actions, weights = list(ACTIONS), list(ACTIONS.values())
        while time.monotonic() < deadline:
            action = self.rng.choices(actions, weights)[0]
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
        free = [
            (year, quarter)
            for year in range(2026, 2030)
            for quarter in range(1, 5)
            if (year, quarter) not in activity.periods_used
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


async def run_load(users, seed_data, password, base_url, duration, think, seed_number):
    """Log every user in, then let them all work for `duration` seconds."""
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
            random.Random(seed_number + n),
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
        await asyncio.gather(*(person.run(started + duration, think) for person in people))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        load_after = os.getloadavg()[0]
    finally:
        await asyncio.gather(*(person.client.aclose() for person in people))
    times = (elapsed, cpu, load_before, load_after)
    return ledger, samples[:login_samples], samples[login_samples:], errors, times


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


def report(args, settings_used, logins, samples, errors, times, ledger, checked, lost, log):
    today = datetime.date.today().isoformat()
    elapsed, client_cpu, load_before, load_after = times
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    failed = sum(not sample.ok for sample in samples) + sum(not s.ok for s in logins)
    bad_lines, access_line = log
    lines = [
        f"# Load test, {today}",
        "",
        f"- Machine: {machine()}",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Git commit: {git_commit()}",
        f"- Server: gunicorn with gunicorn.conf.py, {settings_used['workers']} workers × "
        f"{settings_used['threads']} threads, on 127.0.0.1; DEBUG=False, "
        f"DATABASE_CONN_MAX_AGE=60; the client on the same machine (it used {client_cpu:.0f} s "
        f"of CPU time of the run's {elapsed * (os.cpu_count() or 1):.0f})",
        f"- Load average (1 minute) as the users started: {load_before:.1f}; at the end: "
        f"{load_after:.1f} (what else ran on the machine meanwhile shows here)",
        f"- Users: {args.users} Editors of Asia-Pacific, each logged in once, then working for "
        f"{args.duration} s (measured {elapsed:.1f} s), with a pause of 0–{args.think} s "
        "between actions",
        f"- Requests: {len(samples):,} in {elapsed:.1f} s = **{len(samples) / elapsed:.1f} req/s** "
        f"(and {len(logins)} for the logins before)",
        f"- Errors: **{failed}** failed requests (5xx, an unexpected status or no answer), "
        f"{len(errors)} failed actions; {len(bad_lines)} error lines in the server's log",
        f"- Writes checked: **{checked:,}** ({len(ledger.created)} activities created, "
        f"{len(ledger.edits)} activity edits, {len(ledger.reports)} reports written, "
        f"{len(ledger.report_edits)} report edits); **lost or wrong: {len(lost)}**",
        "",
        "| request | count | failed | median (ms) | p95 (ms) | max (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):
        seconds = [s.seconds * 1000 for s in by_kind[kind]]
        lines.append(
            f"| {kind} | {len(seconds):,} | {sum(not s.ok for s in by_kind[kind])} "
            f"| {statistics.median(seconds):.0f} | {percentile(seconds, 0.95):.0f} "
            f"| {max(seconds):.0f} |"
        )
    lines += [
        "",
        "A write is two requests, as in a browser: the form (for its CSRF token and, on an "
        "edit, the version it was read at), then the post, which answers with a redirect. "
        "After the run, gunicorn is stopped and every write a user was told had succeeded is "
        "looked for in the database: the created activities with their country and expected "
        "result and a 'created' history row; every activity and report edit in the history "
        "with its version, and the last one in the row itself.",
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--think", type=float, default=0.5, help="largest pause (default 0.5 s)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the users")
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.duration <= MAX_DURATION:
        sys.exit(f"Refused: 1–{MAX_USERS} users and 1–{MAX_DURATION} seconds.")
    if not 0 <= args.think <= 10:
        sys.exit("Refused: a pause between 0 and 10 seconds.")
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
        started = time.monotonic()
        seed_data = seed(args.users, password)
        print(
            f"Created {args.users} users and {len(seed_data.all_activity_ids)} activities in "
            f"{time.monotonic() - started:.1f} s; starting gunicorn …"
        )
        base_url = f"http://{args.host}:{args.port}"
        process = start_gunicorn(environment, log_path)
        wait_until_ready(process, base_url, log_path)
        print(f"{args.users} users at work for {args.duration} s …")
        ledger, logins, samples, errors, times = asyncio.run(
            run_load(
                args.users, seed_data, password, base_url, args.duration, args.think, args.seed
            )
        )
        stop_gunicorn(process)
        process = None
        checked, lost = check_writes(ledger)
        path, text, failed = report(
            args,
            settings_used,
            logins,
            samples,
            errors,
            times,
            ledger,
            checked,
            lost,
            server_log_summary(log_path),
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
