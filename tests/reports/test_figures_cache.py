"""The dashboards keep their figures in the cache, and any write drops them at once: a saved
activity, an approved report, an import, a change of reference data shows on the next request
(reports/cache.py)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ProgressReport
from initiatives.models import Country, Designation
from reports.cache import figures_cache
from tests.activities.test_activity_import import import_file
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    approved_report,
    csv_file,
    import_row,
)
from tests.reports.dashboard_pages import numbers, page_tree, text

PERIOD = "?plan=WTDC-25&year=2026"
DASHBOARD = f"/dashboard/ASP/{PERIOD}"
JSON = f"/dashboard/ASP/{PERIOD}&format=json"
REPORT = "/reports/ASP/2026/?plan=WTDC-25"
ALL_REGIONS = f"/dashboard/{PERIOD}"


def by_status(client):
    return client.get(JSON).json()["activities_by_status"]


def activities_tile(client):
    """The number of the region dashboard's "activities" tile, as shown."""
    tree = page_tree(client.get(DASHBOARD))
    return numbers(tree.xpath("//ul[@class='tiles']/li[1]")[0])[0]


def people_section(client):
    """The text of the dashboard's "People reached by sex" section."""
    return text(page_tree(client.get(DASHBOARD)).xpath("//section[@aria-labelledby='people']")[0])


def activity_queries(client, url):
    """The SQL of GET `url` that reads activities."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "activities_activity" in q["sql"]]


@pytest.fixture
def ongoing(db):
    return ActivityFactory(
        status=Activity.Status.ONGOING,
        countries=["TON"],
        expected_results=["ASP1.1"],
        start_date=datetime.date(2026, 2, 1),
    )


@pytest.mark.parametrize("url", [DASHBOARD, JSON, REPORT, ALL_REGIONS])
def test_a_repeated_request_counts_nothing_again(viewer_client, ongoing, url):
    assert activity_queries(viewer_client, url)  # the first request counts
    assert activity_queries(viewer_client, url) == []


def test_an_activity_saved_through_its_form_shows_on_the_next_request(client, asp_editor, ongoing):
    client.force_login(asp_editor)
    assert (by_status(client)["ongoing"], by_status(client)["completed"]) == (1, 0)
    response = client.post(
        reverse("activities:activity_edit", args=[ongoing.pk]),
        activity_form_data(ongoing, status=Activity.Status.COMPLETED),
    )
    assert response.status_code == 302
    assert (by_status(client)["ongoing"], by_status(client)["completed"]) == (0, 1)


def test_a_new_activity_shows_on_the_dashboard_page_at_once(client, asp_editor, ongoing):
    client.force_login(asp_editor)
    assert activities_tile(client) == 1
    response = client.post(reverse("activities:activity_create"), activity_form_data())
    assert response.status_code == 302
    assert activities_tile(client) == 2


def test_an_approved_report_shows_on_the_next_request(client, asp_editor, asp_reviewer, ongoing):
    report = ProgressReportFactory(
        activity=ongoing,
        author=asp_editor,
        year=2026,
        quarter=2,
        achievements="Connected 14 schools on Tarawa.",
        people_reached_women=700,
        people_reached_men=500,
        state=ProgressReport.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    client.force_login(asp_reviewer)
    assert "1,200" not in people_section(client)
    assert report.achievements not in client.get(REPORT).content.decode()
    response = client.post(
        reverse("activities:report_approve", args=[ongoing.pk, report.pk]), {"comment": ""}
    )
    assert response.status_code == 302
    assert "1,200" in people_section(client)
    assert report.achievements in client.get(REPORT).content.decode()


def test_an_archived_activity_leaves_the_figures_at_once(client, asp_editor, ongoing):
    client.force_login(asp_editor)
    assert by_status(client)["ongoing"] == 1
    response = client.post(reverse("activities:activity_archive", args=[ongoing.pk]))
    assert response.status_code == 302
    assert by_status(client)["ongoing"] == 0


def test_an_import_shows_on_the_next_request(client, asp_editor):
    """An import writes with bulk_create, which sends no post_save."""
    client.force_login(asp_editor)
    assert by_status(client)["ongoing"] == 0
    rows = [import_row(status="Ongoing", start_date="2026-03-01") for _ in range(3)]
    import_file(client, csv_file(rows), name="activities.csv")
    assert Activity.objects.count() == 3
    assert by_status(client)["ongoing"] == 3


def test_a_report_saved_outside_the_app_shows_too(viewer_client, ongoing):
    """The admin or a shell saves models directly: the signal drops the figures all the same."""
    assert viewer_client.get(JSON).json()["expected_results"][0]["percent_complete"] is None
    approved_report(ongoing, 2026, 1, percent_complete=80)
    assert viewer_client.get(JSON).json()["expected_results"][0]["percent_complete"] == 80


def test_a_change_of_reference_data_shows_on_the_next_request(viewer_client, ongoing):
    """An administrator records that a country joined a group: the group's figures change."""
    sids = viewer_client.get(JSON).json()["countries"]["sids_total"]
    Designation.objects.create(
        country=Country.objects.get(iso3="MNG"),
        group_id="SIDS",
        start_date=datetime.date(2000, 1, 1),
    )
    assert viewer_client.get(JSON).json()["countries"]["sids_total"] == sids + 1


def test_a_page_counted_before_a_write_commits_is_not_kept(
    ongoing, django_capture_on_commit_callbacks
):
    """Another process may count the figures between a write and its commit, from the data
    before it: the commit replaces the data version again, so that page is not served."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ongoing.status = Activity.Status.COMPLETED
        ongoing.save()
        counted_meanwhile = figures_cache("ASP", "WTDC-25", 2026).key
    assert figures_cache("ASP", "WTDC-25", 2026).key != counted_meanwhile


def test_a_login_keeps_the_figures_and_a_change_of_a_user_drops_them(client, viewer, ongoing):
    """A stale activity shows its focal point's name; a login only sets last_login."""
    before = figures_cache("ASP", "WTDC-25", 2026).key
    viewer.set_password("a-new-long-password-123")
    viewer.save()
    changed = figures_cache("ASP", "WTDC-25", 2026).key
    assert changed != before
    assert client.login(username=viewer.username, password="a-new-long-password-123")
    assert figures_cache("ASP", "WTDC-25", 2026).key == changed


def test_figures_are_counted_again_the_next_day(viewer_client, ongoing, monkeypatch):
    """Staleness is counted as of today: yesterday's cached page is not served today."""
    assert activity_queries(viewer_client, DASHBOARD)
    assert activity_queries(viewer_client, DASHBOARD) == []
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("reports.cache.timezone.localdate", lambda: tomorrow)
    assert activity_queries(viewer_client, DASHBOARD)


def test_a_cache_that_does_not_answer_loses_no_write(client, asp_editor, ongoing, settings):
    """The database cache without its table (createcachetable not run): saving an activity
    still saves it — on PostgreSQL too, where a failed query would abort the transaction."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    client.force_login(asp_editor)
    response = client.post(
        reverse("activities:activity_edit", args=[ongoing.pk]),
        activity_form_data(ongoing, title="Saved whatever the cache"),
    )
    assert response.status_code == 302
    ongoing.refresh_from_db()
    assert ongoing.title == "Saved whatever the cache"
    assert ongoing.history.first().title == "Saved whatever the cache"
