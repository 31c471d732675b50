"""Each activity's single budget becomes one budget line in its start year, with its funding
source and currency, and a history row saying where it came from. A funding source given
without an amount becomes a line of 0, so that the source is not lost; extra-budgetary money,
which now names its partner, says "Not named". The links to expected results get equal shares.

Written with the models as they were at this migration, and the share rule copied here, so
that later changes to the code cannot change what it did."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

BATCH = 500
REASON = "Moved from the activity's single budget"
NOT_NAMED = "Not named"


def equal_shares(count):
    hundred, cent = Decimal(100), Decimal("0.01")
    share = (hundred / count).quantize(cent, rounding="ROUND_DOWN")
    left_over = int((hundred - share * count) / cent)
    return [share + cent if index < left_over else share for index in range(count)]


def budgets_to_lines(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    BudgetLine = apps.get_model("activities", "BudgetLine")
    HistoricalBudgetLine = apps.get_model("activities", "HistoricalBudgetLine")
    now = timezone.now()
    activities = (
        Activity.objects.exclude(budget_amount__isnull=True, funding_source="")
        .order_by("pk")
        .values_list("pk", "start_date", "budget_amount", "currency", "funding_source", "updated_by_id")
    )
    lines, updated_by = [], {}
    for pk, start_date, amount, currency, source, user_id in activities.iterator(chunk_size=BATCH):
        lines.append(
            BudgetLine(
                activity_id=pk,
                year=start_date.year,
                funding_source=source,
                funding_partner=NOT_NAMED if source == "extra_budgetary" else "",
                amount=amount if amount is not None else Decimal(0),
                currency=currency or "USD",
            )
        )
        updated_by[pk] = user_id
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    created = BudgetLine.objects.order_by("pk").iterator(chunk_size=BATCH)
    HistoricalBudgetLine.objects.bulk_create(
        (
            HistoricalBudgetLine(
                id=line.pk,
                activity_id=line.activity_id,
                year=line.year,
                funding_source=line.funding_source,
                funding_partner=line.funding_partner,
                amount=line.amount,
                currency=line.currency,
                history_date=now,
                history_type="+",
                history_user_id=updated_by.get(line.activity_id),
                history_change_reason=REASON,
            )
            for line in created
        ),
        batch_size=BATCH,
    )


def equal_shares_of_links(apps, schema_editor):
    Link = apps.get_model("activities", "ActivityExpectedResult")
    by_activity = {}
    for link in Link.objects.order_by("activity_id", "expected_result_id").iterator(chunk_size=BATCH):
        by_activity.setdefault(link.activity_id, []).append(link)
    changed = []
    for links in by_activity.values():
        for link, share in zip(links, equal_shares(len(links))):
            if link.share != share:
                link.share = share
                changed.append(link)
    Link.objects.bulk_update(changed, ["share"], batch_size=BATCH)


def lines_to_budgets(apps, schema_editor):
    """Back: the first line of each activity (by year) becomes its single budget again."""
    Activity = apps.get_model("activities", "Activity")
    BudgetLine = apps.get_model("activities", "BudgetLine")
    for line in BudgetLine.objects.order_by("activity_id", "-year", "-pk").iterator(chunk_size=BATCH):
        Activity.objects.filter(pk=line.activity_id).update(
            budget_amount=line.amount,
            currency=line.currency,
            funding_source=line.funding_source,
        )
    BudgetLine.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0017_money")]

    operations = [
        migrations.RunPython(budgets_to_lines, lines_to_budgets),
        migrations.RunPython(equal_shares_of_links, migrations.RunPython.noop),
    ]
