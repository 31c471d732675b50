"""Administrators keep indicators and targets (and see the reminder preferences); everyone
reads indicators and targets."""

from django.db import migrations

from activities.roles import sync_roles_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0011_indicator_values"),
        ("initiatives", "0006_computed_indicators"),
    ]

    operations = [migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop)]
