"""initiatives 0010 turns the LDC/SIDS/LLDC codes of the designations into country groups of
their own: every designation keeps its group, its dates and its history."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("initiatives", "0009_plan_cycles")]
AFTER = [("initiatives", "0010_country_groups")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_designation_keeps_its_group_through_the_migration(reference_data):
    old = migrate(BEFORE)
    Country = old.get_model("initiatives", "Country")
    Designation = old.get_model("initiatives", "Designation")
    Designation.objects.all().delete()
    lao = Country.objects.get(iso3="LAO")
    Designation.objects.create(country=lao, group="LDC", end_date=datetime.date(2026, 11, 24))
    Designation.objects.create(country=lao, group="LLDC")
    try:
        new = migrate(AFTER)
        Group = new.get_model("initiatives", "CountryGroup")
        Designation = new.get_model("initiatives", "Designation")
        assert set(Group.objects.values_list("code", flat=True)) >= {"LDC", "SIDS", "LLDC"}
        assert Group.objects.get(code="LDC").name == "Least developed countries"
        kept = Designation.objects.filter(country__iso3="LAO").order_by("group_id")
        assert [(d.group.code, d.end_date) for d in kept] == [
            ("LDC", datetime.date(2026, 11, 24)),
            ("LLDC", None),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
