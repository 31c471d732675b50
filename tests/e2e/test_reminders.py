"""E-mail reminders in a real browser: an editor turns them off on their page, and the daily
command then sends them nothing, while a colleague and a reviewer get each reminder once."""

import datetime
import io
import re

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ProgressReport
from tests import factories
from tests.factories import DEFAULT_PASSWORD

Q2 = datetime.date(2026, 4, 1)


def send_reminders():
    """The daily run, on the eleventh day after 2026 Q2 closed."""
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-07-11", stdout=out)
    return out.getvalue()


def test_an_editor_turns_reminders_off_and_a_colleague_gets_each_one_once(
    page, live_server, asp_editor, asp_reviewer, login, assert_accessible, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    colleague = factories.UserFactory(username="asp.colleague", role="Editor", regions=["ASP"])
    factories.ActivityFactory(
        title="Spectrum training in Tonga", focal_point=asp_editor, start_date=Q2
    )
    factories.ActivityFactory(title="IXP study in Fiji", focal_point=colleague, start_date=Q2)
    factories.ProgressReportFactory(
        activity=factories.ActivityFactory(title="Cyber drill in Samoa", focal_point=colleague),
        author=colleague,
        state=ProgressReport.State.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime(2026, 7, 1, 10)),
    )

    # The editor turns their reminders off, from the menu of any page.
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.get_by_role("link", name="E-mail reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail reminders")
    reminders = page.get_by_label("Send me e-mail reminders")
    expect(reminders).to_be_checked()
    assert_accessible(page)
    reminders.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("E-mail reminders are off.")
    expect(page.get_by_label("Send me e-mail reminders")).not_to_be_checked()

    # The daily command, twice: the colleague and the reviewer are told once, the editor never.
    first = send_reminders()
    second = send_reminders()

    assert first.startswith("Sent 2 reminder e-mails: 1 progress report missing for 2026 Q2, ")
    assert second.startswith("Sent 0 reminder e-mails")
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        (["asp.colleague@example.org"], "Reminder: 1 progress report to write for 2026 Q2"),
        (["asp.reviewer@example.org"], "Reminder: 1 progress report waiting for your review"),
    ]
    assert "IXP study in Fiji" in mailoutbox[0].body
    assert "Spectrum training in Tonga" not in mailoutbox[0].body
    assert "Cyber drill in Samoa" in mailoutbox[1].body

    # The colleague follows the e-mail's links: the report to write, and the reminders' page.
    [write_url, settings_url] = re.findall(rf"{re.escape(live_server.url)}\S+", mailoutbox[0].body)
    page.get_by_role("button", name="Log out").click()
    page.goto(write_url)
    login(page, live_server, "asp.colleague", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("New progress report")
    page.goto(settings_url)
    expect(page.get_by_label("Send me e-mail reminders")).to_be_checked()
