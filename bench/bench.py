"""Scale benchmark (issues #6 and #18): each page's latency and SQL queries at 1,000, 10,000
and 100,000 activities, with the cache off and with it on, as a multiple of a trivial page of
the same app in the same run (the floor); the sizes of the dashboard's and the report's pages.

    .venv/bin/python bench/bench.py [--sizes 1000,10000,100000] [--concurrency 4]
        [--requests 100] [--writes 21] [--port 8766] [--keep]        (or: make bench)

For each size N, in order:

1. Drops and creates a throwaway PostgreSQL database (`tracker_bench` on 127.0.0.1, or
   BENCH_DATABASE_URL: its name must contain "bench"), migrates it, loads the reference data,
   collects the static files (once), makes the cache table, runs `generate_demo_data
   --activities N --seed 1` (with DEBUG=True in its own environment only; its time is
   reported) and creates an Editor of Asia-Pacific with a password made for the run.
2. Cache off: starts gunicorn with gunicorn.conf.py and production settings (DEBUG=False, a
   new SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirects, QUERY_COUNT_HEADER=True) and
   CACHE_URL=dummy://, on 127.0.0.1, waits for /readyz, measures the concurrent pages (3.)
   and stops it.
3. The concurrent pages: --concurrency clients (httpx, async) log in through the login form,
   then each page is asked for --requests times by all of them at once, after a few warm-up
   requests that are not counted: the floor (/password/change/), the activity list, the
   filtered list, activity pages (20 generated activities with reports, in turn), the region
   dashboard (HTML, then JSON), the all-regions dashboard, the budget lines behind the
   region dashboard's financial total (the drill-down's first page), the regional report
   (REGIONAL_REPORT: one page of it).
4. Cache on: empties the Redis database of the cache (BENCH_CACHE_URL, default
   redis://127.0.0.1:6379/15; without Redis, the database cache, and the report says so),
   starts gunicorn as in 2. but with that CACHE_URL, waits for /readyz, and measures the
   concurrent pages (3.).
   Then the sizes of the region dashboard's HTML and of the report's page, as sent (gzip) and
   unpacked. Then, one at a time, --writes times: an activity edited through its form
   (ongoing → completed), and the next request timed, in turn the region dashboard, the
   activity list and the regional report; after the first and the last write, the
   dashboard's JSON says whether the writes show. Then the CSV export of all activities, 3
   times, read to the last byte and thrown away, while the resident memory of every gunicorn
   worker is sampled every 20 ms. Stops gunicorn.

It prints a markdown table (a row per page and N; for the cache off and on: median and 95th
percentile latency, SQL queries per request from the X-Query-Count header, and the median as
a multiple of the floor's of the same N and cache), the pages' sizes, the CSV export and the
goals of the issue at the largest N, and writes them to bench/results/bench-<date>.md with
the machine, the date and the commit. The database is dropped at the end unless --keep.

Loopback only: it refuses any other address for the server, the database or Redis. Bounded:
N at most 1,000,000; every request times out after 120 s and no page is measured for more
than 5 minutes. Exits non-zero when a request failed, the export missed rows or a write did
not show; a goal not met is reported, not an error.
"""

import argparse
import asyncio
import datetime
import io
import itertools
import os
import re
import runpy
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from harness import (  # bench/harness.py: what the gunicorn benchmarks share
    RESULTS,
    ROOT,
    drop_database,
    form_fields,
    log_in,
    machine,
    percentile,
    production_environment,
    recreate_database,
    require_loopback,
    require_port_free,
    resident_bytes,
    server_log_summary,
    start_gunicorn,
    stop_gunicorn,
    wait_until_ready,
    worker_pids,
)
from spreadsheets import git_commit  # bench/spreadsheets.py: the commit, "with changes" if so

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/15"
DATABASE_CACHE_URL = "db://django_cache"  # when Redis does not answer
NO_CACHE_URL = "dummy://"
SETTINGS = ("off", "on")  # the cache, in the order measured
DEFAULT_SIZES = "1000,10000,100000"
MAX_SIZE = 1_000_000
MAX_CONCURRENCY, MAX_REQUESTS, MAX_WRITES = 64, 10_000, 500
SEED = 1
REQUEST_TIMEOUT = 120.0
PAGE_BUDGET = 300.0  # seconds: a page still unfinished then is reported with what was measured
MIN_WARM_UP = 5
DETAIL_ACTIVITIES = 20
EXPORT_RUNS = 3
MEMORY_SAMPLE_SECONDS = 0.02
USERNAME = "bench.editor"
KB, MB = 1024, 1024 * 1024

REGION, PLAN, YEAR = "ASP", "WTDC-25", 2026
FLOOR = "/password/change/"
ACTIVITY_LIST = "/activities/"
FILTERED_QUERY = "group=SIDS&initiative=ASP3&status=ongoing"
DASHBOARD = f"/dashboard/{REGION}/?plan={PLAN}&year={YEAR}"
DASHBOARD_JSON = f"{DASHBOARD}&format=json"
ALL_REGIONS = f"/dashboard/?plan={PLAN}&year={YEAR}"
MONEY_LINES = f"/dashboard/{REGION}/money/?plan={PLAN}&year={YEAR}&kind=budget"
# One page of the regional report: every measure of "the report" asks for this URL.
REGIONAL_REPORT = f"/reports/{REGION}/{YEAR}/?plan={PLAN}"
EXPORT = "/activities/export.csv"

# The rows of the table, in order.
PAGES = {
    "floor": "floor: password change page",
    "list": "activity list",
    "filtered": "filtered list (SIDS, ASP3, ongoing)",
    "detail": "activity detail",
    "dashboard": "region dashboard",
    "dashboard_json": "region dashboard, JSON",
    "all_regions": "all-regions dashboard",
    "money": "budget lines behind the dashboard's financial total",
    "report": "regional report (one page)",
    "write_dashboard": "region dashboard, first after a write",
    "write_list": "activity list, first after a write",
    "write_report": "regional report, first after a write",
    "export": "CSV export, all activities",
}
# After each write, one of these is timed, in turn.
AFTER_WRITE = {
    "write_dashboard": DASHBOARD,
    "write_list": ACTIVITY_LIST,
    "write_report": REGIONAL_REPORT,
}
# The goals at the largest N: the largest multiple of the floor's median latency,
# with the cache off and with it on (None: no goal).
GOALS = {
    "list": (3, 1.5),
    "filtered": (3, 1.5),
    "detail": (2, 1.5),
    "dashboard": (5, 1.5),
    "dashboard_json": (5, 1.5),
    "all_regions": (5, 1.5),
    "report": (10, 2),
    "write_dashboard": (None, 5),
    "write_list": (None, 5),
    "write_report": (None, 5),
}
DASHBOARD_HTML_GOAL = 150 * KB
REPORT_PAGE_GOAL = 500 * KB
MEMORY_GOAL = 100 * MB
GENERATOR_PROGRESS = re.compile(r"[\d,]+ of [\d,]+ activities…")


# --- What is measured ------------------------------------------------------------------------


@dataclass
class Measure:
    """One page at one N and cache setting: the latency and query count of each counted
    request (status 200), and what went wrong."""

    planned: int
    seconds: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def median_ms(self):
        return statistics.median(self.seconds) * 1000 if self.seconds else None

    def p95_ms(self):
        return percentile(self.seconds, 0.95) * 1000 if self.seconds else None

    def query_count(self):
        """The median of the X-Query-Count headers, or None when there was none."""
        counts = [count for count in self.queries if count is not None]
        return statistics.median(counts) if counts else None

    def query_range(self):
        counts = [count for count in self.queries if count is not None]
        return (min(counts), max(counts)) if counts else None


@dataclass
class ExportRun:
    """One download of the CSV export: time to the last byte, size, rows, and the largest growth
    of a gunicorn worker's resident memory during it (over what it was just before)."""

    seconds: float
    size: int
    rows: int
    growth: int
    rss_before: int


@dataclass
class Targets:
    """What the pages are asked about at one N, looked up in the database beforehand."""

    detail_ids: list
    write_ids: list
    activities: int
    reports: int
    filtered: int  # activities the filtered list holds
    exported: int  # rows the export should have


@dataclass
class SizeResult:
    """Everything measured at one N, and what went wrong there."""

    size: int
    generation_seconds: float
    generation_summary: str
    targets: Targets
    # {"off": {page: Measure}, "on": {page: Measure}}: the pages with the cache off and on
    measures: dict = field(default_factory=lambda: {setting: {} for setting in SETTINGS})
    page_bytes: dict = field(default_factory=dict)  # {page: (bytes, bytes sent with gzip)}
    exports: list = field(default_factory=list)
    writes_made: int = 0
    writes_checked: int = 0  # the dashboard's JSON asked for after a write
    writes_shown: int = 0  # … and it showed every write made so far
    problems: list = field(default_factory=list)


# --- Redis, spoken directly (the benchmark needs no client library) ---------------------------


def redis_command(url, *commands):
    """Send each command (a list of words) to the Redis of `url`, in its database; returns the
    last reply line. Raises OSError when Redis does not answer or refuses."""
    parts = urlsplit(url)
    database = parts.path.strip("/") or "0"
    setup = [["AUTH", parts.password]] if parts.password else []
    replies = []
    with socket.create_connection((parts.hostname, parts.port or 6379), timeout=3) as connection:
        reader = connection.makefile("rb")
        for command in [*setup, ["SELECT", database], *commands]:
            words = [str(word).encode() for word in command]
            message = b"*%d\r\n" % len(words)
            message += b"".join(b"$%d\r\n%s\r\n" % (len(word), word) for word in words)
            connection.sendall(message)
            reply = reader.readline()
            if not reply.startswith(b"+"):
                raise OSError(f"Redis answered {command[0]} with {reply!r}")
            replies.append(reply)
    return replies[-1].strip().decode()


def choose_cache(url):
    """The CACHE_URL for the server, and a line for the report's header."""
    if not url.startswith(("redis://", "rediss://")):
        return url, f"CACHE_URL={url}"
    try:
        redis_command(url, ["PING"])
    except OSError as error:
        note = (
            f"the database (CACHE_URL={DATABASE_CACHE_URL}): Redis at {url} did not answer "
            f"({error})"
        )
        return DATABASE_CACHE_URL, note
    return url, f"Redis (CACHE_URL={url}), emptied before each N's cache-on run"


# --- Set-up of each N ---------------------------------------------------------------------------


def set_up_django(environment):
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_database(database_url, collect_static):
    """A new database with the schema, the reference data and the cache table."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    recreate_database(database_url, "bench")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # before any write, which clears the cache
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    if collect_static:
        call_command("collectstatic", verbosity=0, interactive=False)
    connections.close_all()


def generate(size):
    """Run generate_demo_data for `size` activities, echoing its lines; returns (seconds, its
    summary, its lines but the progress ones). With DEBUG=True in its environment only: the
    command refuses to run without."""
    command = ["generate_demo_data", "--activities", str(size), "--seed", str(SEED)]
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "True"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        print(f"    {line.rstrip()}", flush=True)
    if process.wait() != 0:
        sys.exit("generate_demo_data failed:\n" + "\n".join(lines[-30:]))
    summary = [line for line in lines if not GENERATOR_PROGRESS.fullmatch(line)]
    return time.monotonic() - started, " ".join(summary)


def create_bench_user(password):
    """An Editor of Asia-Pacific: reads every page, and edits the region's activities."""
    from django.contrib.auth.models import Group, User

    from activities.models import RegionAssignment
    from initiatives.models import Region

    user = User.objects.create_user(USERNAME, email="bench@example.org", password=password)
    user.groups.add(Group.objects.get(name="Editor"))
    RegionAssignment.objects.create(user=user, region=Region.objects.get(code=REGION))


def spread(values, count):
    """`count` values taken at even steps through `values` (all of them if fewer)."""
    if len(values) <= count:
        return list(values)
    return [values[index * len(values) // count] for index in range(count)]


def choose_targets(writes):
    """The activities to open and to edit, and the sizes the pages should show."""
    from django.http import QueryDict

    from activities.filters import ActivityFilter
    from activities.models import Activity, ProgressReport
    from demo.generated import generated_activities
    from initiatives.models import ActionPlan

    region_activities = generated_activities().filter(region__code=REGION).order_by("pk")
    with_reports = list(
        region_activities.filter(reports__isnull=False).distinct().values_list("pk", flat=True)
    )
    # Those that the dashboard counts as ongoing: a write to them changes its figures.
    # Completed today, an activity cannot keep budget lines of later years: the form refuses.
    editable = list(
        region_activities.filter(status=Activity.Status.ONGOING)
        .counted_in(YEAR)
        .in_plan(ActionPlan.objects.get(code=PLAN))
        .exclude(budget_lines__year__gt=datetime.date.today().year)
        .values_list("pk", flat=True)
    )
    filtered = ActivityFilter(QueryDict(FILTERED_QUERY), Activity.objects.all()).qs.count()
    exported = ActivityFilter(QueryDict(""), Activity.objects.all()).qs.count()
    return Targets(
        detail_ids=spread(with_reports, DETAIL_ACTIVITIES),
        write_ids=spread(editable, writes),
        activities=Activity.objects.count(),
        reports=ProgressReport.objects.count(),
        filtered=filtered,
        exported=exported,
    )


# --- The clients -----------------------------------------------------------------------------


async def timed_get(client, url, measure):
    """GET `url`; a 200 is counted in `measure` (time to the last byte, queries), anything
    else is an error of it. Returns the response, or None when there was none."""
    started = time.perf_counter()
    try:
        response = await client.get(url)
    except httpx.HTTPError as error:
        measure.errors.append(f"GET {url}: {type(error).__name__} {error}".strip())
        return None
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        measure.errors.append(
            f"GET {url} answered {response.status_code} "
            f"(request id {response.headers.get('x-request-id', '?')})"
        )
        return response
    count = response.headers.get("x-query-count")
    measure.seconds.append(seconds)
    measure.queries.append(int(count) if count and count.isdigit() else None)
    return response


async def concurrently(clients, urls, requests):
    """Every client asks for the `urls` in turn, all at once, until `requests` were made or
    PAGE_BUDGET ran out. Before, a warm-up that is not counted: one request alone (it fills
    what the page caches, as a first visitor would), then at least MIN_WARM_UP - 1 at once."""
    deadline = time.monotonic() + PAGE_BUDGET

    async def run(measure, count, clients=clients):
        numbers = itertools.count()

        async def client_loop(client):
            while (number := next(numbers)) < count and time.monotonic() < deadline:
                await timed_get(client, urls[number % len(urls)], measure)

        await asyncio.gather(*(client_loop(client) for client in clients))
        return measure

    warm_up = await run(Measure(planned=0), 1, clients=clients[:1])
    await run(warm_up, max(MIN_WARM_UP, len(clients)) - 1)
    measure = await run(Measure(planned=requests), requests)
    measure.errors[:0] = [f"warm-up: {error}" for error in warm_up.errors]
    return measure


async def first_after_writes(client, write_ids, result):
    """For each activity, one at a time: edit it through its form (ongoing → completed), then
    time the next request of one of the AFTER_WRITE pages, each in turn; returns their
    measures. After the first and the last write, the dashboard's JSON (cached apart from the
    page, so each costs a count of the figures: not after every write) says whether the writes
    show: as many fewer ongoing and more completed activities as were saved. Stops early when
    PAGE_BUDGET ran out."""
    keys = list(AFTER_WRITE)
    measures = {
        key: Measure(planned=len(write_ids[turn :: len(keys)])) for turn, key in enumerate(keys)
    }
    deadline = time.monotonic() + PAGE_BUDGET
    before = await client.get(DASHBOARD_JSON)
    if before.status_code != 200:
        measures[keys[0]].errors.append(f"GET {DASHBOARD_JSON} answered {before.status_code}")
        return measures
    counts = before.json()["activities_by_status"]
    for index, pk in enumerate(write_ids):
        if time.monotonic() > deadline:
            break
        key = keys[index % len(keys)]
        measure = measures[key]
        edit_url = f"/activities/{pk}/edit/"
        form = await client.get(edit_url)
        if form.status_code != 200:
            measure.errors.append(f"GET {edit_url} answered {form.status_code}")
            continue
        data = {}
        for name, value in form_fields(form.text, having="version"):
            data.setdefault(name, []).append(value)
        data["status"] = ["completed"]
        if not any(data.get("end_date", [])):  # a completed activity needs an end date
            data["end_date"] = [datetime.date.today().isoformat()]
        saved = await client.post(edit_url, data=data)
        if saved.status_code != 302 or saved.headers.get("location") != f"/activities/{pk}/":
            measure.errors.append(
                f"POST {edit_url} answered {saved.status_code}, not a redirect to the activity"
            )
            continue
        result.writes_made += 1
        await timed_get(client, AFTER_WRITE[key], measure)
        if result.writes_made == 1 or index == len(write_ids) - 1:
            expected = {
                **counts,
                "ongoing": counts.get("ongoing", 0) - result.writes_made,
                "completed": counts.get("completed", 0) + result.writes_made,
            }
            after = await client.get(DASHBOARD_JSON)
            result.writes_checked += 1
            if after.status_code == 200 and after.json()["activities_by_status"] == expected:
                result.writes_shown += 1
    return measures


class MemorySampler(threading.Thread):
    """Samples the resident memory of every gunicorn worker every MEMORY_SAMPLE_SECONDS until
    stopped: each worker's peak, and what it had when sampling started."""

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.before = self.sample()
        self.peak = dict(self.before)
        self.stopping = threading.Event()

    def sample(self):
        sizes = {pid: resident_bytes(pid) for pid in worker_pids(self.master_pid)}
        return {pid: size for pid, size in sizes.items() if size is not None}

    def run(self):
        while not self.stopping.wait(MEMORY_SAMPLE_SECONDS):
            for pid, size in self.sample().items():
                self.before.setdefault(pid, size)  # a worker started meanwhile
                self.peak[pid] = max(self.peak.get(pid, size), size)

    def stop(self):
        self.stopping.set()
        self.join()

    def growth(self):
        """The largest growth of a worker over its size before, and that size."""
        if not self.peak:
            return 0, 0
        pid = max(self.peak, key=lambda p: self.peak[p] - self.before[p])
        return self.peak[pid] - self.before[pid], self.before[pid]


class CsvRowCounter:
    """Counts the lines of a CSV as it streams by, ignoring line breaks inside quoted cells."""

    def __init__(self):
        self.lines = 0
        self.quoted = False

    def feed(self, chunk):
        pieces = chunk.split(b'"')
        for index, piece in enumerate(pieces):
            if not self.quoted:
                self.lines += piece.count(b"\n")
            if index < len(pieces) - 1:
                self.quoted = not self.quoted


async def download_export(client, master_pid, measure):
    """The CSV export, read to the last byte and thrown away, with the workers' memory."""
    sampler = MemorySampler(master_pid)
    sampler.start()
    started = time.perf_counter()
    counter, size = CsvRowCounter(), 0
    try:
        async with client.stream("GET", EXPORT) as response:
            if response.status_code != 200:
                measure.errors.append(f"GET {EXPORT} answered {response.status_code}")
                return None
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                counter.feed(chunk)
    except httpx.HTTPError as error:
        measure.errors.append(f"GET {EXPORT}: {type(error).__name__} {error}".strip())
        return None
    finally:
        sampler.stop()
    seconds = time.perf_counter() - started
    count = response.headers.get("x-query-count")
    measure.seconds.append(seconds)
    measure.queries.append(int(count) if count and count.isdigit() else None)
    growth, before = sampler.growth()
    return ExportRun(seconds, size, max(counter.lines - 1, 0), growth, before)


async def page_bytes(client, url, result):
    """The page's size: (its bytes, the bytes sent when asked with Accept-Encoding: gzip, as
    GZipMiddleware compresses it), or None when it did not answer 200."""
    try:
        response = await client.get(url, headers={"Accept-Encoding": "gzip"})
    except httpx.HTTPError as error:
        result.problems.append(f"size of {url}: {type(error).__name__} {error}".strip())
        return None
    if response.status_code != 200:
        result.problems.append(f"size of {url}: GET answered {response.status_code}")
        return None
    return len(response.content), response.num_bytes_downloaded  # unpacked, as sent


async def measure_pages(base_url, password, args, master_pid, result, setting):
    """Every page at this N with the cache `setting` ("off" or "on"), as the module's
    docstring says; fills `result`."""
    targets = result.targets
    clients = [
        httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT)
        for _ in range(args.concurrency)
    ]
    try:
        await asyncio.gather(*(log_in(client, USERNAME, password) for client in clients))
        concurrent_pages = [
            ("floor", [FLOOR]),
            ("list", [ACTIVITY_LIST]),
            ("filtered", [f"{ACTIVITY_LIST}?{FILTERED_QUERY}"]),
            ("detail", [f"/activities/{pk}/" for pk in targets.detail_ids]),
            ("dashboard", [DASHBOARD]),
            ("dashboard_json", [DASHBOARD_JSON]),
            ("all_regions", [ALL_REGIONS]),
            ("money", [MONEY_LINES]),
            ("report", [REGIONAL_REPORT]),
        ]
        measures = result.measures[setting]
        for key, urls in concurrent_pages:
            if not urls:
                result.problems.append(f"{PAGES[key]}: nothing to ask for")
                continue
            print(f"  cache {setting}: {PAGES[key]} …", flush=True)
            measures[key] = await concurrently(clients, urls, args.requests)
        if setting == "off":
            return
        for key, url in (("dashboard", DASHBOARD), ("report", REGIONAL_REPORT)):
            result.page_bytes[key] = await page_bytes(clients[0], url, result)
        print(f"  cache on: first requests after {len(targets.write_ids)} writes …", flush=True)
        measures |= await first_after_writes(clients[0], targets.write_ids, result)
        print(f"  cache on: {PAGES['export']} ({EXPORT_RUNS} times) …", flush=True)
        export = measures["export"] = Measure(planned=EXPORT_RUNS)
        for _ in range(EXPORT_RUNS):
            run = await download_export(clients[0], master_pid, export)
            if run is not None:
                result.exports.append(run)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


# --- The report ------------------------------------------------------------------------------


def number(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def queries_text(measure):
    count, low_high = measure.query_count(), measure.query_range()
    if count is None:
        return "?"
    text = f"{count:g}"
    if low_high[0] != low_high[1]:
        text += f" ({low_high[0]}–{low_high[1]})"
    return text


def ratio(result, setting, key):
    """The page's median latency as a multiple of the floor's, at the same N and cache."""
    measures = result.measures[setting]
    floor, page = measures.get("floor"), measures.get(key)
    if floor is None or page is None or not floor.seconds or not page.seconds:
        return None
    return page.median_ms() / floor.median_ms()


def goals(results):
    """The issue's goals at the largest N: (True, False or None when not checked, text)."""
    largest, smallest = results[-1], results[0]
    lines = []
    for key, limits in GOALS.items():
        for setting, limit in zip(SETTINGS, limits, strict=True):
            if limit is None:
                continue
            goal = f"{PAGES[key]}, cache {setting}: ≤ {limit:g}× the floor"
            value = ratio(largest, setting, key)
            if value is None:
                lines.append((None, f"{goal}: not measured"))
                continue
            page, floor = (largest.measures[setting][name].median_ms() for name in (key, "floor"))
            text = f"{goal}: {value:.2f}× ({page:,.1f} ms against {floor:,.1f})"
            lines.append((value <= limit, text))
    if len(results) == 1:
        lines.append((None, "queries per page equal at the smallest and largest N: one N only"))
    else:
        differ = []
        for setting, key in itertools.product(SETTINGS, PAGES):
            small = smallest.measures[setting].get(key)
            large = largest.measures[setting].get(key)
            if small is None or large is None:
                continue
            if small.query_count() != large.query_count():
                differ.append(
                    f"{PAGES[key]}, cache {setting}: {queries_text(small)} → {queries_text(large)}"
                )
        text = f"queries per page equal at N = {smallest.size:,} and N = {largest.size:,}"
        lines.append((not differ, text + (f": not for {'; '.join(differ)}" if differ else "")))
    for key, what, limit in (
        ("dashboard", "region dashboard's HTML", DASHBOARD_HTML_GOAL),
        ("report", "regional report's page", REPORT_PAGE_GOAL),
    ):
        sizes = largest.page_bytes.get(key)
        goal = f"{what} ≤ {limit // KB} KB"
        if sizes is None:
            lines.append((None, f"{goal}: not measured"))
            continue
        text = f"{goal}: {sizes[0] / KB:,.0f} KB ({sizes[1] / KB:,.0f} KB sent with gzip)"
        lines.append((sizes[0] <= limit, text))
    if largest.exports:
        growth = max(run.growth for run in largest.exports)
        lines.append(
            (
                growth < MEMORY_GOAL,
                f"CSV export memory growth < 100 MB: {growth / MB:,.1f} MB at most over "
                f"{len(largest.exports)} downloads of {largest.exports[0].rows:,} rows",
            )
        )
    else:
        lines.append((None, "CSV export memory growth < 100 MB: not measured"))
    return lines


def table_cells(result, setting, key):
    """A page's cells for one cache setting: median, p95, queries, multiple of the floor."""
    measure = result.measures[setting].get(key)
    if measure is None:
        return ["—"] * 4
    value = ratio(result, setting, key)
    return [
        number(measure.median_ms(), 1),
        number(measure.p95_ms(), 1),
        queries_text(measure),
        "–" if value is None else f"{value:.1f}×",
    ]


def report(args, results, context):
    today = datetime.date.today().isoformat()
    generated = "; ".join(
        f"{r.generation_seconds:,.0f} s at N = {r.size:,} ({r.targets.activities:,} activities, "
        f"{r.targets.reports:,} progress reports)"
        for r in results
    )
    lines = [
        f"# Scale benchmark, {today}",
        "",
        f"- Machine: {context['machine']}",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Git commit: {git_commit()}",
        f"- Server: gunicorn with gunicorn.conf.py, {context['workers']} workers × "
        f"{context['threads']} threads, on 127.0.0.1; DEBUG=False, DATABASE_CONN_MAX_AGE=60; "
        f"sessions: {context['sessions']}",
        f"- Cache off: CACHE_URL={NO_CACHE_URL} (DummyCache); cache on: {context['cache']} "
        f"({context['cache_backend']}); one gunicorn for each, one after the other",
        f"- Clients: {args.concurrency} at once (httpx, asyncio) on the same machine, each "
        f"logged in through the login form as an Editor of Asia-Pacific; {args.requests} "
        f"requests per page after {max(MIN_WARM_UP, args.concurrency)} warm-up requests (the "
        f"first alone), with the cache off and then on; then, cache on, {args.writes} writes "
        f"one at a time, each followed by one timed request of the dashboard, the list or the "
        f"report in turn; the CSV export {EXPORT_RUNS} times, one at a time",
        f"- Data: `generate_demo_data --activities N --seed {SEED}` took {generated}",
        "",
        "| page | N | off: median (ms) | off: p95 (ms) | off: queries | off: × floor "
        "| on: median (ms) | on: p95 (ms) | on: queries | on: × floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in PAGES.items():
        for result in results:
            if not any(key in result.measures[setting] for setting in SETTINGS):
                continue
            cells = [cell for setting in SETTINGS for cell in table_cells(result, setting, key)]
            lines.append(f"| {label} | {result.size:,} | {' | '.join(cells)} |")
    lines += [
        "",
        f"off: CACHE_URL={NO_CACHE_URL}; on: the cache as above. Latency is to the last byte, "
        "measured by the client. Queries: the median of the X-Query-Count header "
        "(config/middleware.py), with the range when it varied; for the CSV export, only those "
        "made before the rows start to stream. × floor: the median over the floor's, at the "
        "same N and cache. The first-after-a-write rows each time one request after a third of "
        "the writes (cache on only); the CSV export is measured with the cache on only.",
        "",
        "## Page sizes",
        "",
        "| N | region dashboard HTML (KB) | sent with gzip (KB) | regional report page (KB) "
        "| sent with gzip (KB) |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        cells = []
        for key in ("dashboard", "report"):
            sizes = result.page_bytes.get(key)
            cells += ["–", "–"] if sizes is None else [f"{size / KB:,.1f}" for size in sizes]
        lines.append(f"| {result.size:,} | {' | '.join(cells)} |")
    lines += [
        "",
        f"KB = 1,024 bytes. Asked once at each N with the cache on, before the writes: {DASHBOARD} "
        f"and {REGIONAL_REPORT}, with Accept-Encoding: gzip; the page's bytes, and the bytes "
        "sent (GZipMiddleware).",
        "",
        "## CSV export",
        "",
        "| N | time to last byte (s) | size (MB) | rows (activities) | worker memory growth "
        "(MB) | worker memory before (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        runs = result.exports
        if not runs:
            lines.append(f"| {result.size:,} | – | – | – | – | – |")
            continue
        worst = max(runs, key=lambda run: run.growth)
        lines.append(
            f"| {result.size:,} | {', '.join(f'{run.seconds:.2f}' for run in runs)} "
            f"| {runs[-1].size / MB:,.1f} | {runs[-1].rows:,} ({result.targets.exported:,}) "
            f"| {worst.growth / MB:,.1f} | {worst.rss_before / MB:,.0f} |"
        )
    lines += [
        "",
        "Memory: the resident memory (VmRSS) of every gunicorn worker, sampled every "
        f"{MEMORY_SAMPLE_SECONDS * 1000:.0f} ms during each download; the largest growth of a "
        "worker over its size just before the download.",
        "",
        f"## Goals (at the largest N, {results[-1].size:,})",
        "",
    ]
    verdicts = {True: "met", False: "**NOT met**", None: "not checked"}
    for met, text in goals(results):
        lines.append(f"- {verdicts[met]}: {text}")
    lines += ["", "## Data and checks", ""]
    for result in results:
        lines.append(f"- N = {result.size:,}: {result.generation_summary}")
    for result in results:
        lines.append(
            f"- N = {result.size:,}: the filtered list holds {result.targets.filtered:,} "
            f"activities; activity pages of {len(result.targets.detail_ids)} generated "
            f"activities with reports; {result.writes_made} of {len(result.targets.write_ids)} "
            f"edits saved; the dashboard's JSON, asked for after the first and the last, showed "
            f"the edits made so far **{result.writes_shown} times of {result.writes_checked}**"
        )
    problems = [f"N = {r.size:,}: {problem}" for r in results for problem in all_problems(r)]
    problems += context["server_errors"]
    if problems:
        lines += ["", "## What went wrong", ""]
        lines += [f"- {problem}" for problem in problems[:40]]
        if len(problems) > 40:
            lines.append(f"- … and {len(problems) - 40} more")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{today}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, "\n".join(lines), problems


def all_problems(result):
    """What went wrong at one N: failed requests, short runs, writes that did not show."""
    problems = list(result.problems)
    for setting, measures in result.measures.items():
        for key, measure in measures.items():
            page = f"{PAGES[key]}, cache {setting}"
            problems += [f"{page}: {error}" for error in measure.errors[:5]]
            if len(measure.errors) > 5:
                problems.append(f"{page}: … {len(measure.errors) - 5} more errors")
            if len(measure.seconds) < measure.planned and not measure.errors:
                problems.append(
                    f"{page}: {len(measure.seconds)} of {measure.planned} requests within the "
                    f"{PAGE_BUDGET:.0f} s budget"
                )
            if measure.seconds and measure.query_count() is None:
                problems.append(f"{page}: no X-Query-Count header (QUERY_COUNT_HEADER off?)")
    if result.targets.filtered == 0:
        problems.append("the filtered list is empty: it measures nothing")
    if len(result.targets.write_ids) < 1:
        problems.append("no ongoing activity of Asia-Pacific to edit")
    elif result.writes_shown < result.writes_checked or not result.writes_checked:
        problems.append(
            f"the dashboard showed the writes {result.writes_shown} times of "
            f"{result.writes_checked} it was asked right after one"
        )
    for run in result.exports:
        if run.rows != result.targets.exported:
            problems.append(
                f"the CSV export had {run.rows:,} rows, not {result.targets.exported:,}"
            )
            break
    return problems


# --- The run ---------------------------------------------------------------------------------


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"activities, comma-separated ({DEFAULT_SIZES})"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once (4)")
    parser.add_argument("--requests", type=int, default=100, help="requests per page (100)")
    parser.add_argument("--writes", type=int, default=21, help="writes, each then timed (21)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {args.sizes!r}")
    if not args.sizes or not all(1 <= size <= MAX_SIZE for size in args.sizes):
        parser.error(f"--sizes: between 1 and {MAX_SIZE:,} activities each")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency: between 1 and {MAX_CONCURRENCY}")
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests: between 1 and {MAX_REQUESTS:,}")
    if not 1 <= args.writes <= MAX_WRITES:
        parser.error(f"--writes: between 1 and {MAX_WRITES}")
    return args


def main():
    args = parse_arguments()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    require_loopback(args.host, "server")
    require_loopback(urlsplit(database_url).hostname or "", "database")
    requested_cache = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    if requested_cache.startswith(("redis://", "rediss://")):
        require_loopback(urlsplit(requested_cache).hostname or "", "Redis server")
    require_port_free(args.host, args.port)

    cache_url, cache_note = choose_cache(requested_cache)
    environment = production_environment(database_url, args.host, args.port)
    environment |= {"CACHE_URL": cache_url, "QUERY_COUNT_HEADER": "True"}
    set_up_django(environment)
    from django.conf import settings

    gunicorn_settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    backend = settings.CACHES["default"]
    context = {
        "workers": gunicorn_settings["workers"],
        "threads": gunicorn_settings["threads"],
        "cache": cache_note,
        "cache_backend": f"{backend['BACKEND'].rpartition('.')[2]}, {backend.get('LOCATION')}",
        "sessions": settings.SESSION_ENGINE.rpartition(".")[2],
        "server_errors": [],
    }
    base_url = f"http://{args.host}:{args.port}"
    password = secrets.token_urlsafe(16)
    results, process = [], None
    try:
        for index, size in enumerate(args.sizes):
            print(f"N = {size:,}: creating the database …", flush=True)
            prepare_database(database_url, collect_static=index == 0)
            print(f"  generate_demo_data --activities {size} --seed {SEED} …", flush=True)
            seconds, summary = generate(size)
            create_bench_user(password)
            targets = choose_targets(args.writes)
            if index == 0:
                context["machine"] = machine()
            from django.db import connections

            connections.close_all()
            result = SizeResult(size, seconds, summary, targets)
            for setting in SETTINGS:
                if setting == "on" and cache_url.startswith(("redis://", "rediss://")):
                    redis_command(cache_url, ["FLUSHDB"])
                server = environment | {"CACHE_URL": cache_url if setting == "on" else NO_CACHE_URL}
                prefix = f"bench-{size}-cache-{setting}-gunicorn-"
                log_path = Path(tempfile.mkstemp(prefix=prefix, suffix=".log")[1])
                process = start_gunicorn(server, log_path)
                wait_until_ready(process, base_url, log_path)
                pages = measure_pages(base_url, password, args, process.pid, result, setting)
                try:
                    asyncio.run(pages)
                except RuntimeError as error:  # the login refused
                    result.problems.append(f"cache {setting}: {error}")
                stop_gunicorn(process)
                process = None
                bad_lines, _access = server_log_summary(log_path)
                context["server_errors"] += [
                    f"N = {size:,}, cache {setting}, server log: {line}" for line in bad_lines
                ]
            results.append(result)
        path, text, problems = report(args, results, context)
        print(text)
        print(f"\nWritten to {path.relative_to(ROOT)}.")
    finally:
        stop_gunicorn(process)
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"The database is kept: {database_url}")
        else:
            drop_database(database_url, "bench")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
