"""The reference fixtures: what they hold, and that they load, reload and round-trip."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from initiatives.models import (
    ActionPlan,
    Country,
    CountryGroup,
    Designation,
    ExpectedResult,
    Initiative,
    Region,
)

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source"
SHARED_REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference"
REFERENCE_MODELS = [
    "initiatives.region",
    "initiatives.countrygroup",
    "initiatives.country",
    "initiatives.designation",
    "initiatives.actionplan",
    "initiatives.initiative",
    "initiatives.expectedresult",
    "activities.targetgroup",
]


def published_expected_results():
    """{"ASP1": [text, ...], ...} read straight from the published text, footnote mark removed."""
    results, current = {}, None
    for line in (SOURCE / "wtdc25-asp-regional-initiatives.txt").read_text().splitlines():
        if line[:3] == "ASP" and ":" in line[:6]:
            current = line.split(":")[0]
            results[current] = []
        elif line.startswith("- ") and current:
            results[current].append(
                line[2:].replace("vulnerable situations1;", "vulnerable situations;")
            )
    return results


def source_countries():
    with (SOURCE / "countries.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_it_has_the_six_itu_d_regions(db):
    assert list(Region.objects.values_list("code", flat=True)) == [
        "AFR", "AMS", "ARB", "ASP", "CIS", "EUR",
    ]  # fmt: skip


def test_it_has_every_country_of_the_csv_in_its_region(db):
    rows = source_countries()
    assert len(rows) == 194
    stored = dict(Country.objects.values_list("iso3", "region__code"))
    assert stored == {row["iso3"]: row["itu_region"] for row in rows}
    assert Country.objects.in_region("ASP").count() == 39


def test_it_has_the_baku_action_plan_with_asp1_to_asp5(db):
    plan = ActionPlan.objects.get_by_natural_key("WTDC-25")
    assert (plan.name, plan.start_year, plan.end_year) == ("Baku Action Plan", 2026, 2029)
    initiatives = Initiative.objects.filter(action_plan=plan, region__code="ASP")
    assert list(initiatives.values_list("code", flat=True)) == [
        "ASP1",
        "ASP2",
        "ASP3",
        "ASP4",
        "ASP5",
    ]
    counts = {i.code: i.expected_result_count for i in initiatives.with_result_counts()}
    assert counts == {"ASP1": 5, "ASP2": 6, "ASP3": 8, "ASP4": 6, "ASP5": 10}


def test_expected_results_are_word_for_word_in_text_order(db):
    for code, texts in published_expected_results().items():
        stored = list(
            ExpectedResult.objects.filter(initiative__code=code)
            .order_by("number")
            .values_list("number", "text")
        )
        assert stored == list(enumerate(texts, start=1)), code


def test_the_footnote_mark_is_not_part_of_asp3_3(db):
    text = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP3", 3).text
    assert "vulnerable situations;" in text
    assert "situations1" not in text


def test_an_expected_result_is_shown_as_its_code(db):
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP3", 4)
    assert result.code == "ASP3.4"
    assert str(result).startswith("ASP3.4 Promotion of Internet exchange points")


def test_the_fixtures_carry_no_integer_ids():
    for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"):
        for obj in json.loads(path.read_text()):
            assert "pk" not in obj, f"{path.name}: {obj}"


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="no shared/reference beside the checkout")
def test_the_fixture_sources_are_the_published_reference_files():
    for name in ("countries.csv", "wtdc25-asp-regional-initiatives.txt"):
        assert (SOURCE / name).read_bytes() == (SHARED_REFERENCE / name).read_bytes(), name


def test_the_fixtures_are_built_from_the_sources(tmp_path):
    call_command("build_reference_fixtures", output=tmp_path, stdout=io.StringIO())
    for built in tmp_path.glob("*.json"):
        committed = Path(settings.BASE_DIR) / "fixtures" / built.name
        assert json.loads(built.read_text()) == json.loads(committed.read_text()), built.name


def test_every_designation_of_the_csv_is_loaded(db):
    for row in source_countries():
        groups = set(
            Designation.objects.filter(country__iso3=row["iso3"])
            .exclude(group_id="PIC")
            .values_list("group", flat=True)
        )
        expected = {
            g
            for g, flag in (
                ("LDC", row["ldc"] != "no"),
                ("SIDS", row["sids"] == "yes"),
                ("LLDC", row["lldc"] == "yes"),
            )
            if flag
        }
        assert groups == expected, row["iso3"]
    assert Designation.objects.filter(group_id="SIDS").count() == 37
    assert Designation.objects.filter(group_id="LLDC").count() == 32


def dump_reference_data():
    out = io.StringIO()
    call_command(
        "dumpdata",
        *REFERENCE_MODELS,
        natural_foreign=True,
        natural_primary=True,
        format="json",
        indent=1,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_load_reference_data_twice_changes_nothing(db):
    before = dump_reference_data()
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "0 rows created or updated" in out.getvalue()
    assert dump_reference_data() == before


def test_load_reference_data_fills_an_empty_database(db):
    Designation.objects.all().delete()
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "designations: 133 created" in out.getvalue()
    assert Designation.objects.count() == 133


def test_load_reference_data_keeps_a_correction_made_in_the_admin(db):
    bangladesh = Designation.objects.get(country__iso3="BGD", group="LDC")
    bangladesh.end_date = "2029-11-24"
    bangladesh.save()

    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    bangladesh.refresh_from_db()
    assert str(bangladesh.end_date) == "2029-11-24"
    assert "Kept, differs from the fixture: Bangladesh LDC" in out.getvalue()

    call_command("load_reference_data", update=True, stdout=io.StringIO())
    bangladesh.refresh_from_db()
    assert bangladesh.end_date is None
    assert bangladesh.history.first().history_change_reason == "load_reference_data"


def test_dumpdata_with_natural_keys_loads_back_unchanged(db, tmp_path):
    before = dump_reference_data()
    backup = tmp_path / "reference.json"
    backup.write_text(json.dumps(before))

    Designation.objects.all().delete()
    ExpectedResult.objects.all().delete()
    Initiative.objects.all().delete()
    ActionPlan.objects.all().delete()
    Country.objects.all().delete()
    CountryGroup.objects.all().delete()
    Region.objects.all().delete()
    assert Region.objects.count() == 0

    call_command("loaddata", str(backup), verbosity=0)
    assert dump_reference_data() == before
