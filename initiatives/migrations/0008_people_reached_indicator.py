"""People reached becomes a computed indicator of every expected result, counted from the
approved progress reports' women and men (initiatives.signals makes it for results saved later).
"""

from django.db import migrations, models


def add_people_reached(apps, schema_editor):
    ExpectedResult = apps.get_model("initiatives", "ExpectedResult")
    Indicator = apps.get_model("initiatives", "Indicator")
    taken = set(Indicator.objects.filter(code="PR").values_list("expected_result_id", flat=True))
    Indicator.objects.bulk_create(
        Indicator(
            expected_result=result,
            code="PR",
            name="People reached",
            measure="people_reached",
            aggregation="sum",
        )
        for result in ExpectedResult.objects.exclude(pk__in=taken)
    )


def remove_people_reached(apps, schema_editor):
    apps.get_model("initiatives", "Indicator").objects.filter(measure="people_reached").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0007_only_numbers_disaggregated"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalindicator",
            name="measure",
            field=models.CharField(
                choices=[
                    ("reported", "Reported in progress reports"),
                    ("countries_reached", "Countries reached"),
                    ("ldc_reached", "Least developed countries reached"),
                    ("sids_reached", "Small island developing states reached"),
                    ("lldc_reached", "Landlocked developing countries reached"),
                    ("activities_completed", "Activities completed"),
                    ("people_reached", "People reached"),
                ],
                default="reported",
                help_text="Reported: values come from approved progress reports. The others are counted from the activities, as the dashboard counts them.",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="measure",
            field=models.CharField(
                choices=[
                    ("reported", "Reported in progress reports"),
                    ("countries_reached", "Countries reached"),
                    ("ldc_reached", "Least developed countries reached"),
                    ("sids_reached", "Small island developing states reached"),
                    ("lldc_reached", "Landlocked developing countries reached"),
                    ("activities_completed", "Activities completed"),
                    ("people_reached", "People reached"),
                ],
                default="reported",
                help_text="Reported: values come from approved progress reports. The others are counted from the activities, as the dashboard counts them.",
                max_length=30,
            ),
        ),
        migrations.RunPython(add_people_reached, remove_people_reached),
    ]
