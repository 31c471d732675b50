"""`manage.py send_reminders`: editors are told of their activities with no progress report for
the quarter closed REMINDER_DAYS_AFTER_QUARTER days ago, reviewers of the reports of their
regions waiting more than REVIEW_REMINDER_DAYS days; each reminder once, to whoever still acts
and did not turn reminders off; --dry-run says it all and sends nothing."""

import datetime
import io
import smtplib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import reminders
from activities.models import Activity, ProgressReport, Reminder
from initiatives.models import Region
from tests.factories import (
    ActivityFactory,
    NotificationPreferenceFactory,
    ProgressReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

State = ProgressReport.State
# 2026 Q2 closed at the end of 30 June; with 10 days, it is reminded of from 11 July on.
FIRST_DAY = "2026-07-11"


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.SITE_URL = "https://tracker.example.org"
    settings.REMINDER_DAYS_AFTER_QUARTER = 10
    settings.REVIEW_REMINDER_DAYS = 5


def run(*args, today=FIRST_DAY):
    """The command's output, as if run on `today`."""
    out = io.StringIO()
    call_command("send_reminders", "--today", today, *args, stdout=out)
    return out.getvalue()


def mine(user, **fields):
    """An activity that `user` leads, which ran during all of 2026 Q2."""
    fields.setdefault("start_date", datetime.date(2026, 4, 1))
    return ActivityFactory(focal_point=user, **fields)


def submitted(activity, author, on, **fields):
    """A report of `activity` by `author`, submitted on the date `on` at noon."""
    return ProgressReportFactory(
        activity=activity,
        author=author,
        state=State.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))),
        **fields,
    )


def recipients(mailoutbox):
    return sorted(address for mail in mailoutbox for address in mail.to)


# --- Reports missing for the quarter just closed --------------------------------------------


def test_an_editor_is_told_once_of_their_activities_missing_the_report(asp_editor, mailoutbox):
    led = mine(asp_editor, title="Spectrum training in Tonga")
    created = ActivityFactory(
        title="IXP study in Fiji", created_by=asp_editor, start_date=datetime.date(2026, 5, 1)
    )

    output = run()

    [mail] = mailoutbox
    assert mail.to == [asp_editor.email]
    assert mail.subject == "Reminder: 2 progress reports to write for 2026 Q2"
    assert '"IXP study in Fiji" (Asia and the Pacific)' in mail.body
    assert '"Spectrum training in Tonga"' in mail.body
    assert mail.body.index("IXP study") < mail.body.index("Spectrum training")
    for activity in (led, created):
        assert f"https://tracker.example.org/activities/{activity.pk}/reports/new/" in mail.body
    assert "https://tracker.example.org/account/reminders/" in mail.body
    assert output.splitlines()[-1] == (
        "Sent 1 reminder e-mail: 2 progress reports missing for 2026 Q2, 0 reports waiting for "
        "review more than 5 days; 0 e-mails failed (tried again on the next run)."
    )
    assert set(Reminder.objects.values_list("activity", "year", "quarter", "user")) == {
        (led.pk, 2026, 2, asp_editor.pk),
        (created.pk, 2026, 2, asp_editor.pk),
    }
    assert not Reminder.objects.filter(sent_at=None).exists()

    output = run()
    run(today="2026-07-30")

    assert len(mailoutbox) == 1
    assert output.startswith("Sent 0 reminder e-mails: 0 progress reports missing")


def test_the_focal_point_and_the_creator_are_each_told(asp_editor, mailoutbox):
    creator = UserFactory(role="Editor", regions=["ASP"])
    mine(asp_editor, created_by=creator)

    run()

    assert recipients(mailoutbox) == sorted([asp_editor.email, creator.email])


def test_nobody_is_told_before_the_quarter_has_been_closed_for_the_days_set(
    asp_editor, mailoutbox, settings
):
    mine(asp_editor)

    run(today="2026-07-10")
    assert mailoutbox == []

    settings.REMINDER_DAYS_AFTER_QUARTER = 20
    run(today="2026-07-20")
    assert mailoutbox == []
    run(today="2026-07-21")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": datetime.date(2026, 7, 1), "end_date": None},  # started after it
        {"start_date": datetime.date(2026, 1, 5), "end_date": datetime.date(2026, 3, 31)},
        {"status": Activity.Status.PLANNED},
        {"status": Activity.Status.SUSPENDED},
        {"status": Activity.Status.CANCELLED},
        {"archived_at": datetime.datetime(2026, 7, 2, tzinfo=datetime.UTC)},
    ],
    ids=["started-later", "ended-before", "planned", "suspended", "cancelled", "archived"],
)
def test_nobody_is_told_of_an_activity_that_did_not_run_that_quarter(
    asp_editor, mailoutbox, fields
):
    mine(asp_editor, title="Not this one", **fields)
    mine(asp_editor, title="Ended on the quarter's first day", end_date=datetime.date(2026, 4, 1))

    run()

    [mail] = mailoutbox
    assert "Ended on the quarter's first day" in mail.body
    assert "Not this one" not in mail.body


@pytest.mark.parametrize("state", list(State))
def test_a_report_in_any_state_is_a_report_started(asp_editor, asp_reviewer, mailoutbox, state):
    """A draft counts: its author is at it (and someone else's draft takes the period)."""
    reported = mine(asp_editor, title="Reported on")
    ProgressReportFactory(
        activity=reported,
        quarter=2,
        state=state,
        submitted_at=timezone.now() if state != State.DRAFT else None,
        reviewer=asp_reviewer if state in (State.APPROVED, State.RETURNED) else None,
        reviewed_at=timezone.now() if state in (State.APPROVED, State.RETURNED) else None,
    )
    other_quarter = mine(asp_editor, title="Reported on for Q1 only")
    ProgressReportFactory(activity=other_quarter, quarter=1)

    run(today="2026-09-30")  # a submitted report waits: the reviewer gets a digest

    [mail] = [mail for mail in mailoutbox if mail.to == [asp_editor.email]]
    assert "Reported on for Q1 only" in mail.body
    assert '"Reported on"' not in mail.body


def test_nobody_who_turned_reminders_off_is_told(asp_editor, mailoutbox):
    colleague = UserFactory(role="Editor", regions=["ASP"])
    NotificationPreferenceFactory(user=asp_editor)
    NotificationPreferenceFactory(user=colleague, reminders=True)
    mine(asp_editor)
    mine(colleague)

    run()

    assert recipients(mailoutbox) == [colleague.email]
    assert not Reminder.objects.filter(user=asp_editor).exists()


@pytest.mark.parametrize(
    "traits",
    [
        {"role": "Editor", "regions": ["AFR"]},  # moved to another region
        {"role": "Viewer", "regions": ["ASP"]},  # no longer writes
        {"role": "Editor", "regions": ["ASP"], "is_active": False},
        {"role": "Editor", "regions": ["ASP"], "email": ""},
    ],
    ids=["other-region", "viewer", "inactive", "no-email"],
)
def test_nobody_is_told_who_cannot_write_the_report(asp_editor, mailoutbox, traits):
    mine(UserFactory(**traits), created_by=asp_editor)

    run()

    assert recipients(mailoutbox) == [asp_editor.email]


def test_an_administrator_writes_everywhere_and_is_told(mailoutbox):
    administrator = UserFactory(role="Administrator")
    mine(administrator, region=Region.objects.get(code="AFR"), countries=["KEN"])

    run()

    assert recipients(mailoutbox) == [administrator.email]


def test_a_new_activity_of_a_quarter_already_reminded_is_reminded_of_alone(asp_editor, mailoutbox):
    mine(asp_editor, title="The first one")
    run()
    mine(asp_editor, title="Logged late")

    run(today="2026-07-12")

    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "Reminder: 1 progress report to write for 2026 Q2"
    assert "Logged late" in mailoutbox[1].body
    assert "The first one" not in mailoutbox[1].body


# --- Reports waiting for review -------------------------------------------------------------


@pytest.fixture
def asp_writer(db):
    return UserFactory(username="asp.writer", role="Editor", regions=["ASP"])


def test_a_reviewer_gets_a_digest_of_reports_waiting_more_than_the_days_set(
    asp_reviewer, asp_writer, mailoutbox
):
    activity = mine(asp_writer, title="Spectrum training in Tonga")
    old = submitted(activity, asp_writer, datetime.date(2026, 7, 5), quarter=2)
    submitted(mine(asp_writer, title="Recent"), asp_writer, datetime.date(2026, 7, 6), quarter=2)
    ProgressReportFactory(activity=mine(asp_writer, title="A draft"), author=asp_writer)

    output = run(today="2026-07-11")

    [mail] = mailoutbox
    assert mail.to == [asp_reviewer.email]
    assert mail.subject == "Reminder: 1 progress report waiting for your review"
    assert (
        '"Spectrum training in Tonga", 2026 Q2 (Asia and the Pacific), written by asp.writer, '
        "submitted on 5 July 2026"
    ) in mail.body
    assert f"https://tracker.example.org/activities/{activity.pk}/reports/{old.pk}/" in mail.body
    assert "for more than 5 days" in mail.body
    assert "Recent" not in mail.body
    assert "https://tracker.example.org/account/reminders/" in mail.body
    assert "1 report waiting for review more than 5 days" in output

    run(today="2026-07-11")
    run(today="2026-07-12")

    assert len(mailoutbox) == 2
    assert '"Recent"' in mailoutbox[1].body
    assert "Spectrum training" not in mailoutbox[1].body


def test_a_reviewer_is_never_reminded_of_their_own_report(asp_reviewer, asp_writer, mailoutbox):
    other_reviewer = UserFactory(role="Reviewer", regions=["ASP"])
    submitted(mine(asp_reviewer, title="By the reviewer"), asp_reviewer, datetime.date(2026, 7, 1))

    run(today="2026-07-11")

    # The activity's Q2 report is the one waiting, so only the review digest goes.
    assert recipients(mailoutbox) == [other_reviewer.email]
    assert "By the reviewer" in mailoutbox[0].body


def test_a_reviewer_is_never_reminded_of_another_regions_reports(asp_writer, mailoutbox):
    UserFactory(role="Reviewer", regions=["AFR"])
    UserFactory(role="Administrator")  # reviews everywhere, assigned to no region
    UserFactory(role="Editor", regions=["ASP"])  # writes, does not review
    submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))

    run(today="2026-07-11")

    assert mailoutbox == []


def test_an_administrator_is_reminded_of_the_regions_assigned_to_them_only(asp_writer, mailoutbox):
    """As a submission is told (services.reviewers_of): they review everywhere, but are
    reminded where they are assigned."""
    administrator = UserFactory(role="Administrator", regions=["AFR"])
    afr_writer = UserFactory(role="Editor", regions=["AFR"])
    africa = Region.objects.get(code="AFR")
    submitted(mine(asp_writer, title="In Tonga"), asp_writer, datetime.date(2026, 7, 1))
    submitted(
        mine(afr_writer, title="In Kenya", region=africa, countries=["KEN"]),
        afr_writer,
        datetime.date(2026, 7, 1),
    )

    run(today="2026-07-11")

    [mail] = mailoutbox
    assert mail.to == [administrator.email]
    assert "In Kenya" in mail.body
    assert "In Tonga" not in mail.body


def test_a_reviewer_who_turned_reminders_off_gets_no_digest(asp_reviewer, asp_writer, mailoutbox):
    NotificationPreferenceFactory(user=asp_reviewer)
    submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))

    run(today="2026-07-11")

    assert mailoutbox == []


def test_a_report_of_an_archived_activity_is_left_out(asp_reviewer, asp_writer, mailoutbox):
    submitted(mine(asp_writer, archived_at=timezone.now()), asp_writer, datetime.date(2026, 7, 1))

    run(today="2026-07-11")

    assert mailoutbox == []


def test_a_report_returned_and_submitted_again_is_reminded_of_again(
    asp_reviewer, asp_writer, mailoutbox
):
    report = submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))
    run(today="2026-07-11")
    resubmitted = timezone.make_aware(datetime.datetime(2026, 7, 14, 9))
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=resubmitted)

    run(today="2026-07-19")
    assert len(mailoutbox) == 1  # the new submission has not waited 5 days yet
    run(today="2026-07-20")
    run(today="2026-07-21")

    assert len(mailoutbox) == 2
    assert "submitted on 14 July 2026" in mailoutbox[1].body
    assert list(
        Reminder.objects.filter(report=report)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
    ) == [timezone.make_aware(datetime.datetime(2026, 7, 1, 12)), resubmitted]


# --- Dry run, failures, runs at once ---------------------------------------------------------


def test_a_dry_run_says_who_would_be_told_what_and_sends_nothing(
    asp_editor, asp_reviewer, asp_writer, mailoutbox
):
    mine(asp_editor, title="IXP study")
    submitted(mine(asp_writer, title="Spectrum training"), asp_writer, datetime.date(2026, 7, 1))

    output = run("--dry-run")

    assert output.splitlines() == [
        "Would remind asp.editor <asp.editor@example.org>: 1 progress report missing for "
        "2026 Q2: IXP study",
        "Would remind asp.reviewer <asp.reviewer@example.org>: 1 report waiting for review: "
        "Spectrum training, 2026 Q2",
        "Dry run on 2026-07-11: would send 2 reminder e-mails: 1 progress report missing for "
        "2026 Q2, 1 report waiting for review more than 5 days. Nothing sent.",
    ]
    assert mailoutbox == []
    assert not Reminder.objects.exists()

    run()
    assert recipients(mailoutbox) == [asp_editor.email, asp_reviewer.email]
    # What was sent is not due any more.
    assert run("--dry-run").startswith("Dry run on 2026-07-11: would send 0 reminder e-mails")


def test_a_mail_server_that_refuses_is_logged_and_the_reminder_tried_again(
    asp_editor, mailoutbox, monkeypatch, caplog
):
    mine(asp_editor)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patch:
        patch.setattr("activities.services.send_mail", refuse)
        output = run()

    assert "0 reminder e-mails" in output
    assert "1 e-mail failed" in output
    assert "Could not send reminder_missing_report to ['asp.editor@example.org']" in caplog.text
    assert not Reminder.objects.exists()

    run(today="2026-07-12")
    assert recipients(mailoutbox) == [asp_editor.email]


def test_a_run_stopped_before_the_e_mail_went_never_sends_it_twice(
    asp_editor, mailoutbox, monkeypatch
):
    """At most once: the reminder is recorded before its e-mail goes; a run killed between
    leaves it recorded, unsent (sent_at empty), and the next run does not send it."""
    mine(asp_editor)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(reminders, "_mail", killed)
        with pytest.raises(KeyboardInterrupt):
            run()
    [reminder] = Reminder.objects.all()
    assert reminder.sent_at is None

    run()
    assert mailoutbox == []


def test_two_runs_at_once_send_each_reminder_once(asp_editor, asp_reviewer, asp_writer, mailoutbox):
    mine(asp_editor, title="One")
    mine(asp_editor, title="Two")
    submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))
    today = datetime.date(2026, 7, 11)
    # Both runs read what is due before either records anything.
    first = reminders.missing_report_digests(today, 10) + reminders.review_digests(today, 5)
    second = reminders.missing_report_digests(today, 10) + reminders.review_digests(today, 5)
    first_run, second_run = (
        "11111111-1111-1111-1111-111111111111",
        ("22222222-2222-2222-2222-222222222222"),
    )

    # The second one records one of the two activities before the first records both.
    second[0].items = second[0].items[:1]
    assert reminders.send(second[0], second_run) is True
    assert [reminders.send(digest, first_run) for digest in first] == [True, True]
    assert [reminders.send(digest, second_run) for digest in second[1:]] == [None]

    by_recipient = {}
    for mail in mailoutbox:
        by_recipient.setdefault(mail.to[0], []).append(mail.body)
    assert len(by_recipient[asp_reviewer.email]) == 1
    [one, two] = by_recipient[asp_editor.email]
    assert ('"One"' in one) != ('"One"' in two)
    assert ('"Two"' in one) != ('"Two"' in two)
    assert Reminder.objects.count() == 3


def test_the_queries_do_not_grow_with_the_activities_and_reports(
    asp_editor, asp_reviewer, asp_writer, mailoutbox
):
    def queries_of_a_run(activities):
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            run()
        return len(queries)

    mine(asp_editor)
    submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))
    few = queries_of_a_run(1)
    for _ in range(5):
        mine(asp_editor, created_by=asp_editor)
        submitted(mine(asp_writer), asp_writer, datetime.date(2026, 7, 1))

    assert queries_of_a_run(6) == few
    assert len(mailoutbox[-1].body) > len(mailoutbox[1].body)


def test_it_needs_the_site_url_for_its_links(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL is not set"):
        run()


def test_today_must_be_a_date():
    with pytest.raises(CommandError, match="argument --today: not a date as YYYY-MM-DD: '11/07'"):
        run(today="11/07")


def test_the_quarter_reminded_is_the_latest_closed_for_the_days_set():
    assert reminders.reminded_quarter(datetime.date(2026, 7, 10), 10) == (2026, 1)
    assert reminders.reminded_quarter(datetime.date(2026, 7, 11), 10) == (2026, 2)
    assert reminders.reminded_quarter(datetime.date(2026, 1, 1), 0) == (2025, 4)
    assert reminders.quarter_dates(2026, 1) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert reminders.quarter_dates(2026, 4) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
