"""Benchmark: time and peak memory of exporting 20,000 activities as CSV and XLSX, and of
importing them back (the upload's preview, then the confirmation), against issue #18's goal:
each step of an import peaks at no more than 300 MB of resident memory.

    .venv/bin/python bench/spreadsheets.py [--rows 20000] [--repeat 1] [--export-only]
        [--output FILE]                                         (or: make bench-spreadsheets)

It creates the activities in a throwaway SQLite database (migrated and loaded with the
reference data), or, when DATABASE_URL is set, in that database — where it deletes them again
afterwards. Each step runs timed (no tracing, which slows Python down; `--repeat` times, the
best time counts), then once under tracemalloc for the peak of memory that Python allocated.
The timed runs also give the step's growth of resident memory: the peak during a run (Linux's
VmHWM, reset before it) less the resident memory before it. The process's peak resident memory
(getrusage) is read after each step: it only grows, so a step that does not raise it stayed
under the peak of the steps before. Each import step runs in a process of its own (this
script, with `--child`), as a web worker would: its peak resident memory is the import's own,
Django's included, never an earlier step's. The results go to
bench/results/spreadsheets-<date>.md (or `--output`) with the machine, the date and the git
commit.
"""

import argparse
import csv
import datetime
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REFERENCE_FIXTURES = ["regions", "countries", "wtdc25", "target_groups"]
BENCH_PREFIX = "BENCH-"  # the references of the benchmark's activities, to delete them after
NEW_PREFIX = "BENCHNEW-"  # those the import creates
BATCH = 1000
# Issue #18: the peak resident memory of each import step, 20,000 rows, in a process of its own.
GOAL_BYTES = 300 * 1000 * 1000
GOAL = "300 MB"
IMPORT_SETTINGS = {  # the limits the benchmark lifts (see main)
    "IMPORT_MAX_BYTES": 1024 * 1024 * 1024,
    "IMPORT_MAX_SECONDS": 24 * 60 * 60,
}


@dataclass
class Measure:
    step: str
    rows: int
    seconds: float
    traced_peak: int  # bytes, tracemalloc
    rss_growth: int | None  # bytes: the peak resident memory during the step less that before
    max_rss: int  # bytes, the process's peak so far (of its own process, for an import step)
    size: int | None = None  # bytes of the file made, if any
    note: str = ""
    own_process: bool = False  # measured in a process of its own (`--child`)


def setup_django(migrate=True):
    """Django on DATABASE_URL, or on a new SQLite file in a temporary folder; migrated and
    loaded with the reference data unless not `migrate` (a child process of the benchmark)."""
    throwaway = None
    if not os.environ.get("DATABASE_URL"):
        throwaway = tempfile.mkdtemp(prefix="bench-spreadsheets-")
        os.environ["DATABASE_URL"] = f"sqlite:///{throwaway}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # DEBUG would keep every query in memory and spoil the measures.
    settings.DEBUG = False
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    return throwaway


def create_activities(count):
    """`count` Asia-Pacific activities with countries, expected results (in equal shares),
    target groups and, one in two, budget lines (a second year's for those ending in 2027), in
    bulk (no history: the benchmark measures the spreadsheets, not the saves)."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from activities.models import (
        Activity,
        ActivityCountry,
        ActivityExpectedResult,
        BudgetLine,
        FundingSource,
        TargetGroup,
    )
    from initiatives.models import ActionPlan, Country, ExpectedResult, Region
    from initiatives.money import equal_shares

    region = Region.objects.get(code="ASP")
    countries = list(Country.objects.filter(region=region).order_by("iso3"))
    results = list(
        ExpectedResult.objects.filter(
            initiative__action_plan=ActionPlan.objects.current(), initiative__region=region
        )
    )
    groups = list(TargetGroup.objects.all())
    # The focal point of every activity, and the one who imports them back (in every region).
    focal_point, _ = User.objects.get_or_create(
        username="bench.focal.point",
        defaults={"email": "bench.focal.point@example.org", "is_superuser": True},
    )
    statuses, modalities = list(Activity.Status), list(Activity.Modality)
    funding = list(FundingSource)
    TargetLink = Activity.target_groups.through
    with transaction.atomic():
        for start in range(0, count, BATCH):
            activities = Activity.objects.bulk_create(
                Activity(
                    reference=f"{BENCH_PREFIX}{n:06d}",
                    title=f"Benchmark activity {n}: capacity building on spectrum management",
                    description="Workshops for the regulator's staff, then a report on "
                    "the country's spectrum plan.",
                    region=region,
                    status=statuses[n % len(statuses)],
                    modality=modalities[n % len(modalities)],
                    start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365),
                    # A completed activity has ended (Activity.clean): it has its end date.
                    end_date=(
                        datetime.date(2027, 12, 31)
                        if n % 3 or statuses[n % len(statuses)] == Activity.Status.COMPLETED
                        else None
                    ),
                    partners="APNIC; ISOC; the national regulator",
                    focal_point=focal_point,
                    planned_participants_women=n % 200,
                    planned_participants_men=n % 150,
                )
                for n in range(start, min(start + BATCH, count))
            )
            links_c, links_r, links_g, lines = [], [], [], []
            for i, activity in enumerate(activities):
                for country in {countries[i % len(countries)], countries[(i * 7) % len(countries)]}:
                    links_c.append(ActivityCountry(activity=activity, country=country))
                linked = sorted(
                    {results[i % len(results)], results[(i * 3) % len(results)]},
                    key=lambda result: result.pk,
                )
                for result, share in zip(linked, equal_shares(len(linked)), strict=True):
                    links_r.append(
                        ActivityExpectedResult(
                            activity=activity, expected_result=result, share=share
                        )
                    )
                links_g.append(TargetLink(activity=activity, targetgroup=groups[i % len(groups)]))
                n = start + i
                if n % 2:
                    source = funding[n // 2 % len(funding)]
                    years = {
                        activity.start_date.year,
                        (activity.end_date or activity.start_date).year,
                    }
                    lines += [
                        BudgetLine(
                            activity=activity,
                            year=year,
                            funding_source=source,
                            funding_partner=(
                                "Benchmark partner"
                                if source == FundingSource.EXTRA_BUDGETARY
                                else ""
                            ),
                            amount=10_000 + n,
                            currency="USD",
                        )
                        for year in sorted(years)
                    ]
            ActivityCountry.objects.bulk_create(links_c)
            ActivityExpectedResult.objects.bulk_create(links_r)
            TargetLink.objects.bulk_create(links_g)
            BudgetLine.objects.bulk_create(lines)
    if connection.vendor == "postgresql":
        # A database in use is vacuumed and has its planner's statistics (autovacuum sees to
        # both). Without statistics, right after a bulk insert, PostgreSQL reads whole tables
        # for a chunk's links; before a vacuum, the first reads write every page again.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return focal_point


def measure(step, rows, run, reset=None, repeat=1):
    """Run `run()` (which returns the size of the file made, or None, and a note) `repeat`
    times timed, keeping the best time (other work on the machine only ever slows a run down),
    then once traced; `reset()`, if given, undoes each run's writes before the next."""
    seconds = rss_growth = None
    for _ in range(repeat):
        gc.collect()
        rss_before = reset_peak_rss()
        started = time.perf_counter()
        made, note = run()
        elapsed = time.perf_counter() - started
        seconds = elapsed if seconds is None else min(seconds, elapsed)
        if rss_before is not None:
            rss_growth = max(rss_growth or 0, proc_status_bytes("VmHWM") - rss_before)
        if reset is not None:
            reset()
    gc.collect()
    tracemalloc.start()
    made, _ = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = made if isinstance(made, int) else None
    return Measure(step, rows, seconds, peak, rss_growth, max_rss(), size, note)


def proc_status_bytes(key):
    """A memory figure of this process from Linux's /proc/self/status ("VmRSS", "VmHWM")."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
    raise LookupError(key)


def reset_peak_rss():
    """Reset Linux's peak resident memory of this process (VmHWM) to the resident memory now,
    and return that; None where the system cannot (not Linux, or not allowed)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return proc_status_bytes("VmRSS")
    except (OSError, LookupError):
        return None


def max_rss():
    # Linux gives kilobytes, macOS bytes.
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * 1024


def export_csv(path):
    from activities.models import Activity
    from activities.spreadsheets import write_csv

    def run():
        with open(path, "w", encoding="utf-8", newline="") as file:
            for piece in write_csv(Activity.objects.all()):
                file.write(piece)
        return path.stat().st_size, ""

    return run


def export_xlsx(path):
    from activities.models import Activity
    from activities.spreadsheets import write_xlsx

    def run():
        with open(path, "wb") as file:
            write_xlsx(Activity.objects.all(), file)
        return path.stat().st_size, ""

    return run


def importer():
    """Engineer B's import service, if it is there: `import_rows(data, user, filename)`, which
    validates a file's bytes and saves every row in one transaction, or raises."""
    from activities import spreadsheets

    return getattr(spreadsheets, "import_rows", None)


def import_step(step, path, user):
    """A run of an import step on the file `path` as `user`, as the views make it: "preview"
    (the upload: the file read and checked, its preview kept for its pages) or "confirm" (the
    file read, checked and saved in one transaction)."""
    from activities import spreadsheets

    def run():
        data = path.read_bytes()
        if step == "preview":
            plan = spreadsheets.prepare_import(data, user)
            spreadsheets.store_preview(user, plan, path.name)
        else:
            plan = spreadsheets.import_rows(data, user, path.name)
        counts = {}
        for row in plan.rows:
            state = row.state
            counts[state] = counts.get(state, 0) + 1
        del plan
        return None, ", ".join(f"{count:,} {state}" for state, count in sorted(counts.items()))

    return run


def child(step, path, username, traced):
    """In a process of its own (`--child`): one run of the import step `step` on `path`, timed
    or traced; prints its measures as JSON."""
    setup_django(migrate=False)
    from django.conf import settings
    from django.contrib.auth.models import User

    for name, value in IMPORT_SETTINGS.items():
        setattr(settings, name, value)
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, 10**9)
    run = import_step(step, Path(path), User.objects.get(username=username))
    gc.collect()
    rss_before = reset_peak_rss()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    _, note = run()
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    print(
        json.dumps(
            {
                "seconds": seconds,
                "traced_peak": traced_peak,
                "rss_before": rss_before,
                "peak_rss": proc_status_bytes("VmHWM"),
                "max_rss": max_rss(),
                "note": note,
            }
        )
    )


def measure_in_child(step, label, path, user, rows, reset=None, repeat=1):
    """`measure` for an import step, each run in a new process (`child`): its peak resident
    memory is its own."""

    def run_child(traced):
        command = [sys.executable, __file__, "--child", step, str(path), user.username]
        if traced:
            command.append("--traced")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"{label} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    seconds = rss_growth = peak = None
    note = ""
    for _ in range(repeat):
        result = run_child(traced=False)
        if reset is not None:
            reset()
        seconds = result["seconds"] if seconds is None else min(seconds, result["seconds"])
        # VmHWM where Linux lets it be reset, else getrusage: the same, in a new process.
        own_peak = result["peak_rss"] or result["max_rss"]
        peak = max(peak or 0, own_peak)
        if result["rss_before"] is not None:
            rss_growth = max(rss_growth or 0, result["peak_rss"] - result["rss_before"])
        note = result["note"]
    traced = run_child(traced=True)
    if reset is not None:
        reset()
    return Measure(label, rows, seconds, traced["traced_peak"], rss_growth, peak, None, note, True)


def as_new_activities(source, target):
    """The CSV `source` as a file of new activities: no tracker ids, other references."""
    with open(source, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    tracker, reference = rows[0].index("tracker id"), rows[0].index("reference")
    for row in rows[1:]:
        row[tracker] = ""
        row[reference] = row[reference].replace(BENCH_PREFIX, NEW_PREFIX)
    with open(target, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)


def delete_activities(prefix):
    """Delete the activities whose references start with `prefix`, with their links, budget
    lines and history rows, in a few set-wise queries (`_raw_delete`, as demo.generated.clear
    does): one by one, each would write a "deleted" history row and a cache entry, which takes
    many minutes for 100,000 activities."""
    from django.db import transaction

    from activities.models import Activity, ActivityCountry, ActivityExpectedResult, BudgetLine
    from activities.signals import bulk_saved

    activities = Activity.objects.filter(reference__startswith=prefix)
    history = Activity.history.filter(reference__startswith=prefix)
    history_m2m = [
        getattr(history.model, field.name).model.objects.filter(
            history_id__in=history.values("history_id")
        )
        for field in history.model._history_m2m_fields
    ]
    links = [
        model.objects.filter(activity__in=activities.values("pk"))
        for model in (
            ActivityCountry,
            ActivityExpectedResult,
            Activity.target_groups.through,
            BudgetLine,
        )
    ]
    line_history = BudgetLine.history.filter(activity_id__in=activities.values("pk"))
    with transaction.atomic():
        for rows in [*history_m2m, history, line_history, *links, activities]:
            rows._raw_delete(rows.db)
    bulk_saved.send(sender=Activity)  # `_raw_delete` sends no post_delete


def delete_new_activities():
    delete_activities(NEW_PREFIX)


def human_bytes(count):
    if count is None:
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024


def git_commit():
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} (with uncommitted changes)" if dirty else commit


def machine():
    from django.db import connection

    if connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        database = f"PostgreSQL {connection.pg_version}"
    return (
        f"{platform.node()}: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {database}"
    )


def report(measures, rows, notes, output=None, repeat=1):
    today = datetime.date.today().isoformat()
    lines = [
        f"# Spreadsheets benchmark, {today}",
        "",
        f"- Machine: {machine()}",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Git commit: {git_commit()}",
        f"- Activities: {rows:,} (1 or 2 countries, 1 or 2 expected results, 1 target group "
        "each; one in two with 1 or 2 budget lines)",
        f"- Time: the best of {repeat} run{'s' if repeat > 1 else ''} of each step",
        "",
        "| step | rows | time (s) | rows/s | peak traced memory | RSS growth | process peak RSS "
        "| file |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measures:
        step = f"{m.step}: {m.note}" if m.note else m.step
        peak = (
            f"**{human_bytes(m.max_rss)}** (own process)"
            if m.own_process
            else (human_bytes(m.max_rss))
        )
        lines.append(
            f"| {step} | {m.rows:,} | {m.seconds:.2f} | {m.rows / m.seconds:,.0f} "
            f"| {human_bytes(m.traced_peak)} | {human_bytes(m.rss_growth)} "
            f"| {peak} | {human_bytes(m.size)} |"
        )
    imports = [m for m in measures if m.own_process]
    if imports:
        worst = max(imports, key=lambda m: m.max_rss)
        met = "met" if worst.max_rss <= GOAL_BYTES else "NOT met"
        lines += [
            "",
            f"**Goal (#18): each import step of {rows:,} rows peaks at ≤ {GOAL} of resident "
            f"memory: {met}** — the largest, {human_bytes(worst.max_rss)} "
            f"({worst.max_rss / 1e6:,.0f} MB), {worst.step}.",
        ]
    lines += [
        "",
        "Peak traced memory: the most memory Python allocated during the step (tracemalloc, "
        "in a run of its own). RSS growth: the peak resident memory during a timed run of "
        "the step less the resident memory before it (Linux's VmHWM, reset before the run; "
        "the largest of the runs). Process peak RSS: for an export, getrusage's maximum "
        "resident set size of the whole process so far, created data included, which never "
        "goes down; for an import step (own process), the peak resident memory of the new "
        "process that ran it alone — Django, the file and the import: what a web worker "
        "doing that import needs.",
    ]
    lines += [f"- {note}" for note in notes]
    path = Path(output) if output else RESULTS / f"spreadsheets-{today}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="activities (default 20,000)")
    parser.add_argument(
        "--export-only", action="store_true", help="measure the exports, not the import"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs of each step, the best counts"
    )
    parser.add_argument(
        "--output", help="the results file (default bench/results/spreadsheets-<date>.md)"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("STEP", "FILE", "USER"), help=argparse.SUPPRESS
    )
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, traced=args.traced)
        return

    throwaway = setup_django()
    from django.conf import settings
    from django.db import connection

    from activities.models import Activity

    notes = []
    if throwaway is None:
        notes.append("Database: DATABASE_URL; the benchmark's activities were deleted after.")
    if connection.vendor == "postgresql":
        notes.append(
            "PostgreSQL: VACUUM ANALYZE after the activities were made, as autovacuum would."
        )
    if Activity.objects.filter(reference__startswith=BENCH_PREFIX).exists():
        sys.exit(f"Activities with references {BENCH_PREFIX}… are there already: delete them.")
    started = time.perf_counter()
    user = create_activities(args.rows)
    print(f"Created {args.rows:,} activities in {time.perf_counter() - started:.1f} s")
    rows = Activity.objects.count()
    folder = Path(tempfile.mkdtemp(prefix="bench-files-"))
    measures = []
    try:
        for step, run in [
            ("export CSV", export_csv(folder / "activities.csv")),
            ("export XLSX", export_xlsx(folder / "activities.xlsx")),
        ]:
            measures.append(measure(step, rows, run, repeat=args.repeat))
            print(measures[-1])
        function = None if args.export_only else importer()
        if args.export_only:
            notes.append("Import: not measured (--export-only).")
        elif function is None:
            notes.append("Import: not measured — the import service was not there yet.")
        else:
            # The upload limit (5 MB) would refuse a 20,000-row CSV, and the time limit a run
            # under tracemalloc (twice as slow) or of more rows: the benchmark lifts them.
            for name, value in IMPORT_SETTINGS.items():
                setattr(settings, name, value)
            settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, rows)
            as_new_activities(folder / "activities.csv", folder / "new.csv")
            for step, label, name, reset in [
                ("preview", "preview XLSX back (all unchanged)", "activities.xlsx", None),
                ("confirm", "import XLSX back (all unchanged)", "activities.xlsx", None),
                ("confirm", "import CSV back (all unchanged)", "activities.csv", None),
                ("preview", "preview CSV of new activities", "new.csv", None),
                ("confirm", "import CSV of new activities", "new.csv", delete_new_activities),
            ]:
                measures.append(
                    measure_in_child(
                        step, label, folder / name, user, rows, reset, repeat=args.repeat
                    )
                )
                print(measures[-1])
            notes.append(
                "Import, each step in a process of its own, as a superuser, the upload's size "
                "and time limits lifted. 'Preview': `prepare_import` and `store_preview`, what "
                "the upload does before its first page. 'Import': "
                "`activities.spreadsheets.import_rows`, what the confirmation does. 'All "
                "unchanged': the export read back, checked row by row, nothing to save. 'New "
                "activities': the CSV without tracker ids and with new references, so every row "
                "is created (with its history row)."
            )
    finally:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
        if throwaway is None:
            delete_activities(NEW_PREFIX)
            delete_activities(BENCH_PREFIX)
    path, text = report(measures, rows, notes, args.output, args.repeat)
    print(text)
    print(f"\nWritten to {path}")


if __name__ == "__main__":
    main()
