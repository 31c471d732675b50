"""generate_demo_data maps each expected result of its earlier plan (GEN-22) to the WTDC-25
results of the same region that continue it, so that the generated data demonstrates plan
cycles: activities begun under GEN-22 and still active count in WTDC-25's figures. --clear
removes the mapping with the plan; the shipped fixtures have no earlier plan."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from demo.generated import clear
from initiatives.models import ActionPlan, ExpectedResult

AS_OF = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def debug(settings, db):
    settings.DEBUG = True


def generate(*args):
    call_command("generate_demo_data", "--as-of", AS_OF.isoformat(), *args, stdout=StringIO())


def mapping():
    """{earlier result's "GEN-22 ASP1.2": sorted ["WTDC-25 ASP1.2", …] that continue it}."""
    earlier = ExpectedResult.objects.filter(initiative__action_plan__code="GEN-22")
    return {
        result.code_in_plan: sorted(later.code_in_plan for later in result.continued_by.all())
        for result in earlier.select_related("initiative__action_plan").prefetch_related(
            "continued_by__initiative__action_plan"
        )
    }


def test_every_earlier_result_is_continued_in_its_region_by_the_current_plan():
    generate("--activities", "30")

    earlier = ExpectedResult.objects.filter(initiative__action_plan__code="GEN-22")
    assert earlier.count() == 6 * 5 * 7
    for result in earlier.prefetch_related("continued_by__initiative__action_plan"):
        later = list(result.continued_by.all())
        assert 1 <= len(later) <= 2, result.code_in_plan
        for each in later:
            assert each.initiative.action_plan.code == "WTDC-25"
            assert each.initiative.region_id == result.initiative.region_id
    found = mapping()
    # By place in the region: ASP's first result to ASP's first, the last of an initiative
    # to the next one too (a result split in two).
    assert found["GEN-22 AFR1.1"] == ["WTDC-25 AFR1.1"]
    assert found["GEN-22 AFR1.7"] == ["WTDC-25 AFR1.7", "WTDC-25 AFR2.1"]
    assert sum(len(later) == 2 for later in found.values()) == 6 * 5


def test_the_mapping_is_the_same_on_every_run_and_cleared_with_the_plan():
    generate("--activities", "10")
    first = mapping()

    generate("--activities", "10", "--clear")

    assert mapping() == first
    clear()
    assert not ActionPlan.objects.filter(code="GEN-22").exists()
    assert not ExpectedResult.continues.through.objects.exists()


def test_the_shipped_fixtures_have_no_earlier_plan():
    for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"):
        for row in json.loads(path.read_text()):
            assert not row["fields"].get("continues"), path.name
            if row["model"] == "initiatives.actionplan":
                assert row["fields"]["code"] == "WTDC-25", path.name
