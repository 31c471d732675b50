"""Journeys with activities in a real browser: log one, find it, be refused another region's,
and meet a colleague's save made while editing."""

import re

from playwright.sync_api import expect

from activities.models import Activity
from initiatives.models import Region
from tests import factories
from tests.factories import DEFAULT_PASSWORD

TITLE = "Early warning by cell broadcast in Tonga"


def open_activity(page, title):
    """From anywhere: the Activities link of the main menu, then the activity's title."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_an_editor_logs_an_activity_in_tonga_and_finds_it_among_sids_activities(
    page, live_server, asp_editor, login
):
    factories.ActivityFactory(title="Rural broadband in Bhutan", countries=["BTN"])
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.get_by_role("link", name="New activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New activity")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Status", exact=True).select_option(label="Ongoing")
    page.get_by_label("Modality").select_option(label="Infrastructure/deployment")
    expect(page.get_by_label("Region", exact=True)).to_have_value(
        str(Region.objects.get(code="ASP").pk)
    )
    page.get_by_label("Find a country").fill("tonga")
    expect(page.get_by_label("Fiji")).to_be_hidden()
    page.get_by_label("Tonga").check()
    page.get_by_label("Find an expected result").fill("ASP1.3")
    page.get_by_label("ASP1.3").check()
    page.get_by_label("Find an expected result").fill("ASP5.4")
    page.get_by_label("ASP5.4").check()
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("End date").fill("2027-02-28")
    page.get_by_label("Rural and remote communities").check()
    page.get_by_role("button", name="Save the activity").click()

    expect(page.get_by_role("status")).to_contain_text(f"The activity “{TITLE}” is saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="ASP1.3")).to_be_visible()
    expect(page.get_by_role("link", name="ASP5.4")).to_be_visible()
    expect(page.get_by_role("link", name="Tonga")).to_be_visible()
    activity = Activity.objects.get(title=TITLE)
    assert activity.region.code == "ASP"
    assert activity.status == Activity.Status.ONGOING
    assert [c.iso3 for c in activity.countries.all()] == ["TON"]
    assert sorted(r.code for r in activity.expected_results.all()) == ["ASP1.3", "ASP5.4"]
    assert activity.created_by == asp_editor
    assert activity.focal_point == asp_editor

    # Its budget, on its own page: a line of the first year, split in equal shares.
    page.get_by_role("link", name="Edit budget and split").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget and split")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_label("Funding source").first.select_option(label="ICT Development Fund")
    page.get_by_label("Amount").first.fill("120000")
    page.get_by_role("button", name="Save the budget and split").click()

    expect(page.get_by_role("status")).to_contain_text("are saved")
    expect(page.get_by_role("table", name="Budget lines")).to_contain_text("120,000 USD")
    expect(page.get_by_text("In equal shares.")).to_be_visible()
    [line] = activity.budget_lines.all()
    assert (line.year, line.funding_source, line.amount) == (2026, "ict_df", 120000)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    expect(page.get_by_role("link", name="Rural broadband in Bhutan")).to_be_visible()
    page.get_by_label("Country group").select_option(label="Small island developing states (SIDS)")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]group=SIDS(&|$)"))
    expect(page.get_by_text("1 activity", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="Rural broadband in Bhutan")).to_have_count(0)


def test_an_asia_pacific_editor_changing_the_url_to_edit_an_africa_activity_sees_the_403_page(
    page, live_server, asp_editor, afr_editor, login
):
    factories.initiative_with_results("AFR", "AFR1")
    activity = factories.ActivityFactory(
        title="Digital skills for Kenyan youth",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=["AFR1.1"],
        created_by=afr_editor,
        focal_point=afr_editor,
    )
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    open_activity(page, "Digital skills for Kenyan youth")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="New progress report")).to_have_count(0)

    response = page.goto(page.url + "edit/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this here")
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_count(0)
    activity.refresh_from_db()
    assert activity.version == 1
    assert activity.updated_by is None


def test_two_editors_saving_the_same_activity_lose_nothing_of_each_other(
    live_server, new_context, asp_editor, login
):
    """The colleague changes the description; the editor, on the same version, changes the
    title and the partners and saves twice: both saves are kept, nothing set back."""
    factories.UserFactory(
        username="asp.colleague",
        first_name="Sione",
        last_name="Tupou",
        role="Editor",
        regions=["ASP"],
    )
    activity = factories.ActivityFactory(title=TITLE, partners="APNIC")
    colleague, editor = new_context().new_page(), new_context().new_page()
    for page, username in [(colleague, "asp.colleague"), (editor, "asp.editor")]:
        login(page, live_server, username, DEFAULT_PASSWORD)
        open_activity(page, TITLE)
        page.get_by_role("link", name="Edit", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit “{TITLE}”")

    colleague.get_by_label("Description").fill("Alerts in Tongan and English.")
    colleague.get_by_role("button", name="Save changes").click()
    expect(colleague.get_by_role("status")).to_contain_text("are saved")

    editor.get_by_label("Title").fill("Cell broadcast early warning, Tonga")
    editor.get_by_label("Partners", exact=True).fill("APNIC, ISOC")
    editor.get_by_role("button", name="Save changes").click()

    conflict = editor.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else saved this activity while you were editing it")
    expect(conflict).to_contain_text("Sione Tupou saved it")
    expect(conflict).to_contain_text("Description: Alerts in Tongan and English.")
    expect(conflict).to_contain_text("Their changes are in the form below, beside yours")
    expect(editor.get_by_label("Title")).to_have_value("Cell broadcast early warning, Tonga")
    expect(editor.get_by_label("Description")).to_have_value("Alerts in Tongan and English.")
    activity.refresh_from_db()
    assert (activity.title, activity.version) == (TITLE, 2)

    editor.get_by_role("button", name="Save changes").click()

    expect(editor.get_by_role("status")).to_contain_text("are saved")
    expect(editor.get_by_role("heading", level=1)).to_have_text(
        "Cell broadcast early warning, Tonga"
    )
    activity.refresh_from_db()
    assert activity.title == "Cell broadcast early warning, Tonga"
    assert activity.description == "Alerts in Tongan and English."
    assert activity.partners == "APNIC, ISOC"
    assert activity.version == 3


def test_a_field_both_editors_changed_is_settled_by_a_choice(
    live_server, new_context, asp_editor, login
):
    factories.UserFactory(username="asp.colleague", role="Editor", regions=["ASP"])
    activity = factories.ActivityFactory(title=TITLE)
    colleague, editor = new_context().new_page(), new_context().new_page()
    for page, username in [(colleague, "asp.colleague"), (editor, "asp.editor")]:
        login(page, live_server, username, DEFAULT_PASSWORD)
        page.goto(f"{live_server.url}/activities/{activity.pk}/edit/")
    colleague.get_by_label("Title").fill("Their title")
    colleague.get_by_role("button", name="Save changes").click()
    expect(colleague.get_by_role("status")).to_contain_text("are saved")
    editor.get_by_label("Title").fill("My title")
    editor.get_by_role("button", name="Save changes").click()

    choice = editor.get_by_role("group", name="Changed by both of you: which value to keep?")
    expect(choice).to_contain_text("theirs, as saved now: Their title")
    choice.get_by_label("Keep theirs").check()
    editor.get_by_role("button", name="Save changes").click()

    expect(editor.get_by_role("status")).to_contain_text("are saved")
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Their title", 3)
