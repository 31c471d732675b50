"""Indicator values in a real browser: an editor gives a value broken down by sex and country,
is told that the parts do not add up, corrects them and saves; the report shows the values."""

from playwright.sync_api import expect

from activities.models import IndicatorValue, ProgressReport
from initiatives.models import ExpectedResult, Indicator
from tests import factories
from tests.factories import DEFAULT_PASSWORD

TITLE = "Digital skills for Pacific officials"


def test_an_editor_corrects_a_breakdown_that_does_not_add_up_and_saves(
    page, live_server, asp_editor, login, assert_accessible
):
    activity = factories.ActivityFactory(title=TITLE, countries=["TON", "FJI"])  # ASP1.3
    trained = Indicator.objects.create(
        expected_result=ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP1", 3),
        code="1",
        name="People trained",
        by_sex=True,
        by_country=True,
    )
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(activity.get_absolute_url())
    page.get_by_role("link", name="New progress report").click()
    page.get_by_label("Year").select_option(label="2026")
    page.get_by_label("Quarter").select_option(label="Q3")
    page.get_by_label("Percent complete").fill("50")
    page.get_by_label("Achievements").fill("Two workshops in Nuku'alofa and Suva.")

    indicator = page.get_by_role("group", name="ASP1.3-1 People trained")
    by_sex = indicator.get_by_role("group", name="By sex")
    by_country = indicator.get_by_role("group", name="By country")
    indicator.get_by_label("Value").fill("40")
    by_sex.get_by_label("Women").fill("20")
    by_sex.get_by_label("Men", exact=True).fill("15")
    by_country.get_by_label("Tonga").fill("25")
    by_country.get_by_label("Fiji").fill("15")
    page.get_by_role("button", name="Save as a draft").click()

    # Refused, with the reason beside the value and in the summary; the input is kept.
    reason = "The parts by sex add up to 35, not 40: they must equal the value."
    expect(page.get_by_role("alert")).to_contain_text(reason)
    expect(indicator.get_by_text(reason)).to_be_visible()
    expect(indicator.get_by_label("Value")).to_have_value("40")
    expect(by_sex.get_by_label("Women")).to_have_value("20")
    expect(by_sex.get_by_label("Men", exact=True)).to_have_value("15")
    expect(page.get_by_label("Achievements")).to_have_value("Two workshops in Nuku'alofa and Suva.")
    assert not ProgressReport.objects.exists()
    assert_accessible(page)

    by_sex.get_by_label("Men", exact=True).fill("20")
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Your report for 2026 Q3 is saved as a draft."
    )
    table = page.get_by_role("table", name="ASP1.3-1 People trained")
    for row in ["Value 40", "Women 20", "Men 20", "Tonga 25", "Fiji 15"]:
        expect(table.get_by_role("row", name=row, exact=True)).to_be_visible()
    assert_accessible(page)
    value = IndicatorValue.objects.get(indicator=trained)
    assert value.value == 40
    assert value.report.activity == activity
    parts = {(p.dimension, p.category): p.amount for p in value.breakdown.all()}
    assert parts == {
        ("sex", "women"): 20,
        ("sex", "men"): 20,
        ("sex", "unknown"): 0,
        ("country", "TON"): 25,
        ("country", "FJI"): 15,
    }
