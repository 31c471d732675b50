"""Impossible input is refused, with the reason, on every path that writes it; a status its dates
contradict is flagged instead.

- A progress report is for a quarter that has begun and that its activity's dates overlap: the
  staff form (new and edit), the admin and the one write path refuse any other with one
  message, on the quarter (ProgressReport.clean).
- A completed activity has its end date: the staff form, the admin, the import and the
  history's revert refuse one without (Activity.clean).
- An ongoing activity past its end date, or a planned one past its start date, "needs
  attention": the list filters them (`?attention=1`), its row and its page say why, the region
  dashboard counts them and links to exactly that list.

"Today" is 15 Nov 2026 (2026 Q4) in these tests, so that the messages are known words.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from activities import services
from activities.models import Activity, ProgressReport
from demo.fixture import AS_OF
from demo.generated import generated_activities
from initiatives.models import Region
from tests.activities.test_activity_import import errors_of, upload
from tests.activities.test_one_write_path import admin_change, revert_page
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    csv_file,
    import_row,
    progress_report_form_data,
)
from tests.test_admin import admin_url, page_data

TODAY = datetime.date(2026, 11, 15)
Status = Activity.Status

NOT_BEGUN = "2027 Q1 has not started yet: report on a quarter once it has begun."
AFTER_THE_END = "The activity ran from 3 Mar 2026 to 30 Jun 2026: 2026 Q4 is outside its dates."
BEFORE_THE_START = (
    "The activity runs from 1 Jul 2026, with no end date: 2026 Q2 is outside its dates."
)
COMPLETED_WITHOUT_END = "A completed activity needs its end date: give the day it ended."

# Each impossible period: (the activity's fields, year, quarter, the message).
BAD_PERIODS = {
    "a quarter not begun yet": (
        {"start_date": datetime.date(2026, 2, 1), "end_date": None},
        2027,
        1,
        NOT_BEGUN,
    ),
    "a quarter after the activity's end": (
        {
            "start_date": datetime.date(2026, 3, 3),
            "end_date": datetime.date(2026, 6, 30),
            "status": Status.COMPLETED,
        },
        2026,
        4,
        AFTER_THE_END,
    ),
    "a quarter before the activity's start": (
        {"start_date": datetime.date(2026, 7, 1), "end_date": None},
        2026,
        2,
        BEFORE_THE_START,
    ),
}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Today is TODAY, for the models' rules, the forms and the pages alike."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def activity_for(bad_period):
    fields, _year, _quarter, _message = BAD_PERIODS[bad_period]
    return ActivityFactory(countries=["TON"], expected_results=["ASP1.3"], **fields)


# --- Progress reports: the period -------------------------------------------------------------


@pytest.mark.parametrize("bad_period", BAD_PERIODS)
def test_the_report_form_refuses_it_on_the_quarter_and_keeps_the_input(
    client, asp_editor, bad_period
):
    activity = activity_for(bad_period)
    _fields, year, quarter, message = BAD_PERIODS[bad_period]
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:report_create", args=[activity.pk]),
        progress_report_form_data(year=year, quarter=quarter, achievements="My own words."),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"quarter": [message]}
    assert escape(message) in response.text
    assert (form["year"].value(), form["quarter"].value()) == (str(year), str(quarter))
    assert "My own words." in response.text
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("bad_period", BAD_PERIODS)
def test_the_report_edit_form_refuses_it(client, asp_editor, bad_period):
    activity = activity_for(bad_period)
    _fields, year, quarter, message = BAD_PERIODS[bad_period]
    draft = ProgressReportFactory(activity=activity, author=asp_editor, year=2026, quarter=3)
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:report_edit", args=[activity.pk, draft.pk]),
        progress_report_form_data(draft, year=year, quarter=quarter),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"quarter": [message]}
    draft.refresh_from_db()
    assert (draft.year, draft.quarter, draft.version) == (2026, 3, 1)


@pytest.mark.parametrize("bad_period", BAD_PERIODS)
def test_the_report_admin_refuses_it(client, superuser, asp_editor, bad_period):
    activity = activity_for(bad_period)
    _fields, year, quarter, message = BAD_PERIODS[bad_period]
    draft = ProgressReportFactory(activity=activity, author=asp_editor, year=2026, quarter=3)
    client.force_login(superuser)
    url = admin_url(ProgressReport, "change", draft.pk)
    data = page_data(client.get(url))
    data.update(year=year, quarter=quarter)

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"quarter": [message]}
    assert escape(message) in response.text
    draft.refresh_from_db()
    assert (draft.year, draft.quarter, draft.version) == (2026, 3, 1)


@pytest.mark.parametrize("bad_period", BAD_PERIODS)
def test_the_write_path_refuses_it_whoever_calls(asp_editor, bad_period):
    activity = activity_for(bad_period)
    _fields, year, quarter, message = BAD_PERIODS[bad_period]
    report = ProgressReport(
        activity=activity,
        year=year,
        quarter=quarter,
        activity_status=activity.status,
        percent_complete=10,
    )

    with pytest.raises(ValidationError) as refused:
        services.save_report(asp_editor, report)

    assert refused.value.message_dict == {"quarter": [message]}
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("year", "quarter"),
    [(2026, 1), (2026, 2)],  # 3 Mar falls in Q1, 30 Jun in Q2: each quarter overlaps the dates
)
def test_a_quarter_that_overlaps_the_dates_is_accepted(client, asp_editor, year, quarter):
    activity = activity_for("a quarter after the activity's end")
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:report_create", args=[activity.pk]),
        progress_report_form_data(year=year, quarter=quarter),
    )

    assert response.status_code == 302
    assert (activity.reports.get().year, activity.reports.get().quarter) == (year, quarter)


def test_the_current_quarter_is_accepted(client, asp_editor):
    activity = ActivityFactory(start_date=datetime.date(2026, 2, 1), end_date=None)
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:report_create", args=[activity.pk]),
        progress_report_form_data(year=2026, quarter=4),
    )

    assert response.status_code == 302
    assert activity.reports.get().period == "2026 Q4"


def test_a_report_whose_activity_dates_moved_since_is_refused_until_put_right(client, asp_editor):
    """The activity's start moved from February to 1 Jul 2026 after its 2026 Q2 report was
    written: an edit of that report says why it cannot be saved as it is, and saves once its
    quarter is one the activity runs in."""
    activity = ActivityFactory(start_date=datetime.date(2026, 2, 1), end_date=None)
    draft = ProgressReportFactory(activity=activity, author=asp_editor, year=2026, quarter=2)
    Activity.objects.filter(pk=activity.pk).update(start_date=datetime.date(2026, 7, 1))
    client.force_login(asp_editor)
    url = reverse("activities:report_edit", args=[activity.pk, draft.pk])

    refused = client.post(url, progress_report_form_data(draft, achievements="New words."))

    assert refused.context["form"].errors == {"quarter": [BEFORE_THE_START]}
    draft.refresh_from_db()
    assert draft.achievements != "New words."

    saved = client.post(url, progress_report_form_data(draft, quarter=3, achievements="New words."))

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.period, draft.achievements) == ("2026 Q3", "New words.")


def test_an_activity_that_ended_earlier_this_quarter_is_said_to_have_run(asp_editor):
    """The tense follows today: an activity whose end date is past "ran", one whose end date
    is still to come "runs"."""
    ended = ActivityFactory(
        start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 2, 20)
    )
    running = ActivityFactory(
        start_date=datetime.date(2026, 10, 5), end_date=datetime.date(2027, 3, 31)
    )

    assert ProgressReport(activity=ended, year=2026, quarter=3).period_refusal(TODAY) == (
        "The activity ran from 5 Jan 2026 to 20 Feb 2026: 2026 Q3 is outside its dates."
    )
    assert ProgressReport(activity=running, year=2026, quarter=3).period_refusal(TODAY) == (
        "The activity runs from 5 Oct 2026 to 31 Mar 2027: 2026 Q3 is outside its dates."
    )


# --- Activities: a completed one needs its end date -------------------------------------------


@pytest.fixture
def activity(db):
    return ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])


def test_the_activity_form_refuses_a_completed_activity_without_end_date(
    client, asp_editor, activity
):
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_form_data(activity, status=Status.COMPLETED, end_date=""),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": [COMPLETED_WITHOUT_END]}
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (Status.ONGOING, 1)


def test_the_activity_form_saves_a_completed_activity_with_its_end_date(
    client, asp_editor, activity
):
    client.force_login(asp_editor)

    response = client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_form_data(activity, status=Status.COMPLETED, end_date="2026-10-31"),
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.end_date) == (Status.COMPLETED, datetime.date(2026, 10, 31))


def test_the_activity_admin_refuses_it(client, superuser, activity):
    client.force_login(superuser)

    response = admin_change(client, activity, status=Status.COMPLETED, end_date="")

    assert response.status_code == 200
    assert escape(COMPLETED_WITHOUT_END) in response.text
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (Status.ONGOING, 1)


def test_the_import_refuses_it_on_the_row(client, asp_editor):
    client.force_login(asp_editor)

    response = upload(client, csv_file([import_row(status="Completed")]), "activities.csv")

    errors = errors_of(response)
    assert len(errors) == 1, errors
    assert errors[0].endswith(COMPLETED_WITHOUT_END), errors
    assert not Activity.objects.exists()


def test_the_import_takes_a_completed_activity_with_its_end_date(client, asp_editor):
    client.force_login(asp_editor)

    response = upload(
        client,
        csv_file([import_row(status="Completed", end_date="2026-06-30")]),
        "activities.csv",
    )

    assert errors_of(response) == []
    assert [row.action for row in response.context["plan"].rows] == ["create"]


def test_the_revert_refuses_a_version_completed_without_end_date(client, superuser, activity):
    """A version written before the rule is not restored as it was."""
    version = activity.history.latest()
    type(version).objects.filter(history_id=version.history_id).update(
        status=Status.COMPLETED, end_date=None
    )
    client.force_login(superuser)

    response = revert_page(client, activity, version)

    assert response.status_code == 200
    assert escape(COMPLETED_WITHOUT_END) in response.text
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (Status.ONGOING, 1)


# --- Needs attention --------------------------------------------------------------------------

LIST_URL = reverse("activities:activity_list")
END_PASSED = "Needs attention: its end date has passed"
START_PASSED = "Needs attention: its start date has passed"


@pytest.fixture
def activities(db):
    """Activities whose status their dates contradict on TODAY, or not, by title."""
    day = datetime.date
    return {
        "Overdue": ActivityFactory(
            title="Overdue", status=Status.ONGOING, end_date=day(2026, 11, 14)
        ),
        "Ends today": ActivityFactory(title="Ends today", status=Status.ONGOING, end_date=TODAY),
        "Slipped": ActivityFactory(
            title="Slipped",
            status=Status.PLANNED,
            start_date=day(2026, 11, 1),
            end_date=day(2027, 3, 31),
        ),
        "Starts today": ActivityFactory(
            title="Starts today", status=Status.PLANNED, start_date=TODAY, end_date=None
        ),
        "Completed": ActivityFactory(
            title="Completed", status=Status.COMPLETED, end_date=day(2026, 6, 30)
        ),
        "Suspended": ActivityFactory(
            title="Suspended", status=Status.SUSPENDED, end_date=day(2026, 6, 30)
        ),
        "Archived overdue": ActivityFactory(
            title="Archived overdue",
            status=Status.ONGOING,
            end_date=day(2026, 6, 30),
            archived_at=timezone.now(),
        ),
        "Elsewhere overdue": ActivityFactory(
            title="Elsewhere overdue",
            status=Status.ONGOING,
            end_date=day(2026, 6, 30),
            region=Region.objects.get(code="AFR"),
            countries=["KEN"],
            expected_results=[],
        ),
    }


def listed(client, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return response


def titles(response):
    return set(re.findall(r'<th scope="row"><a href="/activities/\d+/">([^<]+)</a>', response.text))


def test_the_queryset_and_each_activity_agree_on_who_needs_attention(activities):
    flagged = set(Activity.objects.needs_attention(TODAY).values_list("title", flat=True))

    assert flagged == {"Overdue", "Slipped", "Elsewhere overdue"}
    reasons = {title: a.attention_reason(TODAY) for title, a in activities.items()}
    assert {title for title, reason in reasons.items() if reason} == flagged
    assert reasons["Overdue"] == "its end date has passed"
    assert reasons["Slipped"] == "its start date has passed"


def test_the_list_filters_those_that_need_attention(client, viewer, activities):
    client.force_login(viewer)

    response = listed(client, "attention=1")

    assert titles(response) == {"Overdue", "Slipped", "Elsewhere overdue"}
    assert "3 activities" in response.text
    # The chip says which filter is on; the box is ticked under "More filters", unfolded.
    assert "Needs attention" in response.text
    assert re.search(
        r'<input type="checkbox" name="attention" value="1"[^>]* checked', response.text
    )
    assert '<details class="more-filters" open>' in response.text


def test_the_attention_filter_combines_with_the_region(client, viewer, activities):
    client.force_login(viewer)

    assert titles(listed(client, "attention=1&region=ASP")) == {"Overdue", "Slipped"}


def test_an_attention_value_other_than_1_is_an_error_listing_nothing(client, viewer, activities):
    client.force_login(viewer)

    response = listed(client, "attention=yes")

    assert titles(response) == set()
    assert "Tick the box or leave it empty." in response.text


def test_list_rows_say_why_an_activity_needs_attention(client, viewer, activities):
    client.force_login(viewer)

    response = listed(client, "region=ASP&sort=title")

    rows = {
        title: row
        for row in response.text.split("<tr>")[1:]
        for title in re.findall(r'<th scope="row"><a href="/activities/\d+/">([^<]+)</a>', row)
    }
    assert END_PASSED in rows["Overdue"]
    assert START_PASSED in rows["Slipped"]
    for fine in ("Ends today", "Starts today", "Completed", "Suspended"):
        assert "Needs attention" not in rows[fine], fine


@pytest.mark.parametrize(
    ("title", "badge"),
    [("Overdue", END_PASSED), ("Slipped", START_PASSED), ("Ends today", None)],
)
def test_the_activity_page_says_why_it_needs_attention(client, viewer, activities, title, badge):
    client.force_login(viewer)

    response = client.get(activities[title].get_absolute_url())

    assert response.status_code == 200
    if badge:
        assert badge in response.text
    else:
        assert "Needs attention" not in response.text


def test_the_region_dashboard_counts_them_and_links_to_exactly_them(client, viewer, activities):
    ActivityFactory(  # another plan's overdue activity: not among this plan's figures
        title="Other plan",
        status=Status.ONGOING,
        end_date=datetime.date(2026, 6, 30),
        expected_results=[],
    )
    client.force_login(viewer)

    page = client.get("/dashboard/ASP/", {"plan": "WTDC-25", "year": 2026})

    section = page.text.split('<section aria-labelledby="attention">')[1].split("</section>")[0]
    link, count = re.search(r'<a class="figure-link" href="([^"]+)">(\d+)</a>', section).groups()
    assert "activities need attention" in section
    link = link.replace("&amp;", "&")
    assert link == "/activities/?region=ASP&plan=WTDC-25&attention=1"
    assert int(count) == 2
    drill_down = client.get(link)
    assert titles(drill_down) == {"Overdue", "Slipped"}
    assert f"{count} activities" in drill_down.text


# --- The demo data keeps the rules ------------------------------------------------------------


def rule_breakers(activities, reports, today):
    """What the models' rules (Activity.clean, ProgressReport.clean) refuse among these rows,
    as (row, message) pairs."""
    broken = []
    for activity in activities:
        try:
            activity.clean()
        except ValidationError as error:
            broken.append((activity, error.messages))
    for report in reports:
        message = report.period_refusal(today)
        if message:
            broken.append((report, message))
    return broken


def test_generated_demo_data_keeps_the_rules(db, settings):
    """generate_demo_data as of 27 Nov 2026: no completed activity without its end date, no
    report for a quarter outside its activity's dates or not begun on that day."""
    settings.DEBUG = True
    as_of = datetime.date(2026, 11, 27)
    call_command("generate_demo_data", "--as-of", as_of.isoformat(), "--activities", "400")

    activities = list(generated_activities())
    reports = ProgressReport.objects.filter(activity__in=activities).select_related("activity")

    assert len(activities) == 400
    assert rule_breakers(activities, reports, as_of) == []


def test_the_demo_fixture_keeps_the_rules(asp_editor, asp_reviewer):
    call_command("loaddata", "demo", verbosity=0)
    activities = list(Activity.objects.filter(is_demo=True))
    reports = ProgressReport.objects.filter(activity__is_demo=True).select_related("activity")

    assert len(activities) >= 30
    assert rule_breakers(activities, reports, AS_OF) == []
