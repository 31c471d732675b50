"""Synthetic work data at scale, for development and benchmarks: `generate_demo_data`.

`generate(count, seed)` makes `count` activities in the shape of a sector-wide deployment: every
region's activities (regions weighted by their number of countries) over two action-plan
cycles, the current plan and an earlier one, with their countries, expected results (their
money split in equal shares, or a few in shares an editor set), target groups, budget lines
(for each year they run, from one or two funding sources), progress reports in every workflow
state (the approved ones with their expenditure) and one history row each, written in batches
so that memory stays bounded whatever the count. The same seed and as-of date give the same
activities, links, statuses and reports (timestamps that the database sets, such as created_at,
differ).

The reference data such a deployment has and the fixtures do not, it makes first (only what is
missing, never touching real reference data): five initiatives of seven expected results for
every region without any in the current plan, and an earlier plan ("GEN-22" before WTDC-25)
with five initiatives of seven expected results for every region, and an illustrative rate of
exchange for every month of both plans for each currency the money is drawn in. Their texts say
that they are generated; they get no history rows.

The reference data it makes first is in demo.reference_data; the words and weights it draws
from, in demo.vocabulary. What it makes carries the marks of demo.generated, which finds it and
removes it (`clear`).
"""

import datetime
import itertools
import math
import random
import time
import uuid
import zlib
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
    BudgetLine,
    Expenditure,
    FundingSource,
    IndicatorBreakdown,
    IndicatorValue,
    PlannedContribution,
    ProgressReport,
    RegionAssignment,
    TargetGroup,
)
from activities.signals import bulk_saved
from demo.generated import (
    GENERATED_INDICATOR_CODE,
    REFERENCE_PREFIX,
    USERNAME_PREFIX,
    DemoDataError,
    current_plan,
)
from demo.money import OPEN_ENDED_DAYS, budget_end, spent_in_quarter, split, split_by_days
from demo.reference_data import make_rates, make_reference_data
from demo.vocabulary import (
    ACHIEVEMENTS,
    BUDGETS,
    CHALLENGES,
    CURRENCIES,
    DURATION_DAYS,
    FIRST_NAMES,
    FUNDING_PARTNERS,
    FUNDING_SOURCES,
    LAST_NAMES,
    MODALITY_WEIGHTS,
    NEXT_STEPS,
    PARTNERS,
    REACHING_MODALITIES,
    REGIONAL_PARTNERS,
    RETURN_COMMENTS,
    SECOND_SOURCE,
    SET_SHARES,
    TOPICS,
    WITH_BUDGET,
)
from initiatives.history import record_history
from initiatives.models import ActionPlan, Country, ExpectedResult, Indicator, Region, Target
from initiatives.money import USD, equal_shares

MAX_ACTIVITIES = 1_000_000
BATCH_SIZE = 2_000
EDITORS_PER_REGION = 12
REVIEWERS_PER_REGION = 4
CHANGE_REASON = "Generated data"
MAX_REPORTS = 8

Status = Activity.Status
Modality = Activity.Modality
State = ProgressReport.State


def money_years(plans):
    """The years that generated activities may have money in: from the first year of `plans`
    to the last year that an activity starting in their last year may run into."""
    longest = max(OPEN_ENDED_DAYS, *(high for _low, high in DURATION_DAYS.values()))
    last = max(plan.end_year for plan in plans) + math.ceil(longest / 365)
    return range(min(plan.start_year for plan in plans), last + 1)


def counted_per_region(year, plan=None):
    """How many activities count in `year`'s figures for `plan` (default: the current plan),
    per region code, every region included: what each region's dashboard counts (see
    reports.queries.scope.Scope). One query."""
    plan = plan or current_plan()
    counted = Activity.objects.counted_in(year).in_plan(plan)
    regions = Region.objects.annotate(
        counted=Count("activities", filter=Q(activities__in=counted))
    ).order_by("code")
    return dict(regions.values_list("code", "counted"))


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
    rates: int = 0
    statuses: Counter = field(default_factory=Counter)
    report_states: Counter = field(default_factory=Counter)
    indicator_values: int = 0
    budget_lines: int = 0
    expenditures: int = 0
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
    which `demo.generated.clear()` removes. At the end, the tables' statistics are refreshed
    (`analyze`). Returns a `Summary`.
    """
    if not 1 <= count <= MAX_ACTIVITIES:
        raise ValueError(f"count must be between 1 and {MAX_ACTIVITIES:,}, not {count}.")
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        plans, initiatives, results = make_reference_data(as_of)
        indicator_of = make_indicators(plans)
        generator = Generator(seed, as_of, plans)
        summary = Summary(
            plan=plans[-1],
            as_of=as_of,
            users=generator.create_users(),
            initiatives=initiatives,
            expected_results=results,
            rates=make_rates(money_years(plans), [c for c in CURRENCIES if c != USD]),
        )
    for start in range(0, count, batch_size):
        numbers = range(start + 1, min(start + batch_size, count) + 1)
        drafts = [generator.activity(number) for number in numbers]
        with transaction.atomic():
            written = _write(drafts, indicator_of)
            bulk_saved.send(sender=Activity)
        summary.indicator_values += written.indicator_values
        summary.expenditures += written.expenditures
        summary.budget_lines += sum(len(draft.budget_lines) for draft in drafts)
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
    """A generated activity before it is saved, with its links by pk (`shares`: the percent of
    its money per expected result pk), its budget lines and its reports."""

    activity: Activity
    country_ids: list
    result_ids: list
    target_group_ids: list
    reports: list
    shares: dict = field(default_factory=dict)
    budget_lines: list = field(default_factory=list)


@dataclass
class Written:
    """What `_write` made besides the activities and reports."""

    indicator_values: int = 0
    expenditures: int = 0


def make_indicators(plans):
    """Give every expected result of `plans` that lacks it the generated indicator — people
    trained, by sex, summed per quarter, a demo one — with a target for each year of its plan.
    Returns {expected result id: indicator id}."""
    results = ExpectedResult.objects.filter(initiative__action_plan__in=plans).select_related(
        "initiative__action_plan"
    )
    having = set(
        Indicator.objects.filter(
            expected_result__in=results, code=GENERATED_INDICATOR_CODE
        ).values_list("expected_result_id", flat=True)
    )
    made = Indicator.objects.bulk_create(
        Indicator(
            expected_result=result,
            code=GENERATED_INDICATOR_CODE,
            name="People trained (generated)",
            by_sex=True,
            baseline_value=Decimal(0),
            baseline_source="Generated for development and benchmarks",
            is_demo=True,
        )
        for result in results
        if result.pk not in having
    )
    if made and made[0].pk is None:
        made = list(
            Indicator.objects.filter(expected_result__in=results, code=GENERATED_INDICATOR_CODE)
        )
    plan_of = {result.pk: result.initiative.action_plan for result in results}
    Target.objects.bulk_create(
        Target(indicator_id=indicator.pk, year=year, value=Decimal(400))
        for indicator in made
        for year in plan_of[indicator.expected_result_id].years
    )
    return dict(
        Indicator.objects.filter(
            expected_result__in=results, code=GENERATED_INDICATOR_CODE
        ).values_list("expected_result_id", "pk")
    )


def _indicator_values(drafts, indicator_of):
    """The values of the generated indicator that the submitted and approved reports give:
    for the first of the activity's results that has it, a number of people by sex. Drawn
    from each report's own seed, so the main sequence of draws is the same with or without.
    The activity plans to contribute 40 people a report to it (at least 40)."""
    values, breakdowns, planned = [], [], []
    for draft in drafts:
        with_one = [indicator_of[pk] for pk in draft.result_ids if pk in indicator_of]
        indicator_id = with_one[0] if with_one else None
        if indicator_id is None:
            continue
        planned.append(
            PlannedContribution(
                activity_id=draft.activity.pk,
                indicator_id=indicator_id,
                value=Decimal(40 * max(1, len(draft.reports))),
            )
        )
        for report in draft.reports:
            if report.state not in (ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED):
                continue
            seed = zlib.crc32(f"{draft.activity.uid}{report.period}".encode())
            rng = random.Random(seed)  # noqa: S311 # nosec B311
            women, men = rng.randint(0, 30), rng.randint(0, 30)
            values.append(
                IndicatorValue(report_id=report.pk, indicator_id=indicator_id, value=women + men)
            )
            breakdowns.append((women, men))
    PlannedContribution.objects.bulk_create(planned)
    IndicatorValue.objects.bulk_create(values)
    if values and values[0].pk is None:
        pk_of = dict(
            IndicatorValue.objects.filter(report_id__in=[v.report_id for v in values]).values_list(
                "report_id", "pk"
            )
        )
        for value in values:
            value.pk = pk_of[value.report_id]
    IndicatorBreakdown.objects.bulk_create(
        IndicatorBreakdown(value_id=value.pk, dimension="sex", category=category, amount=amount)
        for value, parts in zip(values, breakdowns, strict=True)
        for category, amount in zip(("women", "men"), parts, strict=True)
    )
    return len(values)


def _expenditures(drafts):
    """The expenditure of the approved reports of `drafts` (saved): of each budget line of the
    report's year, the part of its quarter (by days), 50 to 100 % of it, per funding source
    and currency. Drawn from each report's own seed, so the main sequence of draws is the same
    with or without."""
    rows = []
    for draft in drafts:
        activity = draft.activity
        if not draft.budget_lines:
            continue
        last = budget_end(activity.start_date, activity.end_date)
        for report in draft.reports:
            if report.state != ProgressReport.State.APPROVED:
                continue
            rng = random.Random(  # noqa: S311 # nosec B311
                zlib.crc32(f"{activity.uid}{report.period}spent".encode())
            )
            spent = Counter()
            for line in draft.budget_lines:
                if line.year == report.year:
                    spent[line.funding_source, line.currency] += spent_in_quarter(
                        int(line.amount),
                        activity.start_date,
                        last,
                        report.year,
                        report.quarter,
                        rng.randint(50, 100),
                    )
            rows += [
                Expenditure(
                    report_id=report.pk,
                    funding_source=source,
                    currency=currency,
                    amount=Decimal(amount),
                )
                for (source, currency), amount in sorted(spent.items())
                if amount
            ]
    Expenditure.objects.bulk_create(rows)
    return len(rows)


def _write(drafts, indicator_of):
    """Save a batch of drafts: activities, links (with their shares), budget lines, one
    history row each (with its links), reports, one history row each, their expenditure. A
    few dozen queries whatever the batch size. Returns what else it made (`Written`)."""
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
        ActivityExpectedResult(activity_id=d.activity.pk, expected_result_id=pk, share=d.shares[pk])
        for d in drafts
        for pk in d.result_ids
    )
    lines = []
    for draft in drafts:
        for line in draft.budget_lines:
            line.activity_id = draft.activity.pk
            lines.append(line)
    BudgetLine.objects.bulk_create(lines)
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
        record_history(group, group[0].created_by, reason=CHANGE_REASON, created=True)

    reports = []
    for draft in drafts:
        for report in draft.reports:
            report.activity_id = draft.activity.pk
            reports.append(report)
    if not reports:
        return Written()
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
    return Written(_indicator_values(drafts, indicator_of), _expenditures(drafts))


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
        draft.shares, activity.custom_split = self._shares(draft.result_ids)
        draft.budget_lines = self._budget_lines(activity)
        # What it plans to reach: what all its reports give, approved or not.
        activity.planned_participants_women = sum(r.people_reached_women for r in draft.reports)
        activity.planned_participants_men = sum(r.people_reached_men for r in draft.reports)
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

    @staticmethod
    def _equal(result_ids):
        """Equal shares of the money, in the order of the results' ids (as
        activities.money.apply_split gives them)."""
        ordered = sorted(result_ids)
        return dict(zip(ordered, equal_shares(len(ordered)), strict=True))

    def _shares(self, result_ids):
        """{result pk: percent} and whether an editor set them: equal shares, or for SET_SHARES
        of the activities with several results, whole percentages (each at least 2, summing
        to 100)."""
        rng = self.rng
        if len(result_ids) < 2 or rng.random() >= SET_SHARES:
            return self._equal(result_ids), False
        weights = {pk: rng.randint(1, 9) for pk in result_ids}
        return {pk: Decimal(percent) for pk, percent in split(100, weights).items()}, True

    def _budget_lines(self, activity):
        """The activity's budget lines (not saved), or none for one in five: a budget by its
        modality, from one funding source or partly (20 to 50 %) from a second, each in a
        currency and, for extra-budgetary money, from a partner; split across the years it runs
        by its days (an activity without an end date as demo.money says)."""
        rng = self.rng
        if rng.random() >= WITH_BUDGET:
            return []
        low, high = BUDGETS[activity.modality]
        total = rng.randint(low // 500, high // 500) * 500
        first = _weighted(rng, FUNDING_SOURCES)
        parts = [(first, total)]
        if rng.random() < SECOND_SOURCE:
            second = _weighted(rng, {s: w for s, w in FUNDING_SOURCES.items() if s != first})
            part = total * rng.randint(2, 5) // 10
            parts = [(first, total - part), (second, part)]
        last = budget_end(activity.start_date, activity.end_date)
        lines = []
        for source, amount in parts:
            currency = _weighted(rng, CURRENCIES)
            partner = (
                rng.choice(FUNDING_PARTNERS) if source == FundingSource.EXTRA_BUDGETARY else ""
            )
            lines += [
                BudgetLine(
                    year=year,
                    funding_source=source,
                    funding_partner=partner,
                    amount=Decimal(part),
                    currency=currency,
                )
                for year, part in split_by_days(amount, activity.start_date, last).items()
                if part
            ]
        return lines

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
        quarter it stopped if earlier (never after its end: an ongoing activity past its end
        date stops reporting and needs attention, as a report outside its dates is refused).
        Older ones mostly approved; the latest in any state; percent complete rising."""
        rng = self.rng
        status = activity.status
        if status == Status.PLANNED or activity.start_date > self.as_of:
            return []
        start = _quarter(activity.start_date)
        as_of = _quarter(self.as_of)
        last = as_of
        if activity.end_date is not None:
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
