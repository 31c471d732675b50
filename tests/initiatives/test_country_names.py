"""Countries' other names ("Vietnam" for Viet Nam): kept in fixtures/source/country_other_names.csv,
built into the fixture, filled in by migration 0004, and found by every search for a country."""

import csv
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from initiatives.management.commands.build_reference_fixtures import read_other_names
from initiatives.models import Country

OTHER_NAMES_CSV = Path(settings.BASE_DIR) / "fixtures" / "source" / "country_other_names.csv"

# What people type, and the country they mean (issue #14's list, and the official names).
COMMON_NAMES = [
    ("Vietnam", "VNM"),
    ("Viet Nam", "VNM"),
    ("Lao PDR", "LAO"),
    ("Laos", "LAO"),
    ("Lao People's Democratic Republic", "LAO"),
    ("Turkey", "TUR"),
    ("Türkiye", "TUR"),
    ("Turkiye", "TUR"),
    ("Iran", "IRN"),
    ("Syria", "SYR"),
    ("Russia", "RUS"),
    ("Korea (Rep. of)", "KOR"),
    ("South Korea", "KOR"),
    ("Republic of Korea", "KOR"),
    ("DPR Korea", "PRK"),
    ("North Korea", "PRK"),
    ("Micronesia", "FSM"),
    ("Bolivia", "BOL"),
    ("Venezuela", "VEN"),
    ("Tanzania", "TZA"),
    ("Moldova", "MDA"),
    ("Côte d'Ivoire", "CIV"),
    ("Cote d'Ivoire", "CIV"),
    ("Ivory Coast", "CIV"),
    ("Cabo Verde", "CPV"),
    ("Cape Verde", "CPV"),
    ("Czechia", "CZE"),
    ("Czech Republic", "CZE"),
    ("Eswatini", "SWZ"),
    ("Swaziland", "SWZ"),
    ("Brunei", "BRN"),
    ("UK", "GBR"),
    ("United Kingdom", "GBR"),
    ("USA", "USA"),
    ("United States", "USA"),
]


def other_names_of_the_data_file():
    with OTHER_NAMES_CSV.open(encoding="utf-8", newline="") as f:
        return [(row["other_name"], row["iso3"]) for row in csv.DictReader(f)]


@pytest.mark.parametrize(("typed", "iso3"), COMMON_NAMES)
def test_a_common_name_finds_its_country(db, typed, iso3):
    assert iso3 in Country.objects.search(typed).values_list("iso3", flat=True)


def test_each_other_name_of_the_data_file_finds_its_country_and_is_kept_with_it(db):
    names = other_names_of_the_data_file()
    assert len(names) > 50
    for name, iso3 in names:
        assert iso3 in Country.objects.search(name).values_list("iso3", flat=True), name
        assert name in Country.objects.get(iso3=iso3).other_name_list, name


def test_a_distinctive_name_finds_only_its_country_whatever_its_case(db):
    assert list(Country.objects.search("vietnam").values_list("iso3", flat=True)) == ["VNM"]
    assert list(Country.objects.search("IVORY coast").values_list("iso3", flat=True)) == ["CIV"]
    assert list(Country.objects.search("north korea").values_list("iso3", flat=True)) == ["PRK"]


def test_every_word_must_match(db):
    assert not Country.objects.search("Vietnam Tonga").exists()


def test_the_other_names_are_a_list_after_the_name():
    country = Country(name="Viet Nam", other_names=" Vietnam \n\nViet Nam\nVietnam\nViệt  Nam")
    assert country.other_name_list == ["Vietnam", "Việt Nam"]
    assert country.all_names == ["Viet Nam", "Vietnam", "Việt Nam"]
    country.clean()
    assert country.other_names == "Vietnam\nViệt Nam"


def test_the_builder_refuses_an_unknown_code_an_empty_name_and_a_name_used_twice():
    names = {"VNM": "Viet Nam", "LAO": "Lao People's Democratic Republic"}
    assert read_other_names([{"iso3": "VNM", "other_name": " Vietnam "}], names) == {
        "VNM": ["Vietnam"]
    }
    bad_rows = [
        [{"iso3": "XXX", "other_name": "Atlantis"}],
        [{"iso3": "VNM", "other_name": " "}],
        [{"iso3": "LAO", "other_name": "viet nam"}],  # another country's name
        [{"iso3": "VNM", "other_name": "Vietnam"}, {"iso3": "LAO", "other_name": "Vietnam"}],
        [{"iso3": "VNM", "other_name": "Vietnam"}, {"iso3": "VNM", "other_name": "Vietnam"}],
    ]
    for rows in bad_rows:
        with pytest.raises(CommandError, match="Other names, line"):
            read_other_names(rows, names)


class _SchemaEditor:
    connection = connection


def test_the_migration_fills_the_other_names_of_countries_already_there_with_history(db):
    """A database made before 0004 has every country without other names: filled from the
    fixture, so that load_reference_data does not take them all for corrections."""
    Country.objects.update(other_names="")
    kept = Country.objects.get(iso3="TUR")
    kept.other_names = "Turkey"  # one an administrator already gave: left alone
    kept.save()
    migration = importlib.import_module("initiatives.migrations.0004_country_other_names")

    migration.fill_other_names(apps, _SchemaEditor())

    viet_nam = Country.objects.get(iso3="VNM")
    assert viet_nam.other_names == "Vietnam"
    assert viet_nam.history.first().history_change_reason == migration.CHANGE_REASON
    assert viet_nam.history.first().other_names == "Vietnam"
    assert Country.objects.get(iso3="TUR").other_names == "Turkey"
    assert Country.objects.get(iso3="TON").other_names == ""
