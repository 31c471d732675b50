"""Give every expected result its computed indicators (initiatives.signals makes them for
results saved later)."""

from django.db import migrations

# As Indicator.Measure, frozen here: (measure, code suffix, name, aggregation).
COMPUTED = [
    ("countries_reached", "CR", "Countries reached", "countries"),
    ("ldc_reached", "LDC", "Least developed countries reached", "countries"),
    ("sids_reached", "SIDS", "Small island developing states reached", "countries"),
    ("lldc_reached", "LLDC", "Landlocked developing countries reached", "countries"),
    ("activities_completed", "AC", "Activities completed", "sum"),
]


def add_computed(apps, schema_editor):
    ExpectedResult = apps.get_model("initiatives", "ExpectedResult")
    Indicator = apps.get_model("initiatives", "Indicator")
    results = ExpectedResult.objects.all()
    Indicator.objects.bulk_create(
        Indicator(
            expected_result=result,
            code=suffix,
            name=name,
            measure=measure,
            aggregation=aggregation,
        )
        for result in results
        for measure, suffix, name, aggregation in COMPUTED
    )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0005_indicators_targets")]

    operations = [migrations.RunPython(add_computed, migrations.RunPython.noop)]
