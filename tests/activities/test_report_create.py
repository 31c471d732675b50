"""Writing a progress report: /activities/<id>/reports/new/."""

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport, quarter_of
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    progress_report_form_data,
)


@pytest.fixture
def activity(db):
    return ActivityFactory(title="Spectrum training", status=Activity.Status.COMPLETED)


def url(activity):
    return f"/activities/{activity.pk}/reports/new/"


def test_it_offers_the_current_quarter_and_the_activitys_status(client, asp_editor, activity):
    client.force_login(asp_editor)
    response = client.get(url(activity))
    assert response.status_code == 200
    form = response.context["form"]
    year, quarter = quarter_of(timezone.localdate())
    assert form["year"].value() == year
    assert form["quarter"].value() == quarter
    assert form["activity_status"].value() == Activity.Status.COMPLETED
    offered = [value for value, _ in form.fields["year"].choices]
    assert {2026, 2027, 2028, 2029, year} <= set(offered)
    page = response.content.decode()
    assert '<label for="id_percent_complete">Percent complete</label>' in page
    assert "Save as a draft" in page


def test_a_link_opens_the_form_on_its_period(client, asp_editor, activity):
    """A reminder links to the form of the quarter it is about."""
    client.force_login(asp_editor)
    response = client.get(url(activity) + "?year=2026&quarter=2")
    assert 'value="2026" selected' in response.text
    assert 'value="2" selected' in response.text
    response = client.get(url(activity) + "?year=1999&quarter=x")  # no such choice: none taken
    assert 'value="1999"' not in response.text
    assert response.status_code == 200


def test_it_saves_a_draft_of_its_author(client, asp_editor, activity):
    client.force_login(asp_editor)
    response = client.post(
        url(activity),
        progress_report_form_data(
            evidence_links="https://www.itu.int/report.pdf\n\n  http://example.org/photos  \n"
        ),
        follow=True,
    )
    report = activity.reports.get()
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Your report for 2026 Q3 is saved as a draft." in response.content.decode()
    assert (report.year, report.quarter, report.state) == (2026, 3, ProgressReport.State.DRAFT)
    assert report.author == asp_editor
    assert report.percent_complete == 50
    assert (report.people_reached_women, report.people_reached_men) == (12, 13)
    assert report.evidence_links == "https://www.itu.int/report.pdf\nhttp://example.org/photos"
    assert report.version == 1
    history = report.history.get()
    assert (history.history_change_reason, history.history_user) == ("Created", asp_editor)


def test_save_and_submit_submits_it_at_once(client, asp_editor, asp_reviewer, activity, mailoutbox):
    client.force_login(asp_editor)
    client.post(url(activity), progress_report_form_data(action="submit"))
    report = activity.reports.get()
    assert report.state == ProgressReport.State.SUBMITTED
    assert report.submitted_at is not None
    assert [message.to for message in mailoutbox] == [[asp_reviewer.email]]


def test_a_duplicate_period_is_an_error_on_the_period_with_a_link(client, asp_editor, activity):
    existing = ProgressReportFactory(
        activity=activity, year=2026, quarter=3, state=ProgressReport.State.SUBMITTED
    )
    client.force_login(asp_editor)
    response = client.post(url(activity), progress_report_form_data(achievements="My own text"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This activity already has a report for 2026 Q3" in page
    assert f'<a href="{existing.get_absolute_url()}">open it</a>' in page
    assert response.context["form"].has_error("quarter")
    assert "My own text" in page  # the input is kept
    assert activity.reports.count() == 1


def test_a_period_taken_by_someone_elses_draft_is_refused_without_showing_it(
    client, asp_editor, activity
):
    ProgressReportFactory(activity=activity, year=2026, quarter=3, achievements="Secret")
    client.force_login(asp_editor)
    response = client.post(url(activity), progress_report_form_data())
    page = response.content.decode()
    assert "already has a report for 2026 Q3: a draft that its author has not submitted" in page
    assert "Secret" not in page
    assert activity.reports.count() == 1


@pytest.mark.parametrize("percent", ["-1", "101", "fifty"])
def test_percent_complete_is_from_0_to_100(client, asp_editor, activity, percent):
    client.force_login(asp_editor)
    response = client.post(url(activity), progress_report_form_data(percent_complete=percent))
    assert response.status_code == 200
    assert "Percent complete is a whole number from 0 to 100." in response.content.decode()
    assert not activity.reports.exists()


def test_each_bad_evidence_link_is_named_by_its_line(client, asp_editor, activity):
    client.force_login(asp_editor)
    links = "https://www.itu.int/ok\nwww.itu.int/no-scheme\nftp://files.example.org/x"
    response = client.post(url(activity), progress_report_form_data(evidence_links=links))
    errors = response.context["form"].errors["evidence_links"]
    assert errors == [
        "Line 2 is not a web address starting with http:// or https://: “www.itu.int/no-scheme”.",
        "Line 3 is not a web address starting with http:// or https://: "
        "“ftp://files.example.org/x”.",
    ]
    assert "www.itu.int/no-scheme" in response.content.decode()
    assert not activity.reports.exists()


def test_negative_people_and_a_year_not_offered_are_refused(client, asp_editor, activity):
    client.force_login(asp_editor)
    response = client.post(
        url(activity), progress_report_form_data(people_reached_men=-3, year=2019)
    )
    form = response.context["form"]
    assert form.errors["people_reached_men"] == ["Give a number of people, 0 or more."]
    assert form.has_error("year")
    assert not activity.reports.exists()


@pytest.mark.parametrize("persona", ["viewer", "afr_editor"])
def test_only_editors_of_the_region_write_reports(client, request, activity, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(activity)).status_code == 403
    assert client.post(url(activity), progress_report_form_data()).status_code == 403
    assert not activity.reports.exists()


def test_an_archived_activity_takes_no_new_report(client, asp_editor, activity):
    Activity.objects.filter(pk=activity.pk).update(archived_at=timezone.now())
    client.force_login(asp_editor)
    response = client.post(url(activity), progress_report_form_data(), follow=True)
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()
    assert "This activity is archived" in response.content.decode()
    assert not activity.reports.exists()


def test_an_unknown_activity_is_404(client, asp_editor):
    client.force_login(asp_editor)
    assert client.get("/activities/999999/reports/new/").status_code == 404


def test_an_administrator_writes_in_any_region(client, activity):
    client.force_login(UserFactory(role="Administrator"))
    assert client.post(url(activity), progress_report_form_data()).status_code == 302
    assert activity.reports.count() == 1
