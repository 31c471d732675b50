from django.db import migrations


class Migration(migrations.Migration):
    """The activity's single budget is now its budget lines (0018 moved it there)."""

    dependencies = [("activities", "0018_budgets_to_lines")]

    operations = [
        migrations.RemoveConstraint(
            model_name='activity',
            name='activity_budget_not_negative',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='budget_amount',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='currency',
        ),
        migrations.RemoveField(
            model_name='activity',
            name='funding_source',
        ),
        migrations.RemoveField(
            model_name='historicalactivity',
            name='budget_amount',
        ),
        migrations.RemoveField(
            model_name='historicalactivity',
            name='currency',
        ),
        migrations.RemoveField(
            model_name='historicalactivity',
            name='funding_source',
        ),
    ]
