"""generate_demo_data makes synthetic activities, their money, progress reports and their
history at scale, in every region over two action-plan cycles, with the initiatives and rates of
exchange the fixtures lack: the same for the same seed, in realistic shapes that keep the app's
rules, and --clear removes what it made and nothing else. Only with DEBUG on."""

import datetime
import math
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F
from django.utils.html import escape

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    BudgetLine,
    Expenditure,
    FundingSource,
    IndicatorValue,
    ProgressReport,
    RegionAssignment,
)
from activities.money import budget_line_errors
from activities.services import link_errors
from activities.signals import bulk_saved
from demo import generator
from demo.generated import (
    GENERATED_RATE_SOURCE,
    clear,
    generated_activities,
    generated_data_exists,
    generated_initiatives,
    generated_rates,
    generated_results,
    generated_users,
)
from demo.generator import EDITORS_PER_REGION, REVIEWERS_PER_REGION
from demo.reference_data import INITIATIVES_PER_REGION
from initiatives.models import (
    ActionPlan,
    ExchangeRate,
    ExpectedResult,
    Indicator,
    Initiative,
    Region,
)
from initiatives.money import USD, Rates, budget_month, equal_shares, expenditure_month
from tests.factories import (
    ActivityFactory,
    UserFactory,
    approved_report,
    initiative_with_results,
)

AS_OF = datetime.date(2026, 11, 27)  # in 2026 Q4
AS_OF_QUARTER = (2026, 4)
REGIONS = ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
USERS = len(REGIONS) * (EDITORS_PER_REGION + REVIEWERS_PER_REGION)
# Made for the five regions without initiatives in WTDC-25 and for all six in GEN-22.
INITIATIVES = (5 + 6) * INITIATIVES_PER_REGION
# A rate for each month of 2022 (GEN-22) to 2033 (the last year an activity that starts in
# 2029, WTDC-25's last, may run into) of CHF, EUR and AUD.
RATES = 12 * 12 * 3
Status = Activity.Status
State = ProgressReport.State


@pytest.fixture(autouse=True)
def debug(settings, db):
    settings.DEBUG = True


def generate(*args):
    """Run the command with --as-of AS_OF and `args`; returns what it printed."""
    out = StringIO()
    call_command("generate_demo_data", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def generated():
    return (
        generated_activities()
        .select_related("region")
        .prefetch_related(
            "countries__region",
            "expected_results__initiative__action_plan",
            "target_groups",
            "reports__expenditures",
            "budget_lines",
            "activityexpectedresult_set__expected_result__initiative__action_plan",
        )
        .order_by("reference")
    )


def snapshot():
    """What a run made that the seed decides: activities, their links (with their shares),
    their budget lines, their reports with their expenditure."""
    return [
        (
            str(activity.uid),
            activity.reference,
            activity.title,
            activity.status,
            activity.modality,
            activity.start_date,
            activity.end_date,
            activity.custom_split,
            sorted(
                (line.year, line.funding_source, line.funding_partner, line.amount, line.currency)
                for line in activity.budget_lines.all()
            ),
            sorted(country.iso3 for country in activity.countries.all()),
            sorted(
                (
                    link.expected_result.initiative.action_plan.code,
                    link.expected_result.code,
                    link.share,
                )
                for link in activity.activityexpectedresult_set.all()
            ),
            sorted(group.code for group in activity.target_groups.all()),
            sorted(
                (
                    r.year,
                    r.quarter,
                    r.state,
                    r.percent_complete,
                    r.activity_status,
                    sorted((e.funding_source, e.amount, e.currency) for e in r.expenditures.all()),
                )
                for r in activity.reports.all()
            ),
        )
        for activity in generated()
    ]


def reference_data():
    """The initiatives and expected results of every plan, as a person reads them."""
    return sorted(
        ExpectedResult.objects.values_list(
            "initiative__action_plan__code",
            "initiative__region__code",
            "initiative__code",
            "initiative__title",
            "initiative__objective",
            "number",
            "text",
        )
    )


def table_counts():
    """The number of rows of every table: what --clear must bring back."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_it_is_deterministic_for_a_seed():
    generate("--activities", "200", "--seed", "7")
    first = snapshot()
    generate("--clear", "--activities", "200", "--seed", "7")
    again = snapshot()
    generate("--clear", "--activities", "200", "--seed", "8")
    other_seed = snapshot()

    assert len(first) == 200
    assert again == first
    assert other_seed != first
    assert {row[0] for row in other_seed}.isdisjoint({row[0] for row in first})


def test_batches_do_not_change_what_is_made():
    generate("--activities", "120", "--seed", "3")
    whole = snapshot()
    clear()

    seen = []
    generator.generate(
        120, seed=3, as_of=AS_OF, batch_size=25, progress=lambda *done: seen.append(done)
    )

    assert snapshot() == whole
    assert seen == [(25, 120), (50, 120), (75, 120), (100, 120), (120, 120)]


def test_it_works_when_the_database_returns_no_ids(monkeypatch):
    generate("--activities", "60", "--seed", "5")
    expected = snapshot()
    clear()
    # As on a database that cannot return the ids of bulk-inserted rows (SQLite before 3.35).
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    generate("--activities", "60", "--seed", "5")

    assert snapshot() == expected
    ids = generated_activities().values("pk")
    assert Activity.history.filter(id__in=ids).count() == 60
    reports = ProgressReport.objects.filter(activity_id__in=ids)
    assert ProgressReport.history.filter(id__in=reports.values("pk")).count() == reports.count()


def test_it_makes_every_status_modality_and_report_state():
    output = generate("--activities", "300")

    activities = generated_activities()
    assert set(activities.values_list("status", flat=True)) == set(Status.values)
    assert set(activities.values_list("modality", flat=True)) == set(Activity.Modality.values)
    reports = ProgressReport.objects.filter(activity__in=activities)
    assert set(reports.values_list("state", flat=True)) == set(State.values)
    assert 3 <= reports.count() / 300 <= 5  # about four reports per activity
    lines = BudgetLine.objects.filter(activity__in=activities)
    assert set(lines.values_list("funding_source", flat=True)) == set(FundingSource.values)
    assert activities.filter(end_date__isnull=True).exists()
    assert activities.filter(budget_lines__isnull=True).exists()
    assert "300 of 300 activities…" in output
    statuses = ", ".join(
        f"{s.label.lower()} {activities.filter(status=s).count():,}" for s in Status
    )
    states = ", ".join(f"{s.label.lower()} {reports.filter(state=s).count():,}" for s in State)
    assert f"Generated 300 activities ({statuses}), {reports.count():,} progress reports " in output
    values = IndicatorValue.objects.filter(report__activity__in=activities)
    spent = Expenditure.objects.filter(report__activity__in=activities)
    assert (
        f"({states}) with {values.count():,} indicator values, {lines.count():,} budget lines "
        f"and {spent.count():,} expenditures, {USERS} users, {INITIATIVES} initiatives, "
        f"{INITIATIVES * 7} expected results and {RATES} rates of exchange in "
    ) in output


def test_submitted_and_approved_reports_give_the_generated_indicator_by_sex():
    generate("--activities", "200")

    values = IndicatorValue.objects.filter(report__activity__in=generated_activities())
    assert values.exists()
    assert set(values.values_list("report__state", flat=True)) == {"submitted", "approved"}
    assert set(values.values_list("indicator__code", "indicator__is_demo").distinct()) == {
        ("GEN1", True)
    }
    for value in values.prefetch_related("breakdown"):
        assert sum(part.amount for part in value.breakdown.all()) == value.value
    # Each for an expected result its activity advances, with a target for each plan year.
    assert not values.exclude(
        report__activity__expected_results=F("indicator__expected_result")
    ).exists()
    indicator = values.first().indicator
    plan = indicator.expected_result.initiative.action_plan
    assert sorted(indicator.targets.values_list("year", flat=True)) == list(plan.years)

    clear()
    assert not IndicatorValue.objects.exists()
    assert not Indicator.objects.filter(code="GEN1").exists()


def test_activities_have_budget_lines_in_their_years_from_one_or_two_sources():
    generate("--activities", "300")

    with_lines = 0
    for activity in generated().prefetch_related("budget_lines"):
        lines = list(activity.budget_lines.all())
        assert budget_line_errors(activity, lines) == [], activity
        assert len({line.funding_source for line in lines}) <= 2
        assert all(line.amount == line.amount.to_integral_value() > 0 for line in lines)
        # By its days: a line for each year it runs (two years from its start when open-ended).
        last = activity.end_date or activity.start_date + datetime.timedelta(days=729)
        if lines:
            with_lines += 1
            assert {line.year for line in lines} == set(
                range(activity.start_date.year, last.year + 1)
            )
            total = sum(line.amount for line in lines)
            assert total % 500 == 0, activity  # budgets are drawn in steps of 500
    assert 0.7 < with_lines / 300 < 0.9
    lines = BudgetLine.objects.filter(activity__in=generated_activities())
    extra = lines.filter(funding_source=FundingSource.EXTRA_BUDGETARY)
    assert not extra.filter(funding_partner="").exists()
    assert (
        not lines.exclude(funding_source=FundingSource.EXTRA_BUDGETARY)
        .exclude(funding_partner="")
        .exists()
    )
    assert set(lines.values_list("currency", flat=True)) == {"USD", "CHF", "EUR", "AUD"}
    assert lines.filter(year__gt=2029).exists()  # activities run past WTDC-25's years


def test_shares_sum_to_100_and_are_equal_unless_set():
    generate("--activities", "1000")

    shares = defaultdict(list)
    links = ActivityExpectedResult.objects.filter(activity__in=generated_activities())
    for activity_id, share, custom in links.order_by(
        "activity_id", "expected_result_id"
    ).values_list("activity_id", "share", "activity__custom_split"):
        shares[activity_id, custom].append(share)
    for (_activity_id, custom), percents in shares.items():
        assert sum(percents) == 100
        if custom:
            assert len(percents) > 1
            assert all(percent == percent.to_integral_value() >= 2 for percent in percents)
        else:
            assert percents == equal_shares(len(percents))
    several = sum(len(percents) > 1 for percents in shares.values())
    custom = sum(custom for _activity_id, custom in shares)
    assert 0 < custom < several / 10  # a few percent of those that split their money
    assert any(len(percents) == 3 for percents in shares.values())


def test_approved_reports_state_expenditure_within_their_year_s_budget():
    generate("--activities", "300")

    activities = generated_activities()
    spent = Expenditure.objects.filter(report__activity__in=activities).select_related("report")
    assert spent.exists()
    assert set(spent.values_list("report__state", flat=True)) == {State.APPROVED}
    budget = defaultdict(Decimal)
    for line in BudgetLine.objects.filter(activity__in=activities):
        budget[line.activity_id, line.year, line.funding_source, line.currency] += line.amount
    used = defaultdict(Decimal)
    for row in spent:
        key = (row.report.activity_id, row.report.year, row.funding_source, row.currency)
        assert key in budget, row
        used[key] += row.amount
    assert all(0 < amount <= budget[key] for key, amount in used.items())
    # Most approved reports of a year the activity has money in state what they spent.
    approved = ProgressReport.objects.filter(activity__in=activities, state=State.APPROVED)
    funded = {(activity_id, year) for activity_id, year, _source, _currency in budget}
    with_money = [r for r in approved if (r.activity_id, r.year) in funded]
    stating = set(spent.values_list("report_id", flat=True))
    assert len(stating) > 0.9 * len(with_money)


def test_every_amount_it_makes_converts_with_a_demo_rate():
    real = ExchangeRate.objects.create(
        currency="CHF", month=datetime.date(2026, 1, 1), rate=Decimal("0.8"), source="UN"
    )

    generate("--activities", "300")

    activities = generated_activities()
    pairs = {
        (currency, budget_month(year))
        for currency, year in BudgetLine.objects.filter(activity__in=activities).values_list(
            "currency", "year"
        )
    } | {
        (currency, expenditure_month(year, quarter))
        for currency, year, quarter in Expenditure.objects.filter(
            report__activity__in=activities
        ).values_list("currency", "report__year", "report__quarter")
    }
    rates = Rates(pairs)
    assert not [pair for pair in pairs if pair[0] != USD and rates.rate(*pair) is None]
    assert generated_rates().count() == RATES - 1
    assert set(generated_rates().values_list("is_demo", "source")) == {
        (True, GENERATED_RATE_SOURCE)
    }
    # A rate that was there is kept, and stays after --clear.
    assert rates.rate("CHF", datetime.date(2026, 1, 1)) == real
    clear()
    assert list(ExchangeRate.objects.all()) == [real]
    assert real.rate == ExchangeRate.objects.get().rate


def test_every_region_gets_activities_weighted_by_its_countries():
    generate("--activities", "1000")

    countries = dict(
        Region.objects.annotate(n=Count("countries")).values_list("code", "n")
    )  # ASP 39 of 194
    activities = dict(
        generated_activities()
        .values_list("region__code")
        .annotate(n=Count("pk"))
        .values_list("region__code", "n")
    )
    assert set(activities) == set(REGIONS)
    for code in REGIONS:
        share = countries[code] / sum(countries.values())
        # Drawn one by one: within four standard deviations of the share (seeded, so fixed).
        assert abs(activities[code] / 1000 - share) < 4 * math.sqrt(share * (1 - share) / 1000)
    assert 0.17 < activities["ASP"] / 1000 < 0.24


def test_activities_are_linked_within_their_region():
    generate("--activities", "300")

    activities = list(generated())
    for activity in activities:
        countries = list(activity.countries.all())
        results = list(activity.expected_results.all())
        assert 1 <= len(countries) <= 3
        assert 1 <= len(results) <= 4
        assert link_errors(activity.region, countries, results) == {}
        assert all(country.name in activity.title for country in countries)
    count_of = [len(activity.countries.all()) for activity in activities]
    assert count_of.count(1) > len(activities) / 2  # mostly one country
    assert (
        ActivityCountry.objects.filter(activity__is_demo=True)
        .exclude(country__region=F("activity__region"))
        .count()
        == 0
    )


def test_it_makes_initiatives_for_every_region_without_any_and_an_earlier_plan():
    asp_before = reference_data()

    generate("--activities", "20")

    earlier = ActionPlan.objects.get(code="GEN-22")
    assert (earlier.name, earlier.start_year, earlier.end_year) == (
        "Generated earlier action plan (2022–2025)",
        2022,
        2025,
    )
    for plan, regions in [("WTDC-25", ["AFR", "AMS", "ARB", "CIS", "EUR"]), ("GEN-22", REGIONS)]:
        made = Initiative.objects.filter(action_plan__code=plan, region__code__in=regions)
        assert sorted(made.values_list("code", flat=True)) == sorted(
            f"{region}{number}" for region in regions for number in range(1, 6)
        )
        assert set(made.annotate(n=Count("expected_results")).values_list("n", flat=True)) == {7}
        assert set(made) == set(generated_initiatives().filter(action_plan__code=plan))
    afr2 = Initiative.objects.get(action_plan__code="WTDC-25", code="AFR2")
    assert afr2.title == "Generated initiative 2 of Africa"
    assert afr2.objective.startswith("Generated for development and benchmarks")
    assert afr2.expected_results.get(number=3).short_label.startswith(
        "Generated expected result 3 of AFR2"
    )
    # The real initiatives of Asia-Pacific are as they were, and none was added beside them.
    assert [row for row in reference_data() if row[0] == "WTDC-25" and row[1] == "ASP"] == (
        asp_before
    )


def test_a_region_with_initiatives_of_its_own_gets_no_generated_ones():
    own = initiative_with_results("AFR", "AFR-A", results=4)

    generate("--activities", "300")

    assert list(Initiative.objects.filter(action_plan__code="WTDC-25", region__code="AFR")) == [own]
    afr_now = ActivityExpectedResult.objects.filter(
        activity__in=generated_activities(),
        activity__region__code="AFR",
        activity__start_date__year__gte=2026,
    )
    assert afr_now.exists()
    assert set(afr_now.values_list("expected_result__initiative", flat=True)) == {own.pk}
    generate("--clear")
    assert Initiative.objects.filter(pk=own.pk).exists()
    assert own.expected_results.count() == 4


def test_activities_advance_results_of_the_plan_of_their_start():
    generate("--activities", "300")

    plans_seen = set()
    for activity in generated():
        plan = "GEN-22" if activity.start_date.year <= 2025 else "WTDC-25"
        for result in activity.expected_results.all():
            assert result.initiative.action_plan.code == plan, activity
            assert result.initiative.region_id == activity.region_id, activity
        plans_seen.add(plan)
    assert plans_seen == {"GEN-22", "WTDC-25"}


def test_statuses_and_dates_agree_with_the_as_of_date():
    generate("--activities", "300")

    for activity in generated():
        assert activity.end_date is None or activity.end_date >= activity.start_date
        if activity.start_date > AS_OF:
            assert activity.status in {Status.PLANNED, Status.CANCELLED}
        if activity.status == Status.COMPLETED:
            assert activity.end_date <= AS_OF
        if activity.status == Status.PLANNED:
            assert not activity.reports.all()
        assert datetime.date(2022, 1, 1) <= activity.start_date <= datetime.date(2029, 12, 31)
    assert generated_activities().filter(start_date__year=2022).exists()
    assert generated_activities().filter(start_date__gt=AS_OF).exists()


def test_reports_follow_the_workflow_and_the_quarters():
    generate("--activities", "300")
    reviewers = set(User.objects.filter(groups__name="Reviewer").values_list("pk", flat=True))
    region_of = dict(RegionAssignment.objects.values_list("user_id", "region_id"))
    latest_approved = set()

    for activity in generated():
        reports = sorted(activity.reports.all(), key=lambda r: (r.year, r.quarter))
        assert len(reports) <= 8
        periods = [r.year * 4 + r.quarter for r in reports]
        assert periods == list(
            range(min(periods, default=0), min(periods, default=0) + len(periods))
        )
        start = (activity.start_date.year, (activity.start_date.month - 1) // 3 + 1)
        percents = [r.percent_complete for r in reports]
        assert percents == sorted(percents)
        for report in reports:
            assert start <= (report.year, report.quarter) <= AS_OF_QUARTER
            assert region_of[report.author_id] == activity.region_id
            assert report.author.username.startswith("generated.")
            if report.state == State.DRAFT:
                assert report.submitted_at is None
            else:
                assert report.submitted_at.date() <= AS_OF
            if report.state in (State.APPROVED, State.RETURNED):
                assert report.reviewer_id in reviewers
                assert report.reviewer_id != report.author_id
                assert region_of[report.reviewer_id] == activity.region_id
                assert report.submitted_at <= report.reviewed_at
            else:
                assert report.reviewer_id is None
            if report.state == State.RETURNED:
                assert report.review_comment
        if reports and reports[-1].state == State.APPROVED:
            latest_approved.add(activity.pk)
        if activity.status == Status.COMPLETED and reports:
            assert reports[-1].activity_status == Status.COMPLETED
            assert reports[-1].percent_complete == 100
        # Its plan: what all its reports give, approved or not.
        assert activity.planned_participants_women == sum(r.people_reached_women for r in reports)
    assert latest_approved  # older reports are mostly approved, and so are many latest ones


def test_each_activity_and_report_has_one_history_row():
    generate("--activities", "200")
    activity_ids = generated_activities().values("pk")
    reports = ProgressReport.objects.filter(activity_id__in=activity_ids)
    rows = Activity.history.filter(id__in=activity_ids)

    assert rows.count() == 200
    assert set(rows.values_list("history_type", flat=True)) == {"+"}
    assert not rows.exclude(history_user_id=F("created_by_id")).exists()
    for name, through in [
        ("countries", ActivityCountry),
        ("expected_results", ActivityExpectedResult),
        ("target_groups", Activity.target_groups.through),
    ]:
        target = through._meta.fields[2].attname  # country_id, expected_result_id, targetgroup_id
        history_links = getattr(Activity.history.model, name).model.objects.filter(history__in=rows)
        assert set(history_links.values_list("activity_id", target)) == set(
            through.objects.filter(activity_id__in=activity_ids).values_list("activity_id", target)
        )
    report_rows = ProgressReport.history.filter(activity_id__in=activity_ids)
    assert report_rows.count() == reports.count() > 0
    assert set(report_rows.values_list("id", "state", "history_user_id")) == set(
        reports.values_list("id", "state", "author_id")
    )


def test_generated_users_cannot_sign_in(client):
    generate("--activities", "20")

    users = generated_users()
    assert users.count() == USERS
    assert set(users.values_list("groups__name", flat=True)) == {"Editor", "Reviewer"}
    assert not any(user.has_usable_password() for user in users)
    assert not client.login(username=users.first().username, password="")


def test_clear_removes_only_what_it_made():
    editor = UserFactory(username="asp.editor", role="Editor", regions=["ASP"])
    own = ActivityFactory(title="Spectrum training for Tonga", reference="RAS/26/01")
    approved_report(own, 2026, 1, author=editor)
    ExchangeRate.objects.create(currency="EUR", month=datetime.date(2026, 1, 1), rate=1)
    seeded_demo = ActivityFactory(title="[Demo] Cyberdrill", is_demo=True, reference="DEMO-1")
    unreferenced_demo = ActivityFactory(title="[Demo] IXP study", is_demo=True)
    before = table_counts()
    real_reference_data = reference_data()

    generate("--activities", "150")
    assert table_counts() != before
    output = generate("--clear")

    assert table_counts() == before
    assert reference_data() == real_reference_data
    assert list(ActionPlan.objects.values_list("code", flat=True)) == ["WTDC-25"]
    assert not Initiative.objects.exclude(region__code="ASP").exists()
    assert ExpectedResult.objects.filter(initiative__code__startswith="ASP").count() == 35
    assert set(Activity.objects.values_list("pk", flat=True)) == {
        own.pk,
        seeded_demo.pk,
        unreferenced_demo.pk,
    }
    assert own.reports.count() == 1
    assert User.objects.filter(username="asp.editor").exists()
    assert "Removed 150 generated activities" in output
    assert (
        f"{USERS} users, 1 action plan, {INITIATIVES} initiatives, {INITIATIVES * 7} "
        f"expected results and {RATES - 1} rates of exchange."
    ) in output


def test_clear_refuses_while_other_activities_advance_generated_results():
    generate("--activities", "20")
    generated_result = generated_results().get(
        initiative__action_plan__code="WTDC-25", initiative__code="AFR1", number=1
    )
    own = ActivityFactory(
        title="Broadband mapping for Kenya", region=generated_result.initiative.region
    )
    own.expected_results.set([generated_result])
    before = table_counts()

    with pytest.raises(CommandError, match="Broadband mapping for Kenya"):
        generate("--clear")

    assert table_counts() == before
    assert list(own.expected_results.all()) == [generated_result]


def test_clear_with_activities_replaces_what_it_made():
    generate("--activities", "50")

    output = generate("--clear", "--activities", "30")

    assert "Removed 50 generated activities" in output
    assert generated_activities().count() == 30


def test_it_tells_the_caches_after_each_batch_and_after_clear():
    events = []

    def receiver(sender, **kwargs):
        events.append(sender.__name__)

    bulk_saved.connect(receiver)
    try:
        generator.generate(
            60, as_of=AS_OF, batch_size=25, progress=lambda done, count: events.append(done)
        )
        assert events == [
            "Initiative",
            "ExchangeRate",
            "Activity",
            25,
            "Activity",
            50,
            "Activity",
            60,
        ]
        events.clear()
        clear()
        assert events == ["Activity"]
    finally:
        bulk_saved.disconnect(receiver)


def test_it_refreshes_the_statistics_of_what_it_filled():
    generate("--activities", "150")

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class "
                "WHERE oid = 'activities_progressreport'::regclass"
            )
            statistics = cursor.fetchone()[0]
        else:
            # A row per index, starting with its number of rows: a partial index has fewer.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'activities_progressreport'")
            statistics = max(int(stat.split()[0]) for (stat,) in cursor.fetchall())
    assert statistics == ProgressReport.objects.count() > 150


def test_it_prints_and_counts_what_counts_per_region(django_assert_num_queries):
    output = generate("--activities", "300")
    wtdc25 = ActionPlan.objects.get(code="WTDC-25")

    with django_assert_num_queries(1):
        counted = generator.counted_per_region(2026, wtdc25)

    assert list(counted) == REGIONS
    for code in REGIONS:
        assert counted[code] == (
            Activity.objects.counted_in(2026).in_plan(wtdc25).filter(region__code=code).count()
        )
    assert counted["ASP"] > 0
    # Those that started in 2026, WTDC-25's first year, and, through the mapping of GEN-22's
    # expected results to WTDC-25's, those begun under GEN-22 and still active: all of them.
    counted_in_2026 = Activity.objects.counted_in(2026)
    started_in_2026 = counted_in_2026.filter(start_date__year=2026).count()
    assert started_in_2026 < sum(counted.values()) == counted_in_2026.count()
    assert generator.counted_per_region(2026) == counted  # the current plan by default
    assert (
        "Activities that count in 2026 for WTDC-25, per region: "
        + ", ".join(f"{code} {counted[code]}" for code in REGIONS)
        + "."
    ) in output


def test_it_refuses_a_second_run_without_clear():
    generate("--activities", "20")

    with pytest.raises(CommandError, match="--clear"):
        generate("--activities", "20")
    assert generated_activities().count() == 20


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        generate("--activities", "20")
    with pytest.raises(CommandError, match="DEBUG"):
        generate("--clear")
    assert not generated_data_exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--activities", "0"],
        ["--activities", "-1"],
        ["--activities", "1000001"],
        ["--activities", "many"],
        ["--activities", "10", "--as-of", "27/11/2026"],
        [],
    ],
)
def test_it_refuses_bad_arguments(args):
    with pytest.raises(CommandError):
        generate(*args)
    assert not generated_data_exists()


def test_it_needs_an_action_plan():
    ExpectedResult.objects.all().delete()
    Initiative.objects.all().delete()
    ActionPlan.objects.all().delete()

    with pytest.raises(CommandError, match="load_reference_data"):
        generate("--activities", "10")
    assert not ActionPlan.objects.exists()
    assert not generated_activities().exists()
    assert not generated_users().exists()


def test_pages_work_on_generated_data(client, viewer):
    generate("--activities", "100")
    reports = ProgressReport.objects.filter(activity__in=generated_activities())
    report = reports.filter(state=State.SUBMITTED).first()
    activity = report.activity
    client.force_login(viewer)

    generated_initiative = generated_initiatives().get(action_plan__code="WTDC-25", code="AFR2")
    for url in [
        "/activities/",
        "/activities/?status=ongoing",
        activity.get_absolute_url(),
        f"/activities/{activity.pk}/history/",
        report.get_absolute_url(),
        "/dashboard/",
        "/dashboard/ASP/?plan=WTDC-25&year=2026",
        "/dashboard/AFR/?plan=WTDC-25&year=2026",
        "/dashboard/EUR/?plan=GEN-22&year=2024",
        "/reports/ASP/2026/?plan=WTDC-25",
        "/reports/CIS/2024/?plan=GEN-22",
        generated_initiative.get_absolute_url(),
        generated_initiative.expected_results.first().get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert escape(activity.title) in client.get(activity.get_absolute_url()).text
