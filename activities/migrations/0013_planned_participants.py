"""An activity's own counts of people are what it plans: the people reached are its approved
progress reports' (one source of truth). Renamed, nothing lost; its history keeps them too."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("activities", "0012_roles_indicators_targets")]

    operations = [
        migrations.RenameField("activity", "people_reached_women", "planned_participants_women"),
        migrations.RenameField("activity", "people_reached_men", "planned_participants_men"),
        migrations.RenameField(
            "historicalactivity", "people_reached_women", "planned_participants_women"
        ),
        migrations.RenameField(
            "historicalactivity", "people_reached_men", "planned_participants_men"
        ),
        migrations.AlterField(
            model_name="activity",
            name="planned_participants_women",
            field=models.PositiveIntegerField(
                default=0, verbose_name="planned participants (women)"
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="planned_participants_men",
            field=models.PositiveIntegerField(default=0, verbose_name="planned participants (men)"),
        ),
        migrations.AlterField(
            model_name="historicalactivity",
            name="planned_participants_women",
            field=models.PositiveIntegerField(
                default=0, verbose_name="planned participants (women)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalactivity",
            name="planned_participants_men",
            field=models.PositiveIntegerField(default=0, verbose_name="planned participants (men)"),
        ),
    ]
