"""Administrators keep the exchange rates; everyone reads them."""

from django.db import migrations

from activities.roles import sync_roles_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0019_remove_single_budget"),
        ("initiatives", "0011_exchange_rates"),
    ]

    operations = [migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop)]
