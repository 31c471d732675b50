"""The money's rules live once, in the one write path: every way of saving an activity or a
report (the pages, the admin, the import) gets the same refusals, and the shares of an
activity's expected results always sum to 100."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Activity, BudgetLine, Expenditure, FundingSource
from initiatives.models import Country, Region
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ProgressReportFactory,
    UserFactory,
    expected_result,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(asp_editor):
    return asp_editor


def shares(activity):
    return {
        link.expected_result.code: link.share
        for link in activity.activityexpectedresult_set.select_related(
            "expected_result__initiative"
        )
    }


def line(**fields):
    values = {
        "year": 2026,
        "funding_source": FundingSource.REGULAR_BUDGET,
        "amount": Decimal("1000"),
        "currency": "USD",
    } | fields
    return BudgetLine(**values)


def messages(error):
    return [message for messages in error.value.message_dict.values() for message in messages]


def test_a_new_activity_splits_its_money_in_equal_shares(editor):
    activity = Activity(
        title="New",
        region=Region.objects.get(code="ASP"),
        modality=Activity.Modality.STUDY,
        start_date=datetime.date(2026, 1, 1),
    )

    services.save_activity(
        editor,
        activity,
        countries=[Country.objects.get(iso3="TON")],
        expected_results=[expected_result(c) for c in ("ASP1.1", "ASP1.2", "ASP2.1")],
        budget_lines=[line()],
    )

    assert sorted(shares(activity).values()) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert activity.budget_lines.get().amount == 1000


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"year": 2025}, "2025 is not a year the activity runs in (2026)"),
        ({"currency": "XYZ"}, "XYZ is not one"),
        ({"funding_source": FundingSource.EXTRA_BUDGETARY}, "Name the funding partner"),
        ({"amount": Decimal("-1")}, "An amount cannot be negative."),
    ],
    ids=["outside its years", "unknown currency", "partner not named", "negative"],
)
def test_a_bad_budget_line_is_refused_and_nothing_is_saved(editor, given, message):
    activity = ActivityFactory()

    with pytest.raises(ValidationError) as error:
        services.save_activity(
            editor, activity, budget_lines=[line(**given)], version=activity.version
        )

    assert any(message in text for text in messages(error)), messages(error)
    assert not BudgetLine.objects.exists()
    activity.refresh_from_db()
    assert activity.version == 1


def test_a_new_line_names_its_source_but_a_migrated_one_may_keep_none(editor):
    activity = ActivityFactory()
    BudgetLineFactory(activity=activity, funding_source="", amount=Decimal("700"))
    kept = line(funding_source="", amount=Decimal("800"))

    with pytest.raises(ValidationError) as error:
        services.save_activity(
            editor, activity, budget_lines=[kept, line(funding_source="", currency="CHF")]
        )
    assert messages(error) == ["Budget line 2026 Not stated CHF: choose its funding source."]

    services.save_activity(editor, activity, budget_lines=[kept])
    assert activity.budget_lines.get().amount == 800


def test_two_lines_for_the_same_year_source_and_currency_are_refused(editor):
    activity = ActivityFactory()

    with pytest.raises(ValidationError) as error:
        services.save_activity(editor, activity, budget_lines=[line(), line(amount=5)])

    assert "Two budget lines are for 2026, ITU regular budget, USD" in messages(error)[0]


def test_lines_are_replaced_with_a_history_that_says_what_changed(editor):
    activity = ActivityFactory()
    BudgetLineFactory(activity=activity, amount=Decimal("1000"))

    services.save_activity(
        editor,
        activity,
        budget_lines=[line(amount=Decimal("1500")), line(funding_source=FundingSource.ICT_DF)],
        version=activity.version,
    )

    saved = sorted((b.funding_source, b.amount) for b in activity.budget_lines.all())
    assert saved == [("ict_df", Decimal("1000.00")), ("regular_budget", Decimal("1500.00"))]
    reason = activity.history.latest().history_change_reason
    # Clipped to the history's 100 characters; each line's own history has the rest.
    assert reason.startswith(
        "Budget lines: 2026 ITU regular budget: 1000.00 USD → 1500.00; added 2026 ICT"
    )
    assert BudgetLine.history.filter(history_user=editor).count() == 2


def test_dates_that_leave_a_line_outside_the_activity_are_refused(editor):
    activity = ActivityFactory(
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 12, 31)
    )
    BudgetLineFactory(activity=activity, year=2027)
    activity.end_date = datetime.date(2026, 12, 31)

    with pytest.raises(ValidationError) as error:
        services.save_activity(editor, activity, version=activity.version)

    assert "budget lines for 2027, outside these dates" in messages(error)[0]


@pytest.mark.parametrize(
    ("percents", "message"),
    [
        ((Decimal("60"), Decimal("30")), "The shares sum to 90 %: they must sum to exactly 100 %"),
        ((Decimal("120"), Decimal("-20")), "a share is a percentage from 0 to 100"),
        ((Decimal("50.555"), Decimal("49.445")), "at most two decimals"),
    ],
)
def test_shares_that_do_not_make_100_are_refused(editor, percents, message):
    activity = ActivityFactory(expected_results=["ASP1.1", "ASP2.1"])
    results = [expected_result("ASP1.1"), expected_result("ASP2.1")]

    with pytest.raises(ValidationError) as error:
        services.save_activity(editor, activity, shares=dict(zip(results, percents, strict=True)))

    assert any(message in text for text in messages(error)), messages(error)
    assert set(shares(activity).values()) == {Decimal("50.00")}


def test_set_shares_go_back_to_equal_when_the_expected_results_change(editor):
    activity = ActivityFactory(expected_results=["ASP1.1", "ASP2.1"])
    services.save_activity(
        editor,
        activity,
        shares={expected_result("ASP1.1"): Decimal("70"), expected_result("ASP2.1"): Decimal(30)},
    )
    assert Activity.objects.get(pk=activity.pk).custom_split
    assert shares(activity) == {"ASP1.1": 70, "ASP2.1": 30}

    services.save_activity(
        editor,
        activity,
        expected_results=[expected_result(c) for c in ("ASP1.1", "ASP2.1", "ASP3.4")],
    )

    activity.refresh_from_db()
    assert not activity.custom_split
    assert sorted(shares(activity).values()) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert "equal shares again" in activity.history.latest().history_change_reason


def test_set_shares_stay_when_the_results_do_not_change(editor):
    activity = ActivityFactory(expected_results=["ASP1.1", "ASP2.1"])
    services.save_activity(
        editor,
        activity,
        shares={expected_result("ASP1.1"): Decimal("70"), expected_result("ASP2.1"): Decimal(30)},
    )
    activity.title = "Renamed"

    services.save_activity(editor, activity)

    assert shares(activity) == {"ASP1.1": 70, "ASP2.1": 30}
    assert Activity.objects.get(pk=activity.pk).custom_split


def test_an_editor_of_another_region_cannot_write_the_money(afr_editor):
    activity = ActivityFactory()

    with pytest.raises(services.PermissionDenied):
        services.save_activity(afr_editor, activity, budget_lines=[line()])

    assert not BudgetLine.objects.exists()


def test_a_reports_expenditure_is_saved_with_it_or_not_at_all(editor):
    report = ProgressReportFactory(author=editor)
    spent = Expenditure(funding_source=FundingSource.ICT_DF, amount=Decimal("10"), currency="EUR")

    services.save_report(editor, report, expenditures=[spent], version=report.version)
    assert [(e.funding_source, e.amount) for e in report.expenditures.all()] == [
        ("ict_df", Decimal("10.00"))
    ]

    twice = [spent, Expenditure(funding_source="ict_df", amount=Decimal("5"), currency="EUR")]
    with pytest.raises(ValidationError, match="give one line with their sum"):
        services.save_report(editor, report, expenditures=twice)
    assert report.expenditures.get().amount == 10


def test_a_user_without_a_role_cannot_write_a_reports_expenditure():
    report = ProgressReportFactory()
    stranger = UserFactory()
    spent = Expenditure(funding_source=FundingSource.ICT_DF, amount=Decimal("10"))

    with pytest.raises(services.NotAllowed):
        services.save_report(stranger, report, expenditures=[spent])

    assert not Expenditure.objects.exists()
