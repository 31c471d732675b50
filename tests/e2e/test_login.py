"""Logging in and out in a real browser, and the login and home pages pass axe-core."""

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def test_it_logs_in_to_the_home_page(page, live_server, asp_editor, login):
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)

    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, asp.editor")
    expect(page.get_by_role("link", name="Regional Initiatives Tracker")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in ["Home", "Activities", "Initiatives", "Countries"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Asia and the Pacific (ASP)")).to_be_visible()
    for code in ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]:
        expect(page.get_by_role("link", name=code, exact=True)).to_be_visible()


def test_a_wrong_password_keeps_the_user_out(page, live_server, asp_editor, login):
    login(page, live_server, "asp.editor", "not the password")

    expect(page).to_have_url("/login/")
    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password."
    )
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")


def test_it_returns_to_the_page_asked_for_after_login(page, live_server, asp_editor, login):
    page.goto("/activities/")
    expect(page).to_have_url("/login/?next=/activities/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)

    expect(page).to_have_url("/activities/")
    expect(page.get_by_role("link", name="Activities", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_it_logs_out_to_the_login_page(page, live_server, asp_editor, login):
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url("/login/")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")


def test_the_login_page_is_accessible(page, live_server, reference_data, assert_accessible):
    page.goto("/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)


def test_the_login_page_with_an_error_is_accessible(
    page, live_server, asp_editor, login, assert_accessible
):
    login(page, live_server, "asp.editor", "not the password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_the_home_page_is_accessible(page, live_server, asp_editor, login, assert_accessible):
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, asp.editor")
    assert_accessible(page)
