"""seed_demo creates the demo users with a printed password, only with DEBUG on; the demo fixture
it loads is a realistic Asia-Pacific set that leaves real gaps for the dashboards to show, with
its money: budget lines over the years the activities run, expenditure of approved reports,
shares across expected results and illustrative rates of exchange, one left out on purpose."""

import datetime
import json
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    BudgetLine,
    Expenditure,
    FundingSource,
    ProgressReport,
    RegionAssignment,
)
from activities.money import budget_line_errors
from demo.fixture import AS_OF, MISSING_RATES, activity_uid
from demo.fixture_data import ACTIVITIES
from demo.money import DEMO_RATE_SOURCE
from initiatives.models import Country, ExchangeRate, ExpectedResult, Region
from initiatives.money import USD, budget_month, equal_shares, expenditure_month

DEMO_JSON = Path(django_settings.BASE_DIR) / "fixtures" / "demo.json"
FOREIGN_KEYS = [
    "activity", "region", "country", "expected_result", "focal_point", "created_by", "updated_by",
    "author", "reviewer",
]  # fmt: skip
DEMO_USERS = {
    # username: (group, regions, superuser)
    "admin": (None, [], True),
    "asp.editor": ("Editor", ["ASP"], False),
    "asp.reviewer": ("Reviewer", ["ASP"], False),
    "afr.editor": ("Editor", ["AFR"], False),
    "viewer": ("Viewer", [], False),
}


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    """The password column of the admin's row of the printed table."""
    match = re.search(r"^admin\s.*\s(\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def demo_state():
    """Everything the demo fixture writes, to compare before and after a second load."""
    return {
        "activities": list(Activity.objects.order_by("uid").values()),
        "target_groups": list(
            Activity.target_groups.through.objects.order_by("activity_id", "targetgroup_id").values(
                "activity_id", "targetgroup_id"
            )
        ),
        "countries": list(ActivityCountry.objects.order_by("pk").values()),
        "results": list(ActivityExpectedResult.objects.order_by("pk").values()),
        "reports": list(ProgressReport.objects.order_by("pk").values()),
        "budget_lines": list(BudgetLine.objects.order_by("pk").values()),
        "expenditures": list(Expenditure.objects.order_by("pk").values()),
        "rates": list(ExchangeRate.objects.order_by("pk").values()),
        "activity_history": Activity.history.count(),
        "report_history": ProgressReport.history.count(),
        "budget_line_history": BudgetLine.history.count(),
    }


def demo_budgets():
    """{activity uid: the budget the demo data gives it}, None for none."""
    return {activity_uid(demo): demo.budget for demo in ACTIVITIES}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


# --- seed_demo ----------------------------------------------------------------------------------


def test_it_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=True"):
        seed("--password", "whatever-it-is")
    assert not User.objects.exists()
    assert not Activity.objects.exists()


def test_it_creates_the_five_users_with_their_roles_and_regions(db, debug):
    seed()
    assert set(User.objects.values_list("username", flat=True)) == set(DEMO_USERS)
    for username, (group, regions, superuser) in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
        assert sorted(user.region_assignments.values_list("region__code", flat=True)) == regions
        assert user.is_superuser is superuser
        assert user.is_staff is superuser
        assert user.email == f"{username}@example.org"
        assert user.first_name and user.last_name


def test_it_prints_the_users_and_a_password_that_signs_them_in(db, debug, client):
    output = seed()
    password = printed_password(output)
    assert "http://127.0.0.1:8000/" in output
    assert len(password) >= 12
    for username, (group, regions, _) in DEMO_USERS.items():
        row = re.search(rf"^{re.escape(username)}\s.*$", output, re.MULTILINE)
        assert row, f"{username} is not in the table"
        assert password in row.group()
        assert (group or "Administrator") in row.group()
        assert all(code in row.group() for code in regions)
        assert client.login(username=username, password=password), username
        client.logout()


def test_it_uses_the_password_given(db, debug, client):
    output = seed("--password", "tapa-cloth-2026")
    assert printed_password(output) == "tapa-cloth-2026"
    assert client.login(username="asp.reviewer", password="tapa-cloth-2026")


def test_running_it_twice_creates_no_duplicate_and_the_new_password_works(db, debug, client):
    first = printed_password(seed())
    counts = (User.objects.count(), RegionAssignment.objects.count(), Activity.objects.count())
    second = printed_password(seed())
    assert (
        User.objects.count(),
        RegionAssignment.objects.count(),
        Activity.objects.count(),
    ) == counts
    assert second != first
    assert client.login(username="asp.editor", password=second)
    client.logout()
    assert not client.login(username="asp.editor", password=first)


def test_running_it_again_puts_a_demo_user_back_in_its_role_and_regions(db, debug):
    seed()
    user = User.objects.get(username="afr.editor")
    user.groups.clear()
    RegionAssignment.objects.create(user=user, region=Region.objects.get(code="ASP"))
    seed()
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert list(user.region_assignments.values_list("region__code", flat=True)) == ["AFR"]


def test_it_loads_the_demo_activities(db, debug):
    seed()
    assert Activity.objects.filter(is_demo=True).count() >= 35
    assert ProgressReport.objects.filter(activity__is_demo=True).count() >= 40


def test_each_demo_activity_has_one_created_history_row_by_its_author(db, debug):
    seed()
    seed()
    demo = Activity.objects.filter(is_demo=True)
    rows = Activity.history.filter(id__in=demo.values("pk"))
    assert rows.count() == demo.count()
    assert set(rows.values_list("history_type", flat=True)) == {"+"}
    assert not rows.filter(history_user=None).exists()
    row = rows.filter(title__contains="Tonga").select_related("history_user").first()
    activity = Activity.objects.get(pk=row.id)
    assert row.history_date == activity.created_at
    assert {c.country.iso3 for c in row.countries.all()} == {"TON"}
    assert row.history_change_reason == "Demo data"


def test_each_demo_budget_line_has_one_created_history_row_with_its_activity(db, debug):
    seed()
    seed()
    lines = BudgetLine.objects.select_related("activity")
    rows = BudgetLine.history.all()
    assert rows.count() == lines.count() > 40
    assert set(rows.values_list("history_type", "history_change_reason")) == {("+", "Demo data")}
    by_line = {row.id: row for row in rows}
    for line in lines:
        assert by_line[line.pk].history_user_id == line.activity.created_by_id
        assert by_line[line.pk].history_date == line.activity.created_at


def test_seeding_again_removes_money_that_the_demo_does_not_have(db, debug):
    """A database that had the demo before budget lines existed has the line its migration
    made of each single budget ("Not named" partner): the demo's lines replace it."""
    seed()
    activity = Activity.objects.get(title__contains="Cyberdrill for Pacific island CIRTs")
    BudgetLine.objects.create(
        activity=activity,
        year=2025,
        funding_source=FundingSource.EXTRA_BUDGETARY,
        funding_partner="Not named",
        amount=Decimal(120000),
    )
    report = activity.reports.get(year=2025, quarter=3)
    Expenditure.objects.create(
        report=report, funding_source=FundingSource.IN_KIND, amount=Decimal(5), currency="USD"
    )

    seed()

    assert list(activity.budget_lines.values_list("funding_partner", "amount")) == [
        ("Government of Australia (DFAT)", Decimal("120000.00"))
    ]
    assert list(report.expenditures.values_list("funding_source", flat=True)) == [
        FundingSource.EXTRA_BUDGETARY
    ]
    assert BudgetLine.history.filter(funding_partner="Not named", history_type="-").exists()


# --- the demo fixture --------------------------------------------------------------------------


def test_the_fixture_names_rows_by_natural_keys_only():
    objects = json.loads(DEMO_JSON.read_text(encoding="utf-8"))
    assert objects
    assert not [o for o in objects if "pk" in o]
    for o in objects:
        for name in FOREIGN_KEYS:
            value = o["fields"].get(name)
            assert value is None or isinstance(value, list), (o["model"], name, value)


def test_the_fixture_is_what_the_generator_writes(tmp_path):
    output = tmp_path / "demo.json"
    call_command("build_demo_fixture", "--output", output, stdout=StringIO())
    assert output.read_text(encoding="utf-8") == DEMO_JSON.read_text(encoding="utf-8")


@pytest.mark.usefixtures("demo_loaded", "db")
class TestTheDemoFixture:
    """Loaded once for the class: loading takes seconds, and these tests only read (the one that
    loads it again does so inside its own test transaction)."""

    def test_it_has_about_forty_demo_activities_all_in_asia_pacific(self):
        activities = Activity.objects.all()
        assert 35 <= activities.count() <= 50
        assert not activities.exclude(region__code="ASP").exists()
        assert not activities.filter(is_demo=False).exists()
        assert not activities.exclude(title__startswith="[Demo] ").exists()

    def test_every_status_modality_and_funding_source_is_there(self):
        assert set(Activity.objects.values_list("status", flat=True)) == set(Activity.Status.values)
        assert set(Activity.objects.values_list("modality", flat=True)) == set(
            Activity.Modality.values
        )
        assert set(BudgetLine.objects.values_list("funding_source", flat=True)) == set(
            FundingSource.values
        )

    def test_national_and_multi_country_activities_all_in_asp_countries(self):
        for activity in Activity.objects.prefetch_related("countries__region", "expected_results"):
            countries = list(activity.countries.all())
            assert 1 <= len(countries) <= 6, activity
            assert {c.region.code for c in countries} == {"ASP"}, activity
            assert activity.expected_results.exists(), activity
        sizes = {a.countries.count() for a in Activity.objects.all()}
        assert 1 in sizes
        assert max(sizes) >= 2

    def test_every_expected_result_of_an_activity_belongs_to_an_asp_initiative(self):
        used = ExpectedResult.objects.filter(activities__isnull=False).distinct()
        assert used.exists()
        assert not used.exclude(initiative__region__code="ASP").exists()

    def test_some_asp_expected_results_have_no_activity(self):
        asp_results = ExpectedResult.objects.filter(initiative__region__code="ASP")
        unused = asp_results.filter(activities__isnull=True)
        assert 3 <= unused.count() <= 8
        assert unused.count() < asp_results.count()

    def test_every_report_state_is_there(self):
        assert set(ProgressReport.objects.values_list("state", flat=True)) == set(
            ProgressReport.State.values
        )
        assert 40 <= ProgressReport.objects.count() <= 60

    def test_reviewed_reports_name_a_reviewer_and_returned_ones_say_why(self):
        reviewed = ProgressReport.objects.filter(state__in=["approved", "returned"])
        assert not reviewed.filter(reviewer__isnull=True).exists()
        assert not reviewed.exclude(reviewer__username="asp.reviewer").exists()
        assert not ProgressReport.objects.filter(state="returned", review_comment="").exists()
        assert not ProgressReport.objects.exclude(state="draft").filter(submitted_at=None).exists()
        assert not ProgressReport.objects.filter(created_at__date__gt=AS_OF).exists()

    def test_some_ldc_sids_and_lldc_countries_of_asp_are_not_reached(self):
        reached = Country.objects.filter(activities__status__in=["ongoing", "completed"])
        special = Country.objects.in_region("ASP").filter(
            pk__in=[
                c.pk
                for group in ("LDC", "SIDS", "LLDC")
                for c in Country.objects.in_group_during(group, AS_OF.year)
            ]
        )
        unreached = special.exclude(pk__in=reached)
        assert unreached.count() >= 3
        assert special.filter(pk__in=reached).count() > unreached.count()

    def test_some_ongoing_activities_are_stale(self):
        """No approved report in the two quarters before the demo's day (2026 Q2 and Q3)."""
        stale = Activity.objects.stale(today=AS_OF)
        ongoing = Activity.objects.filter(status="ongoing")
        assert stale.count() >= 3
        assert ongoing.exclude(pk__in=stale).count() > stale.count()

    def test_dates_are_realistic(self):
        activities = Activity.objects.all()
        assert not activities.filter(start_date__year__lt=2025).exists()
        assert not activities.filter(start_date__year__gt=2027).exists()
        assert not activities.filter(status="completed", end_date__gt=AS_OF).exists()
        assert not activities.filter(status="planned", start_date__lte=AS_OF).exists()
        assert activities.filter(end_date__isnull=True).exists()
        assert activities.filter(budget_lines__isnull=True).exists()
        assert not ProgressReport.objects.exclude(year__in=[2025, 2026]).exists()

    def test_capacity_building_activities_plan_participants_by_sex(self):
        training = Activity.objects.filter(
            modality=Activity.Modality.CAPACITY_BUILDING, status__in=["ongoing", "completed"]
        )
        assert training.exists()
        assert not training.filter(
            planned_participants_women=0, planned_participants_men=0
        ).exists()

    def test_loading_it_a_second_time_changes_nothing(self):
        before = demo_state()
        call_command("loaddata", "demo", verbosity=0)
        assert demo_state() == before

    # --- Its money ------------------------------------------------------------------------

    def test_each_activity_s_budget_lines_add_up_to_its_budget(self):
        """Nothing lost in moving the single budgets to lines: each activity's lines (in the
        currencies they are in) add up to the budget the demo data gives it."""
        totals = defaultdict(Decimal)
        for uid, amount in BudgetLine.objects.values_list("activity__uid", "amount"):
            totals[str(uid)] += amount
        budgets = demo_budgets()
        assert set(totals) == {uid for uid, budget in budgets.items() if budget is not None}
        for uid, total in totals.items():
            assert total == budgets[uid], uid
        amounts = BudgetLine.objects.values_list("amount", flat=True)
        assert all(amount == amount.to_integral_value() for amount in amounts)  # whole units

    def test_a_multi_year_activity_has_lines_in_its_years_only(self):
        activity = Activity.objects.get(title__contains="Early warning by cell broadcast")
        assert (activity.start_date.year, activity.end_date.year) == (2026, 2027)
        lines = list(activity.budget_lines.values_list("year", "amount"))
        # EUR 275,000 by its days: 361 in 2026 (from 5 January), 365 in 2027.
        assert lines == [(2026, Decimal(136742)), (2027, Decimal(138258))]
        several = 0
        for activity in Activity.objects.prefetch_related("budget_lines"):
            lines = list(activity.budget_lines.all())
            assert budget_line_errors(activity, lines) == [], activity
            several += len({line.year for line in lines}) > 1
        assert several >= 10

    def test_extra_budgetary_money_names_its_partner_and_some_is_in_another_currency(self):
        extra = BudgetLine.objects.filter(funding_source=FundingSource.EXTRA_BUDGETARY)
        assert extra.exists()
        assert not extra.filter(funding_partner="").exists()
        assert set(BudgetLine.objects.values_list("currency", flat=True)) == {"USD", "EUR", "CHF"}
        two_sources = (
            BudgetLine.objects.values("activity")
            .annotate(sources=Count("funding_source", distinct=True))
            .filter(sources=2)
        )
        assert two_sources.count() >= 3

    def test_the_shares_of_an_activity_s_results_sum_to_100_equal_unless_set(self):
        links = defaultdict(list)
        for link in ActivityExpectedResult.objects.select_related("activity").order_by(
            "activity_id", "expected_result_id"
        ):
            links[link.activity].append(link.share)
        for activity, shares in links.items():
            assert sum(shares) == 100, activity
            if not activity.custom_split:
                assert shares == equal_shares(len(shares)), activity
        set_shares = {
            activity.title: sorted(shares)
            for activity, shares in links.items()
            if activity.custom_split
        }
        assert set_shares == {
            "[Demo] Early warning by cell broadcast, Vanuatu": [Decimal(30), Decimal(70)],
            "[Demo] Rural connectivity by satellite for outer islands, Tuvalu": [
                Decimal(40),
                Decimal(60),
            ],
        }
        assert sum(len(shares) > 1 for shares in links.values()) > 20

    def test_approved_reports_state_part_of_their_year_s_budget_as_spent(self):
        spent = Expenditure.objects.select_related("report")
        assert spent.count() >= 30
        assert set(spent.values_list("report__state", flat=True)) == {"approved"}
        budget = defaultdict(Decimal)
        for line in BudgetLine.objects.all():
            budget[line.activity_id, line.year, line.funding_source, line.currency] += line.amount
        used = defaultdict(Decimal)
        for row in spent:
            report = row.report
            key = (report.activity_id, report.year, row.funding_source, row.currency)
            assert key in budget, row
            used[key] += row.amount
        assert all(0 < amount < budget[key] for key, amount in used.items())
        assert spent.exclude(currency=USD).exists()

    def test_it_ships_demo_rates_for_what_it_converts_but_one_missing_month(self):
        rates = ExchangeRate.objects.all()
        assert rates.exists()
        assert not rates.exclude(is_demo=True).exists()
        assert set(rates.values_list("source", flat=True)) == {DEMO_RATE_SOURCE}
        needed = {
            (currency, budget_month(year))
            for currency, year in BudgetLine.objects.exclude(currency=USD).values_list(
                "currency", "year"
            )
        } | {
            (currency, expenditure_month(year, quarter))
            for currency, year, quarter in Expenditure.objects.exclude(currency=USD).values_list(
                "currency", "report__year", "report__quarter"
            )
        }
        shipped = set(rates.values_list("currency", "month"))
        assert shipped <= needed
        assert needed - shipped == MISSING_RATES == {("CHF", datetime.date(2026, 7, 1))}

    def test_the_asp_dashboard_of_2026_shows_the_missing_rate(self, client):
        client.force_login(User.objects.get(username="asp.reviewer"))

        figures = client.get("/dashboard/ASP/?plan=WTDC-25&year=2026&format=json").json()

        missing = figures["finances"]["missing_rates"]
        assert [(gap["currency"], gap["month"]) for gap in missing] == [("CHF", "2026-07")]
        assert Decimal(figures["finances"]["total"]["budget_usd"]) > 1_000_000
