"""The regional progress report page (/reports/<REGION>/<YEAR>/): a document a manager hands on —
summary figures, per initiative and expected result the activities that count with their latest
APPROVED progress report (never a draft, a submitted or a returned one), the gaps, the annexes —
with links to its XLSX and DOCX files; bad inputs answer 404 or 400, never 500; a fixed number
of queries whatever the number of activities."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ProgressReport
from initiatives.models import Initiative
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory, approved_report

pytestmark = pytest.mark.django_db

URL = "/reports/ASP/2026/"
State = ProgressReport.State


def page(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def annex_b_row(html, group):
    """The row of `group` in the annex of countries not reached."""
    annex = html[html.index("Annex B") :]
    return next(row for row in annex.split("<tr>") if f">{group}</abbr>" in row)


@pytest.fixture
def reported_activity():
    """An ongoing activity in Tonga and Fiji with approved reports for 2026 Q1 and Q2, and
    later reports that are not approved (submitted, returned, draft) or of another year."""
    activity = ActivityFactory(
        title="Spectrum management training",
        countries=["TON", "FJI"],
        expected_results=["ASP1.3", "ASP3.4"],
    )
    approved_report(activity, 2026, 1, achievements="Older approved text.", percent_complete=20)
    approved_report(
        activity,
        2026,
        2,
        achievements="Trained 40 officials of the regulator.",
        challenges="Travel costs doubled.",
        percent_complete=45,
    )
    ProgressReportFactory(
        activity=activity,
        year=2026,
        quarter=3,
        state=State.SUBMITTED,
        achievements="Text of a submitted report.",
        percent_complete=90,
    )
    ProgressReportFactory(
        activity=activity,
        year=2026,
        quarter=4,
        state=State.RETURNED,
        reviewer=UserFactory(),
        reviewed_at=timezone.now(),
        achievements="Text of a returned report.",
        percent_complete=95,
    )
    approved_report(activity, 2027, 1, achievements="Approved text of 2027.")
    return activity


def test_it_holds_every_initiative_of_the_region_with_its_objective_and_results(viewer_client):
    html = page(viewer_client)

    initiatives = Initiative.objects.filter(region__code="ASP", action_plan__code="WTDC-25")
    assert initiatives.count() == 5
    for initiative in initiatives.prefetch_related("expected_results"):
        assert f"{initiative.code}: {initiative.title}" in html
        assert initiative.objective in html
        for result in initiative.expected_results.all():
            assert f"{result.code}: " in html
    assert "Regional progress report: Asia and the Pacific (ASP), 2026" in html
    assert "Baku Action Plan (WTDC-25)" in html
    assert f"generated on {timezone.localdate():%-d %B %Y}" in html


def test_results_with_no_activity_are_listed_as_gaps(viewer_client):
    ActivityFactory(expected_results=["ASP1.3"])

    html = page(viewer_client)

    # 35 expected results, one of them with an activity.
    assert html.count("No activity yet.") == 34


def test_it_shows_the_latest_approved_report_and_never_a_draft(viewer_client, reported_activity):
    ProgressReportFactory(
        activity=ActivityFactory(title="Activity with a draft only", expected_results=["ASP2.1"]),
        year=2026,
        quarter=1,
        state=State.DRAFT,
        achievements="Secret draft text.",
    )

    html = page(viewer_client)

    assert "Trained 40 officials of the regulator." in html
    assert "Travel costs doubled." in html
    assert "2026 Q2, 45% complete" in html
    # Listed under both of its expected results.
    assert html.count("Trained 40 officials of the regulator.") == 2
    for hidden in [
        "Older approved text.",
        "Text of a submitted report.",
        "Text of a returned report.",
        "Approved text of 2027.",
        "Secret draft text.",
    ]:
        assert hidden not in html
    assert "Activity with a draft only" in html
    assert "No approved progress report yet." in html


def test_a_later_year_shows_the_report_of_that_year(viewer_client, reported_activity):
    reported_activity.end_date = datetime.date(2027, 6, 30)
    reported_activity.save()

    html = page(viewer_client, "/reports/ASP/2027/")

    assert "Approved text of 2027." in html
    assert "Trained 40 officials of the regulator." not in html


def test_it_lists_only_the_activities_that_count(viewer_client):
    ActivityFactory(title="Counted activity", countries=["TON"])
    ActivityFactory(title="Cancelled activity", status=Activity.Status.CANCELLED)
    ActivityFactory(title="Archived activity", archived_at=timezone.now())
    ActivityFactory(
        title="Activity of 2025",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )

    html = page(viewer_client)

    assert "Counted activity" in html
    for title in ["Cancelled activity", "Archived activity", "Activity of 2025"]:
        assert title not in html


def test_the_summary_and_the_annexes_hold_the_figures(viewer_client):
    ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    ActivityFactory(status=Activity.Status.PLANNED, countries=["AFG"], expected_results=["ASP2.1"])

    response = viewer_client.get(URL)
    html = response.content.decode()
    figures = response.context["figures"]

    statuses = {status: figure.value for status, _, figure in figures.activities_by_status}
    assert statuses == {"planned": 1, "ongoing": 1, "suspended": 0, "completed": 0}
    assert figures.coverage[0].value == 1
    # Every figure is a link to the list of what it counts.
    for _, _, figure in figures.activities_by_status:
        assert f'href="{figure.url}"'.replace("&", "&amp;") in html
    ldc = next(reach for reach in figures.group_reach if reach.code == "LDC")
    assert "Afghanistan" in [country.name for country in ldc.unreached]
    assert "Afghanistan" in annex_b_row(html, "LDC")
    assert "Afghanistan" in annex_b_row(html, "LLDC")
    sids = annex_b_row(html, "SIDS")
    assert "Tonga" not in sids  # reached
    assert "Fiji" in sids
    annex_a = html[html.index("Annex A") : html.index("Annex B")]
    assert annex_a.count("<table") == 5


def test_a_region_with_no_initiative_in_the_plan_gets_an_empty_report(viewer_client):
    html = page(viewer_client, "/reports/EUR/2026/")

    assert "Regional progress report: Europe (EUR), 2026" in html
    assert 'class="report-initiative"' not in html
    assert "No activity yet." not in html


def test_it_links_to_its_files_for_the_same_plan_and_year(viewer_client):
    html = page(viewer_client)

    xlsx = reverse("reports:regional_report_download", args=["ASP", 2026, "xlsx"])
    docx = reverse("reports:regional_report_download", args=["ASP", 2026, "docx"])
    assert f'href="{xlsx}?plan=WTDC-25"' in html
    assert f'href="{docx}?plan=WTDC-25"' in html


def test_the_printed_page_drops_navigation_and_breaks_before_each_initiative(viewer_client):
    html = page(viewer_client)

    assert 'class="regional-report"' in html
    assert html.count('class="report-initiative"') == 5
    assert 'class="report-no-print"' in html


def test_a_viewer_may_read_it_and_an_anonymous_visitor_is_sent_to_log_in(client, viewer):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(viewer)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/reports/XYZ/2026/", 404),
        ("/reports/asp/2026/", 404),
        ("/reports/ASP/2026/?plan=WTDC-99", 404),
        ("/reports/ASP/1999/", 400),
        ("/reports/ASP/2101/", 400),
        ("/reports/ASP/20x6/", 404),
    ],
)
def test_bad_region_plan_or_year_answer_404_or_400(viewer_client, url, status):
    assert viewer_client.get(url).status_code == status


def test_the_number_of_queries_does_not_grow_with_the_activities(viewer_client):
    def populate(count):
        for index in range(count):
            activity = ActivityFactory(
                countries=["TON", "FJI"],
                expected_results=["ASP1.3", "ASP3.4"],
                status=Activity.Status.COMPLETED if index % 2 else Activity.Status.ONGOING,
            )
            if index % 3 == 0:
                approved_report(activity, 2026, 1, achievements=f"Achievement {index}.")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert viewer_client.get(URL).status_code == 200
        return len(context.captured_queries)

    populate(10)
    few = queries()
    populate(190)
    assert Activity.objects.count() == 200
    assert queries() == few
