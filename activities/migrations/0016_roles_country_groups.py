"""Administrators keep the country groups; everyone reads them."""

from django.db import migrations

from activities.roles import sync_roles_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0015_breakdown_history"),
        ("initiatives", "0010_country_groups"),
    ]

    operations = [migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop)]
