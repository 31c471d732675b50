"""A newcomer looks for a country by the name they know it by ("Vietnam", "Laos") and finds it:
in the activity form's country search, the activity list's search and the countries page."""

from playwright.sync_api import expect

from tests import factories
from tests.factories import DEFAULT_PASSWORD


def test_an_editor_finds_viet_nam_as_vietnam_in_the_activity_form(
    page, live_server, asp_editor, login
):
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/activities/new/")

    viet_nam = page.get_by_role("checkbox", name="Viet Nam", include_hidden=True)
    page.get_by_label("Find a country").fill("Vietnam")

    expect(viet_nam).to_be_visible()
    expect(page.get_by_role("checkbox", name="Thailand", include_hidden=True)).to_be_hidden()
    expect(page.get_by_role("checkbox", name="Tonga", include_hidden=True)).to_be_hidden()
    viet_nam.check()
    expect(page.get_by_role("button", name="Remove Viet Nam")).to_be_visible()

    page.get_by_label("Find a country").fill("laos")
    expect(page.get_by_role("checkbox", name="Lao People's Democratic Republic")).to_be_visible()
    expect(viet_nam).to_be_hidden()
    expect(viet_nam).to_be_checked()  # hidden, still ticked


def test_a_viewer_finds_activities_and_countries_by_their_common_names(
    page, live_server, asp_editor, login
):
    factories.ActivityFactory(title="Spectrum management workshop", countries=["VNM"])
    factories.ActivityFactory(title="IXP study", countries=["TON"])
    factories.UserFactory(username="viewer", role="Viewer")
    login(page, live_server, "viewer", DEFAULT_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.get_by_label("Search", exact=True).fill("Vietnam")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 activity", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Spectrum management workshop")).to_be_visible()
    expect(page.get_by_role("link", name="IXP study")).to_have_count(0)

    page.goto(f"{live_server.url}/countries/")
    page.get_by_label("Name").fill("Ivory Coast")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 country named like “Ivory Coast”", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Côte d'Ivoire")).to_be_visible()
