"""Countries' other names ("Vietnam" for Viet Nam), which every country search matches.

Countries already in the database get their other names from fixtures/countries.json here, with a
history row each, so that `load_reference_data` does not take the new, empty field of every
country for a correction made in the admin (and list all 194 as "kept").
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import initiatives.validators

CHANGE_REASON = "Other names (migration initiatives 0004)"


def fill_other_names(apps, schema_editor):
    """Give the countries whose other names are empty those of the committed fixture."""
    fixture = Path(settings.BASE_DIR) / "fixtures" / "countries.json"
    if not fixture.exists():
        return
    other_names = {
        row["fields"]["iso3"]: row["fields"].get("other_names", "")
        for row in json.loads(fixture.read_text(encoding="utf-8"))
        if row["model"] == "initiatives.country"
    }
    database = schema_editor.connection.alias
    Country = apps.get_model("initiatives", "Country")
    HistoricalCountry = apps.get_model("initiatives", "HistoricalCountry")
    changed = []
    for country in Country.objects.using(database).filter(other_names=""):
        if other_names.get(country.iso3):
            country.other_names = other_names[country.iso3]
            changed.append(country)
    Country.objects.using(database).bulk_update(changed, ["other_names"], batch_size=100)
    now = timezone.now()
    fields = ["id", "iso3", "iso2", "m49", "name", "other_names", "region_id", "note"]
    HistoricalCountry.objects.using(database).bulk_create(
        [
            HistoricalCountry(
                **{field: getattr(country, field) for field in fields},
                history_date=now,
                history_type="~",
                history_change_reason=CHANGE_REASON,
            )
            for country in changed
        ],
        batch_size=100,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0003_codes_in_urls"),
    ]

    operations = [
        migrations.AddField(
            model_name="country",
            name="other_names",
            field=models.TextField(
                blank=True,
                help_text="Short and other names the country is known by, one per line (Vietnam, Ivory Coast, Turkey): every search for a country finds it by them too.",
                validators=[initiatives.validators.TextValidator(multiline=True)],
            ),
        ),
        migrations.AddField(
            model_name="historicalcountry",
            name="other_names",
            field=models.TextField(
                blank=True,
                help_text="Short and other names the country is known by, one per line (Vietnam, Ivory Coast, Turkey): every search for a country finds it by them too.",
                validators=[initiatives.validators.TextValidator(multiline=True)],
            ),
        ),
        # Backwards, the column goes with its names: nothing to undo.
        migrations.RunPython(fill_other_names, migrations.RunPython.noop, elidable=True),
    ]
