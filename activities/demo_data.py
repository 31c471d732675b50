"""Synthetic work data at scale, for development and benchmarks: `generate_demo_data`.

`generate(count, seed)` makes `count` activities in the shape of a sector-wide deployment: every
region's activities (regions weighted by their number of countries) over two action-plan
cycles, the current plan and an earlier one, with their countries, expected results, target
groups, progress reports in every workflow state and one history row each, written in batches
so that memory stays bounded whatever the count. The same seed and as-of date give the same
activities, links, statuses and reports (timestamps that the database sets, such as created_at,
differ).

The reference data such a deployment has and the fixtures do not, it makes first (only what is
missing, never touching real reference data): five initiatives of seven expected results for
every region without any in the current plan, and an earlier plan ("GEN-22" before WTDC-25)
with five initiatives of seven expected results for every region. Their texts say that they are
generated; they get no history rows.

What it makes is recognisable, so that `clear()` removes it and nothing else: activities with
`is_demo` and a reference "GEN-000001", …, users named "generated.…" (unusable passwords),
action plans coded "GEN-…" with their initiatives, and initiatives of real plans whose objective
starts with GENERATED_TEXT, with their expected results. The demo activities of seed_demo
(`is_demo` without a GEN- reference) are not touched.
"""

import datetime
import itertools
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from django.db.models import Count, Q
from django.utils import timezone

from activities import roles
from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    ProgressReport,
    RegionAssignment,
    TargetGroup,
)
from activities.services import write_histories
from activities.signals import bulk_saved
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region

REFERENCE_PREFIX = "GEN-"
USERNAME_PREFIX = "generated."
PLAN_CODE_PREFIX = "GEN-"
# The first words of every generated initiative's objective: how `clear()` finds the ones it
# added to a real plan.
GENERATED_TEXT = "Generated for development and benchmarks"
INITIATIVES_PER_REGION = 5
RESULTS_PER_INITIATIVE = 7
PLAN_YEARS = 4  # a WTDC action plan runs four years, from one conference to the next
MAX_ACTIVITIES = 1_000_000
BATCH_SIZE = 2_000
EDITORS_PER_REGION = 12
REVIEWERS_PER_REGION = 4
CHANGE_REASON = "Generated data"
MAX_REPORTS = 8

Status = Activity.Status
Modality = Activity.Modality
State = ProgressReport.State


class DemoDataError(Exception):
    """The database lacks what the generator needs (reference data, roles), or holds data in
    the way of a clear: nothing was made or removed."""


def generated_activities():
    """The activities `generate` made (and only those)."""
    return Activity.objects.filter(is_demo=True, reference__startswith=REFERENCE_PREFIX)


def generated_users():
    """The users `generate` made: editors and reviewers named "generated.…"."""
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX)


def generated_plans():
    """The earlier action plans `generate` made, coded "GEN-…"."""
    return ActionPlan.objects.filter(code__startswith=PLAN_CODE_PREFIX)


def generated_initiatives():
    """The initiatives `generate` made: those of its plans, and those it added to real plans
    for the regions that had none (their objective starts with GENERATED_TEXT)."""
    return Initiative.objects.filter(
        Q(action_plan__in=generated_plans()) | Q(objective__startswith=GENERATED_TEXT)
    )


def generated_results():
    """The expected results of the initiatives `generate` made."""
    return ExpectedResult.objects.filter(initiative__in=generated_initiatives())


def generated_data_exists():
    return generated_activities().exists() or generated_users().exists()


def current_plan(today=None):
    """The real action plan in force on `today` (default: today), else the latest real one:
    never a plan `generate` made."""
    return ActionPlan.objects.exclude(code__startswith=PLAN_CODE_PREFIX).current(today=today)


def counted_per_region(year, plan=None):
    """How many activities count in `year`'s figures for `plan` (default: the current plan),
    per region code, every region included: what each region's dashboard counts (see
    reports.queries.Scope). One query."""
    plan = plan or current_plan()
    counted = Activity.objects.counted_in(year).in_plan(plan)
    regions = Region.objects.annotate(
        counted=Count("activities", filter=Q(activities__in=counted))
    ).order_by("code")
    return dict(regions.values_list("code", "counted"))


def clear():
    """Delete everything `generate` made: its activities with their links, reports and history
    rows, its users with theirs, and its plans, initiatives and expected results. Returns
    {"activities": n, "reports": n, "users": n, "plans": n, "initiatives": n,
    "expected_results": n}.

    Work rows are deleted in a few set-wise queries without loading them (`_raw_delete`, what
    Django's own fast delete does): deleting them one by one would write a "deleted" history
    row for each, and take minutes at 100,000 activities. Raises DemoDataError, removing
    nothing, when activities that `generate` did not make advance its expected results.
    """
    foreign_links = ActivityExpectedResult.objects.filter(
        expected_result__in=generated_results()
    ).exclude(activity__in=generated_activities())
    if foreign_links.exists():
        titles = sorted(
            set(foreign_links.values_list("activity__title", flat=True).order_by()[:20])
        )[:3]
        raise DemoDataError(
            "Activities that generate_demo_data did not make advance expected results that it "
            f"made ({'; '.join(titles)}, …): link them to other expected results or delete "
            "them first. Nothing was removed."
        )
    activity_ids = generated_activities().values("pk")
    users = generated_users()
    with transaction.atomic():
        _delete_history(Activity, id__in=activity_ids)
        _delete_history(ProgressReport, activity_id__in=activity_ids)
        report_count = _delete(ProgressReport.objects.filter(activity_id__in=activity_ids))
        for link_model in (ActivityCountry, ActivityExpectedResult, Activity.target_groups.through):
            _delete(link_model.objects.filter(activity_id__in=activity_ids))
        activity_count = _delete(generated_activities())
        # Users the ordinary way: they are few, and rows elsewhere may point at them (a focal
        # point set by hand), which the delete empties. It writes "deleted" history rows for
        # them and their region assignments: removed after.
        user_ids = list(users.values_list("pk", flat=True))
        users.delete()
        _delete_history(RegionAssignment, user_id__in=user_ids)
        _delete_history(get_user_model(), id__in=user_ids)
        # Reference data last: the activities' links PROTECT it. Its history rows too, should
        # an administrator have edited it meanwhile.
        removed = {}
        for name, model, queryset in [
            ("expected_results", ExpectedResult, generated_results()),
            ("initiatives", Initiative, generated_initiatives()),
            ("plans", ActionPlan, generated_plans()),
        ]:
            ids = list(queryset.values_list("pk", flat=True))
            _delete_history(model, id__in=ids)
            removed[name] = _delete(model.objects.filter(pk__in=ids))
        bulk_saved.send(sender=Activity)  # `_raw_delete` sends no post_delete
    return {
        "activities": activity_count,
        "reports": report_count,
        "users": len(user_ids),
        **removed,
    }


def _delete(queryset):
    # None when the query can match nothing (Django does not run it): no row deleted.
    return queryset._raw_delete(queryset.db) or 0


def _delete_history(model, **lookup):
    """Delete the history rows of `model` that match `lookup`, with their many-to-many rows.
    Nothing for a model without history (users have one once activities.auth_history gives
    it to them)."""
    if not hasattr(model, "history"):
        return
    rows = model.history.filter(**lookup)
    for m2m_field in rows.model._history_m2m_fields:
        m2m_rows = getattr(rows.model, m2m_field.name).model.objects
        _delete(m2m_rows.filter(history_id__in=rows.values("history_id")))
    _delete(rows)


def make_reference_data(as_of):
    """Make the reference data that a sector-wide deployment has and the fixtures lack, where
    it is missing: initiatives for every region in the current plan, and one earlier plan
    with initiatives for every region. Real reference data is never changed.

    Returns the plans to draw from, earliest first, and how many initiatives and expected
    results it created.
    """
    plan = current_plan(as_of)
    if plan is None:
        raise DemoDataError(
            "There is no action plan: run `python manage.py load_reference_data` first."
        )
    regions = list(Region.objects.filter(countries__isnull=False).distinct().order_by("code"))
    if not regions:
        raise DemoDataError(
            "There are no countries: run `python manage.py load_reference_data` first."
        )
    start_year = plan.start_year - PLAN_YEARS
    code = f"{PLAN_CODE_PREFIX}{start_year % 100:02d}"
    if not ActionPlan.objects.filter(code=code).exists():
        # bulk_create, like everything the generator writes: no history row to clear.
        ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    code=code,
                    name=f"Generated earlier action plan ({start_year}–{plan.start_year - 1})",
                    conference=f"None: {GENERATED_TEXT.lower()}",
                    start_year=start_year,
                    end_year=plan.start_year - 1,
                )
            ]
        )
    earlier = ActionPlan.objects.get(code=code)
    initiatives = results = 0
    for each in (earlier, plan):
        made = _make_initiatives(each, regions)
        initiatives += made
        results += made * RESULTS_PER_INITIATIVE
    if initiatives:
        bulk_saved.send(sender=Initiative)
    return [earlier, plan], initiatives, results


def _make_initiatives(plan, regions):
    """Create INITIATIVES_PER_REGION initiatives of RESULTS_PER_INITIATIVE expected results in
    `plan` for each of `regions` that has no initiative in it; returns how many initiatives."""
    having = set(plan.initiatives.values_list("region_id", flat=True))
    missing = [region for region in regions if region.pk not in having]
    if not missing:
        return 0
    Initiative.objects.bulk_create(
        Initiative(
            action_plan=plan,
            region=region,
            code=f"{region.code}{number}",
            title=f"Generated initiative {number} of {region.name}",
            objective=(
                f"{GENERATED_TEXT} by generate_demo_data, which removes it with --clear: it "
                f"stands for a regional initiative of {region.name} and is not a real one."
            ),
        )
        for region in missing
        for number in range(1, INITIATIVES_PER_REGION + 1)
    )
    made = Initiative.objects.filter(action_plan=plan, region__in=missing).order_by("code")
    ExpectedResult.objects.bulk_create(
        ExpectedResult(
            initiative=initiative,
            number=number,
            text=(
                f"Generated expected result {number} of {initiative.code}, for development and "
                "benchmarks: not a real expected result."
            ),
        )
        for initiative in made
        for number in range(1, RESULTS_PER_INITIATIVE + 1)
    )
    return len(missing) * INITIATIVES_PER_REGION


def analyze():
    """Refresh the database's statistics of the tables `generate` fills, as after any bulk
    load: with the statistics of empty tables, PostgreSQL's planner picks plans thousands of
    times slower."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = sorted(
                {
                    model._meta.db_table
                    for label in ("activities", "initiatives")
                    for model in apps.get_app_config(label).get_models(include_auto_created=True)
                    if model._meta.managed and not model._meta.proxy
                }
                | {get_user_model()._meta.db_table}
            )
            cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


@dataclass
class Summary:
    """What one `generate` run made, and how long it took."""

    plan: ActionPlan
    as_of: datetime.date
    activities: int = 0
    users: int = 0
    initiatives: int = 0
    expected_results: int = 0
    statuses: Counter = field(default_factory=Counter)
    report_states: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def reports(self):
        return sum(self.report_states.values())


def generate(count, seed=1, as_of=None, batch_size=BATCH_SIZE, progress=None):
    """Make `count` activities (with reports, links, history), their users and the reference
    data they need; see the module.

    `as_of` (default: today) is the day the data describes: statuses and reports agree with it.
    `progress(done, count)` is called after each batch. Each batch is one transaction, after
    which `bulk_saved` tells the caches; a run that fails midway leaves the batches before,
    which `clear()` removes. At the end, the tables' statistics are refreshed (`analyze`).
    Returns a `Summary`.
    """
    if not 1 <= count <= MAX_ACTIVITIES:
        raise ValueError(f"count must be between 1 and {MAX_ACTIVITIES:,}, not {count}.")
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        plans, initiatives, results = make_reference_data(as_of)
        generator = Generator(seed, as_of, plans)
        summary = Summary(
            plan=plans[-1],
            as_of=as_of,
            users=generator.create_users(),
            initiatives=initiatives,
            expected_results=results,
        )
    for start in range(0, count, batch_size):
        numbers = range(start + 1, min(start + batch_size, count) + 1)
        drafts = [generator.activity(number) for number in numbers]
        with transaction.atomic():
            _write(drafts)
            bulk_saved.send(sender=Activity)
        summary.activities += len(drafts)
        for draft in drafts:
            summary.statuses[draft.activity.status] += 1
            summary.report_states.update(report.state for report in draft.reports)
        # With DEBUG on, Django keeps the SQL of the last 9,000 queries; bulk inserts of
        # thousands of rows make that gigabytes.
        reset_queries()
        if progress:
            progress(summary.activities, count)
    analyze()
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class Draft:
    """A generated activity before it is saved, with its links by pk and its reports."""

    activity: Activity
    country_ids: list
    result_ids: list
    target_group_ids: list
    reports: list


def _write(drafts):
    """Save a batch of drafts: activities, links, one history row each (with its links),
    reports, one history row each. A few dozen queries whatever the batch size."""
    activities = [draft.activity for draft in drafts]
    Activity.objects.bulk_create(activities)
    if activities[0].pk is None:  # the database did not return the new ids: look them up
        pk_of = dict(
            Activity.objects.filter(uid__in=[a.uid for a in activities]).values_list("uid", "pk")
        )
        for activity in activities:
            activity.pk = pk_of[activity.uid]

    ActivityCountry.objects.bulk_create(
        ActivityCountry(activity_id=d.activity.pk, country_id=pk)
        for d in drafts
        for pk in d.country_ids
    )
    ActivityExpectedResult.objects.bulk_create(
        ActivityExpectedResult(activity_id=d.activity.pk, expected_result_id=pk)
        for d in drafts
        for pk in d.result_ids
    )
    TargetGroupLink = Activity.target_groups.through
    TargetGroupLink.objects.bulk_create(
        TargetGroupLink(activity_id=d.activity.pk, targetgroup_id=pk)
        for d in drafts
        for pk in d.target_group_ids
    )
    # One history row per activity, by the editor who created it.
    by_creator = sorted(activities, key=lambda a: a.created_by_id)
    for _, group in itertools.groupby(by_creator, key=lambda a: a.created_by_id):
        group = list(group)
        write_histories(
            group,
            group[0].created_by,
            reason=CHANGE_REASON,
            created={activity.pk for activity in group},
        )

    reports = []
    for draft in drafts:
        for report in draft.reports:
            report.activity_id = draft.activity.pk
            reports.append(report)
    if not reports:
        return
    ProgressReport.objects.bulk_create(reports)
    if reports[0].pk is None:
        pk_of = {
            (activity_id, year, quarter): pk
            for activity_id, year, quarter, pk in ProgressReport.objects.filter(
                activity_id__in=[a.pk for a in activities]
            ).values_list("activity_id", "year", "quarter", "pk")
        }
        for report in reports:
            report.pk = pk_of[(report.activity_id, report.year, report.quarter)]
    for report in reports:
        report._history_user = report.author  # bulk_history_create reads it
    ProgressReport.history.bulk_history_create(reports, default_change_reason=CHANGE_REASON)


# --- What the activities are made of -----------------------------------------------------------

TOPICS = {
    Modality.POLICY_ASSISTANCE: [
        "National broadband plan review",
        "Universal service fund reform",
        "Spectrum licensing framework update",
        "National cybersecurity strategy drafting",
        "Data protection law review",
        "Digital transformation strategy",
        "National emergency telecommunication plan",
        "Quality of service regulation",
        "E-waste policy framework",
        "Infrastructure sharing regulation",
    ],
    Modality.CAPACITY_BUILDING: [
        "Spectrum monitoring training",
        "Digital skills for women entrepreneurs",
        "Cyber hygiene workshop for small businesses",
        "Regulatory economics course",
        "Training of trainers in digital literacy",
        "Child online protection training",
        "ICT accessibility training for public services",
        "Network resilience training for operators",
        "Youth coding bootcamp",
        "Digital skills for older persons",
    ],
    Modality.STUDY: [
        "IXP feasibility study",
        "ICT price basket assessment",
        "Digital inclusion survey",
        "Rural connectivity gap analysis",
        "Submarine cable resilience assessment",
        "Cybersecurity readiness assessment",
        "Spectrum valuation study",
        "Household ICT access and use survey",
        "Digital public infrastructure assessment",
    ],
    Modality.EVENT: [
        "National digital transformation forum",
        "Girls in ICT Day",
        "Regulators' roundtable",
        "National cyberdrill",
        "Smart villages dialogue",
        "Emergency telecommunication simulation exercise",
        "Digital inclusion week",
    ],
    Modality.INFRASTRUCTURE: [
        "School connectivity deployment",
        "Rural community network pilot",
        "Emergency telecommunication equipment deployment",
        "Early warning system rollout",
        "Public Wi-Fi for health centres",
        "Government data centre upgrade",
        "Spectrum monitoring station installation",
    ],
    Modality.PROJECT: [
        "Smart villages and islands project",
        "E-government services project",
        "Digital health pilot",
        "Digital agriculture pilot",
        "Government cloud project",
        "Accessible ICT project for persons with disabilities",
        "Connecting the unconnected project",
    ],
    Modality.OTHER: [
        "Advisory mission on ICT indicators",
        "Expert review of the telecommunication act",
        "Technical assistance on numbering",
        "Peer review of ICT regulation",
    ],
}
MODALITY_WEIGHTS = {
    Modality.POLICY_ASSISTANCE: 18,
    Modality.CAPACITY_BUILDING: 26,
    Modality.STUDY: 14,
    Modality.EVENT: 8,
    Modality.INFRASTRUCTURE: 12,
    Modality.PROJECT: 15,
    Modality.OTHER: 5,
}
# How long an activity of each modality runs, in days (lowest, highest).
DURATION_DAYS = {
    Modality.POLICY_ASSISTANCE: (180, 720),
    Modality.CAPACITY_BUILDING: (180, 720),  # a programme of courses, not one course
    Modality.STUDY: (180, 720),
    Modality.EVENT: (1, 5),
    Modality.INFRASTRUCTURE: (365, 1460),
    Modality.PROJECT: (365, 1460),
    Modality.OTHER: (180, 540),
}
# Budgets in the activity's currency (lowest, highest).
BUDGETS = {
    Modality.POLICY_ASSISTANCE: (30_000, 250_000),
    Modality.CAPACITY_BUILDING: (10_000, 150_000),
    Modality.STUDY: (20_000, 200_000),
    Modality.EVENT: (5_000, 80_000),
    Modality.INFRASTRUCTURE: (100_000, 3_000_000),
    Modality.PROJECT: (100_000, 2_000_000),
    Modality.OTHER: (5_000, 100_000),
}
# Modalities whose reports count many people reached.
REACHING_MODALITIES = {Modality.CAPACITY_BUILDING, Modality.EVENT}
CURRENCIES = {"USD": 85, "CHF": 8, "EUR": 4, "AUD": 3}
FUNDING_SOURCES = {
    "": 15,
    Activity.FundingSource.REGULAR_BUDGET: 30,
    Activity.FundingSource.ICT_DF: 12,
    Activity.FundingSource.EXTRA_BUDGETARY: 30,
    Activity.FundingSource.IN_KIND: 13,
}
PARTNERS = [
    "World Bank",
    "UNDP",
    "UNICEF (Giga)",
    "UNESCO",
    "GSMA",
    "Internet Society",
    "National regulatory authority",
    "Ministry of ICT",
    "European Union",
    "Korea (MSIT)",
    "Japan (MIC)",
]
# Partners that work in one region, besides those above.
REGIONAL_PARTNERS = {
    "AFR": ["African Union Commission", "African Telecommunications Union", "Smart Africa"],
    "AMS": ["CITEL", "Inter-American Development Bank", "CAF Development Bank of Latin America"],
    "ARB": ["Arab ICT Organization", "League of Arab States", "Islamic Development Bank"],
    "ASP": [
        "Asia-Pacific Telecommunity",
        "Government of Australia (DFAT)",
        "Asian Development Bank",
    ],
    "CIS": ["Regional Commonwealth in the field of Communications", "Eurasian Development Bank"],
    "EUR": ["CEPT", "BEREC", "European Investment Bank"],
}
FIRST_NAMES = [
    "Amina", "Ana", "Arjun", "Aroha", "Chen", "Dilnoza", "Fatima", "Hiroshi", "Ioane",
    "Kamala", "Leilani", "Malia", "Mei", "Nguyen", "Priya", "Rahim", "Sione", "Tenzin",
    "Tevita", "Wei", "Yusuf", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Bose", "Chowdhury", "Fonua", "Gurung", "Hassan", "Kim", "Lal", "Latu", "Li",
    "Nakamura", "Perera", "Rahman", "Santos", "Silva", "Singh", "Tanaka", "Tran", "Tupou",
    "Wang",
]  # fmt: skip
ACHIEVEMENTS = [
    "Inception meeting held with the ministry and the regulator; work plan agreed.",
    "Trained {n} participants from the regulator and the operators.",
    "First draft delivered; comments received from {k} stakeholders.",
    "Field data collection completed in {k} provinces.",
    "Equipment procured; installation started at {k} sites.",
    "Validation workshop held with {n} participants.",
    "Final report delivered and presented to the ministry.",
    "National consultation held with {n} participants from government and civil society.",
]
CHALLENGES = [
    "Delays in nominating the national counterparts.",
    "Connectivity problems at remote sites.",
    "Procurement took longer than planned.",
    "Staff turnover at the counterpart ministry.",
    "Weather disrupted travel to the outer islands.",
]
NEXT_STEPS = [
    "Validation workshop with the stakeholders.",
    "Finalize the report and hand it over.",
    "Installation at the remaining sites.",
    "Hand over to the national team.",
    "Training of trainers.",
]
RETURN_COMMENTS = [
    "Give the number of participants by sex.",
    "Attach the workshop report as evidence.",
    "The percent complete does not match the achievements: please check.",
    "Say which expected result this quarter's work advanced.",
]


def _weighted(rng, weights):
    """One key of `weights` ({choice: weight}), drawn by weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _quarter(day):
    """A quarter as one number (4 * year + quarter - 1), so that quarters can be counted."""
    return day.year * 4 + (day.month - 1) // 3


def _last_day(quarter):
    year, index = divmod(quarter, 4)
    if index == 3:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * index + 4, 1) - datetime.timedelta(days=1)


def _names(names):
    """ "Fiji", "Fiji and Samoa", "Fiji, Samoa and Tonga"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass
class RegionPool:
    """What one region's activities are drawn from: its countries (pk, name), its initiatives'
    expected results in each plan ({plan pk: [[result pks of an initiative], …]}), its partners
    and its generated users."""

    region_id: int
    code: str
    countries: list = field(default_factory=list)
    initiatives: dict = field(default_factory=dict)
    partners: list = field(default_factory=list)
    editors: list = field(default_factory=list)
    reviewers: list = field(default_factory=list)

    def results(self, plan):
        return [pk for results in self.initiatives[plan.pk] for pk in results]


class Generator:
    """Draws activities one after the other from one `random.Random(seed)`: the same seed and
    `as_of` give the same sequence, whatever the batch size."""

    def __init__(self, seed, as_of, plans):
        # Not for security: reproducible data is the point.
        self.rng = random.Random(seed)  # noqa: S311 # nosec B311
        self.as_of = as_of
        self.as_of_moment = datetime.datetime.combine(as_of, datetime.time(12), datetime.UTC)
        self.plans = sorted(plans, key=lambda plan: plan.start_year)
        self.pools = self._pools()
        # Start dates over every plan's years: 2022-2029 for GEN-22 and WTDC-25.
        self.first_day = datetime.date(self.plans[0].start_year, 1, 1)
        self.last_day = datetime.date(self.plans[-1].end_year, 12, 31)
        self.target_group_ids = list(
            TargetGroup.objects.order_by("code").values_list("pk", flat=True)
        )
        self.groups = {
            name: Group.objects.filter(name=name).first() for name in (roles.EDITOR, roles.REVIEWER)
        }
        if None in self.groups.values():
            raise DemoDataError(
                "The role groups are missing: run `python manage.py migrate` first."
            )

    def _pools(self):
        """The regions with countries and expected results in every plan, ordered by code so
        that the draws do not depend on the database's ids."""
        pools = {}
        countries = Country.objects.order_by("iso3")
        for region_id, code, pk, name in countries.values_list(
            "region_id", "region__code", "pk", "name"
        ):
            pool = pools.setdefault(
                region_id,
                RegionPool(region_id, code, partners=PARTNERS + REGIONAL_PARTNERS.get(code, [])),
            )
            pool.countries.append((pk, name))
        results = ExpectedResult.objects.filter(
            initiative__action_plan__in=self.plans, initiative__region_id__in=pools
        ).order_by("initiative__action_plan__start_year", "initiative__code", "number")
        for plan_id, region_id, code, pk in results.values_list(
            "initiative__action_plan_id", "initiative__region_id", "initiative__code", "pk"
        ):
            initiatives = pools[region_id].initiatives.setdefault(plan_id, {})
            initiatives.setdefault(code, []).append(pk)
        for pool in pools.values():
            pool.initiatives = {
                plan_id: list(by_code.values()) for plan_id, by_code in pool.initiatives.items()
            }
        pools = sorted(
            (p for p in pools.values() if all(plan.pk in p.initiatives for plan in self.plans)),
            key=lambda p: p.code,
        )
        if not pools:
            raise DemoDataError(
                "No region has countries and expected results: run "
                "`python manage.py load_reference_data` first."
            )
        return pools

    def _plan_of(self, day):
        """The plan whose years hold `day`."""
        return next(plan for plan in self.plans if plan.start_year <= day.year <= plan.end_year)

    def create_users(self):
        """Create each region's generated editors and reviewers; returns how many."""
        User = get_user_model()
        created = 0
        for pool in self.pools:
            for role, count, users in (
                (roles.EDITOR, EDITORS_PER_REGION, pool.editors),
                (roles.REVIEWER, REVIEWERS_PER_REGION, pool.reviewers),
            ):
                for number in range(1, count + 1):
                    username = f"{USERNAME_PREFIX}{pool.code.lower()}.{role.lower()}{number:02d}"
                    user = User(
                        username=username,
                        first_name=self.rng.choice(FIRST_NAMES),
                        last_name=self.rng.choice(LAST_NAMES),
                        email=f"{username}@example.org",
                    )
                    user.set_unusable_password()
                    user.save()
                    user.groups.add(self.groups[role])
                    RegionAssignment.objects.create(user=user, region_id=pool.region_id)
                    users.append(user)
                    created += 1
        return created

    def activity(self, number):
        """The `number`-th activity (from 1), with its links and reports, not yet saved: in a
        region drawn by its number of countries, advancing expected results of the plan in
        force when it starts."""
        rng = self.rng
        pool = rng.choices(self.pools, weights=[len(p.countries) for p in self.pools])[0]
        countries = rng.sample(
            pool.countries, min(_weighted(rng, {1: 75, 2: 15, 3: 10}), len(pool.countries))
        )
        modality = _weighted(rng, MODALITY_WEIGHTS)
        start, end = self._dates(modality)
        status, end = self._status(start, end)
        editor = rng.choice(pool.editors)
        reference = f"{REFERENCE_PREFIX}{number:06d}"
        topic = rng.choice(TOPICS[modality])
        place = _names([name for _, name in countries])
        partners = "; ".join(rng.sample(pool.partners, _weighted(rng, {0: 30, 1: 45, 2: 25})))
        reference = f"{REFERENCE_PREFIX}{number:06d}"
        topic = rng.choice(TOPICS[modality])
        place = _names([name for _, name in countries])
        partners = "; ".join(rng.sample(PARTNERS, _weighted(rng, {0: 30, 1: 45, 2: 25})))
        budget = None
        if rng.random() < 0.8:
            low, high = BUDGETS[modality]
            budget = Decimal(rng.randint(low // 500, high // 500) * 500)
        activity = Activity(
            uid=uuid.UUID(int=rng.getrandbits(128), version=4),
            title=f"{topic} – {place}",
            description=(
                f"{Modality(modality).label} for {place}: {topic[0].lower()}{topic[1:]}."
                + (f" With {partners}." if partners else "")
            ),
            reference=reference,
            region_id=pool.region_id,
            status=status,
            modality=modality,
            start_date=start,
            end_date=end,
            budget_amount=budget,
            currency=_weighted(rng, CURRENCIES),
            funding_source=_weighted(rng, FUNDING_SOURCES),
            partners=partners,
            focal_point=editor if rng.random() < 0.95 else None,
            is_demo=True,
            created_by=editor,
            updated_by=editor,
        )
        draft = Draft(
            activity=activity,
            country_ids=[pk for pk, _ in countries],
            result_ids=self._results(pool, self._plan_of(start)),
            target_group_ids=rng.sample(
                self.target_group_ids,
                min(_weighted(rng, {0: 35, 1: 35, 2: 20, 3: 10}), len(self.target_group_ids)),
            ),
            reports=self._reports(activity, pool, editor, reference),
        )
        approved = [r for r in draft.reports if r.state == State.APPROVED]
        activity.people_reached_women = sum(r.people_reached_women for r in approved)
        activity.people_reached_men = sum(r.people_reached_men for r in approved)
        return draft

    def _results(self, pool, plan):
        """1 to 4 expected results (mostly 1 or 2) of the region's initiatives in `plan`,
        mostly of one initiative."""
        rng = self.rng
        results = pool.results(plan)
        count = min(_weighted(rng, {1: 40, 2: 35, 3: 17, 4: 8}), len(results))
        initiative = rng.choice(pool.initiatives[plan.pk])
        chosen = rng.sample(initiative, min(count, len(initiative)))
        if len(chosen) > 1 and rng.random() < 0.3:
            chosen.pop()  # one from another initiative
        others = [pk for pk in results if pk not in chosen]
        chosen += rng.sample(others, count - len(chosen))
        return chosen

    def _dates(self, modality):
        """A start date (nine in ten up to `as_of`, where there are such days) and an end
        date from the modality's usual duration; one in ten, not an event, has none."""
        rng = self.rng
        past = (self.first_day, min(self.as_of, self.last_day))
        future = (max(self.as_of + datetime.timedelta(days=1), self.first_day), self.last_day)
        windows = [w for w in (past, future) if w[0] <= w[1]]
        first, last = windows[0] if len(windows) == 1 or rng.random() < 0.9 else windows[1]
        start = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
        low, high = DURATION_DAYS[modality]
        end = start + datetime.timedelta(days=rng.randint(low, high) - 1)
        if modality != Modality.EVENT and rng.random() < 0.1:
            end = None
        return start, end

    def _status(self, start, end):
        """A status that agrees with the dates and `as_of`, and the end date that goes with it
        (an activity completed ahead of time ends on or before `as_of`)."""
        rng = self.rng
        if start > self.as_of:
            return _weighted(rng, {Status.PLANNED: 94, Status.CANCELLED: 6}), end
        if end is not None and end < self.as_of:
            status = _weighted(
                rng,
                {
                    Status.COMPLETED: 80,
                    Status.ONGOING: 6,  # overdue, or not updated yet
                    Status.SUSPENDED: 5,
                    Status.CANCELLED: 6,
                    Status.PLANNED: 3,  # never started
                },
            )
            return status, end
        status = _weighted(
            rng,
            {
                Status.ONGOING: 82,
                Status.SUSPENDED: 7,
                Status.CANCELLED: 4,
                Status.PLANNED: 4,  # its start slipped
                Status.COMPLETED: 3,
            },
        )
        if status == Status.COMPLETED:
            end = start + datetime.timedelta(days=rng.randint(0, (self.as_of - start).days))
        return status, end

    def _reports(self, activity, pool, editor, reference):
        """The activity's progress reports: consecutive quarters from its start quarter (the
        latest eight when there are more) up to the `as_of` quarter, or to its end or the
        quarter it stopped if earlier (an ongoing activity past its end date still reports).
        Older ones mostly approved; the latest in any state; percent complete rising."""
        rng = self.rng
        status = activity.status
        if status == Status.PLANNED or activity.start_date > self.as_of:
            return []
        start = _quarter(activity.start_date)
        as_of = _quarter(self.as_of)
        last = as_of
        if activity.end_date is not None and status != Status.ONGOING:  # ongoing: overdue
            last = min(_quarter(activity.end_date), as_of)
        if status == Status.ONGOING and rng.random() < 0.1:
            last -= rng.randint(1, 3)  # stopped reporting: a stale activity
        elif status in (Status.SUSPENDED, Status.CANCELLED):
            last = start + rng.randint(-1, last - start)  # -1: stopped before any report
        first = max(start, last - MAX_REPORTS + 1)
        planned_quarters = _quarter(activity.end_date) - start + 1 if activity.end_date else 12
        # The latest report says the activity was completed or suspended, or (one in two)
        # cancelled, as it is now.
        final_status = Status.ONGOING
        if status in (Status.COMPLETED, Status.SUSPENDED) or (
            status == Status.CANCELLED and rng.random() < 0.5
        ):
            final_status = status
        reports, percent = [], 0
        for quarter in range(first, last + 1):
            is_latest = quarter == last
            percent = max(
                percent,
                min(95, round(100 * (quarter - start + 1) / planned_quarters) + rng.randint(-5, 5)),
            )
            at_the_time = final_status if is_latest else Status.ONGOING
            if at_the_time == Status.COMPLETED:
                percent = 100
            reports.append(
                self._report(activity, pool, editor, reference, quarter, is_latest, at_the_time)
            )
            reports[-1].percent_complete = percent
        return reports

    def _report(self, activity, pool, editor, reference, quarter, is_latest, at_the_time):
        rng = self.rng
        if not is_latest:
            state = _weighted(rng, {State.APPROVED: 96, State.RETURNED: 2, State.SUBMITTED: 2})
        elif quarter == _quarter(self.as_of):  # the quarter under way
            state = _weighted(rng, {State.DRAFT: 65, State.SUBMITTED: 35})
        else:
            state = _weighted(
                rng,
                {State.APPROVED: 55, State.SUBMITTED: 20, State.RETURNED: 12, State.DRAFT: 13},
            )
        year, index = divmod(quarter, 4)
        if activity.modality in REACHING_MODALITIES:
            women, men = rng.randint(5, 60), rng.randint(5, 60)
        elif rng.random() < 0.5:
            women, men = rng.randint(0, 20), rng.randint(0, 20)
        else:
            women = men = 0
        report = ProgressReport(
            year=year,
            quarter=index + 1,
            activity_status=at_the_time,
            achievements=rng.choice(ACHIEVEMENTS).format(
                n=women + men or rng.randint(5, 40), k=rng.randint(2, 9)
            ),
            challenges=rng.choice(CHALLENGES) if rng.random() < 0.4 else "",
            next_steps=rng.choice(NEXT_STEPS),
            evidence_links=(
                f"https://example.org/evidence/{reference}-{year}Q{index + 1}.pdf"
                if rng.random() < 0.3
                else ""
            ),
            people_reached_women=women,
            people_reached_men=men,
            state=state,
            author=editor if rng.random() < 0.8 else rng.choice(pool.editors),
        )
        if state != State.DRAFT:
            quarter_end = datetime.datetime.combine(
                _last_day(quarter), datetime.time(9), datetime.UTC
            )
            submitted = quarter_end + datetime.timedelta(
                days=rng.randint(3, 30), minutes=rng.randint(0, 480)
            )
            report.submitted_at = min(submitted, self.as_of_moment)
            if state in (State.APPROVED, State.RETURNED):
                reviewed = report.submitted_at + datetime.timedelta(
                    days=rng.randint(1, 14), minutes=rng.randint(0, 480)
                )
                report.reviewed_at = min(reviewed, self.as_of_moment)
                report.reviewer = rng.choice(pool.reviewers)
                if state == State.RETURNED:
                    report.review_comment = rng.choice(RETURN_COMMENTS)
        return report
