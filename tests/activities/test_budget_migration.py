"""activities 0017 to 0019 turn each activity's single budget into a budget line of its start
year: nothing is lost, the line's history says where it came from, extra-budgetary money names
its partner as "Not named", a funding source without an amount keeps its source, and the links
to expected results get equal shares. Migrating back gives the budget back."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("activities", "0016_roles_country_groups")]
AFTER = [("activities", "0019_remove_single_budget")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_activity(apps, title, results, **fields):
    Activity = apps.get_model("activities", "Activity")
    Region = apps.get_model("initiatives", "Region")
    ExpectedResult = apps.get_model("initiatives", "ExpectedResult")
    activity = Activity.objects.create(
        title=title,
        region=Region.objects.get(code="ASP"),
        modality="study",
        start_date=datetime.date(2025, 7, 1),
        end_date=datetime.date(2027, 6, 30),
        **fields,
    )
    for code in results:
        initiative, number = code.split(".")
        activity.expected_results.add(
            ExpectedResult.objects.get(
                initiative__code=initiative,
                initiative__action_plan__code="WTDC-25",
                number=int(number),
            )
        )
    return activity


@pytest.mark.django_db(transaction=True)
def test_each_single_budget_becomes_a_line_of_its_start_year(reference_data):
    old = migrate(BEFORE)
    old_activity(
        old,
        "Regular",
        ["ASP1.1", "ASP1.2", "ASP2.1"],
        budget_amount=Decimal("90000.00"),
        currency="EUR",
        funding_source="regular_budget",
    )
    old_activity(
        old,
        "Partner",
        ["ASP3.4"],
        budget_amount=Decimal("1000.50"),
        currency="USD",
        funding_source="extra_budgetary",
    )
    old_activity(old, "Source only", ["ASP3.4"], funding_source="in_kind")
    old_activity(old, "Amount only", ["ASP3.4"], budget_amount=Decimal("5"), currency="USD")
    old_activity(old, "Nothing", ["ASP3.4"])
    try:
        new = migrate(AFTER)
        BudgetLine = new.get_model("activities", "BudgetLine")
        lines = {
            line.activity.title: (
                line.year,
                line.funding_source,
                line.funding_partner,
                line.amount,
                line.currency,
            )
            for line in BudgetLine.objects.select_related("activity")
        }
        assert lines == {
            "Regular": (2025, "regular_budget", "", Decimal("90000.00"), "EUR"),
            "Partner": (2025, "extra_budgetary", "Not named", Decimal("1000.50"), "USD"),
            "Source only": (2025, "in_kind", "", Decimal("0.00"), "USD"),
            "Amount only": (2025, "", "", Decimal("5.00"), "USD"),
        }
        history = new.get_model("activities", "HistoricalBudgetLine").objects.all()
        assert {(h.history_type, h.history_change_reason) for h in history} == {
            ("+", "Moved from the activity's single budget")
        }
        assert history.count() == 4
        Link = new.get_model("activities", "ActivityExpectedResult")
        shares = sorted(
            Link.objects.filter(activity__title="Regular").values_list("share", flat=True)
        )
        assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
        assert Link.objects.get(activity__title="Partner").share == 100

        back = migrate(BEFORE)
        Activity = back.get_model("activities", "Activity")
        regular = Activity.objects.get(title="Regular")
        assert (regular.budget_amount, regular.currency, regular.funding_source) == (
            Decimal("90000.00"),
            "EUR",
            "regular_budget",
        )
        assert Activity.objects.get(title="Nothing").budget_amount is None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
