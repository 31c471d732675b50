"""Administrators see and revoke the users' API tokens."""

from django.db import migrations

from activities.roles import sync_roles_in_migration


class Migration(migrations.Migration):
    dependencies = [("activities", "0021_api_tokens_iati_flag")]

    operations = [migrations.RunPython(sync_roles_in_migration, migrations.RunPython.noop)]
