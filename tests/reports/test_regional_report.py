"""The regional progress report page (/reports/<REGION>/<YEAR>/): a document a manager hands on —
summary figures, then one initiative at a time (?initiative=, the first by default, a picker
between them) with per expected result the activities that count with their latest APPROVED
progress report (never a draft, a submitted or a returned one), the first 20 of each result and
a link to the list of all, the gaps, the annexes — with links to its XLSX and DOCX files, which
hold every initiative; bad inputs answer 404 or 400, never 500; a fixed number of queries
whatever the number of activities."""

import datetime
import io

import docx
import factory
import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ProgressReport
from initiatives.models import ExpectedResult, Initiative
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    approved_report,
    initiative_with_results,
)
from tests.reports.dashboard_pages import page_tree, text

pytestmark = pytest.mark.django_db

URL = "/reports/ASP/2026/"
State = ProgressReport.State


def page(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def body(html):
    """The page's initiative section (from its picker to the annexes)."""
    return html[html.index('class="report-initiative"') : html.index("Annex A")]


def result_codes(initiative_code):
    results = ExpectedResult.objects.filter(
        initiative__action_plan__code="WTDC-25", initiative__code=initiative_code
    )
    return [f"{initiative_code}.{number}" for number in results.values_list("number", flat=True)]


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


def test_it_shows_the_first_initiative_of_the_region_with_its_objective_and_results(
    viewer_client,
):
    html = page(viewer_client)

    first = Initiative.objects.get(region__code="ASP", action_plan__code="WTDC-25", code="ASP1")
    assert f"{first.code}: {first.title}" in html
    assert first.objective in html
    for code in result_codes("ASP1"):
        assert f"{code}: " in html
    assert "Regional progress report: Asia and the Pacific (ASP), 2026" in html
    assert "Baku Action Plan (WTDC-25)" in html
    assert f"generated on {timezone.localdate():%-d %B %Y}" in html


def test_it_shows_one_initiative_at_a_time(viewer_client):
    initiatives = Initiative.objects.filter(region__code="ASP", action_plan__code="WTDC-25")
    assert initiatives.count() == 5

    for shown in initiatives:
        html = page(viewer_client, initiative=shown.code)

        assert html.count('class="report-initiative"') == 1
        section = body(html)
        for initiative in initiatives:
            on_page = initiative == shown
            assert (f"{initiative.code}: {initiative.title}" in section) is on_page
            assert (initiative.objective in html) is on_page
            for code in result_codes(initiative.code):
                assert (f"{code}: " in section) is on_page
        # The summary and the annexes, on every page: Annex A with a table per initiative.
        assert 'id="report-summary"' in html
        annex_a = html[html.index("Annex A") : html.index("Annex B")]
        assert annex_a.count("<table") == 5


def test_results_with_no_activity_are_listed_as_gaps(viewer_client):
    ActivityFactory(expected_results=["ASP1.3"])

    # ASP1's expected results, one of them with an activity; ASP2's, none.
    assert page(viewer_client).count("No activity yet.") == len(result_codes("ASP1")) - 1
    html = page(viewer_client, initiative="ASP2")
    assert html.count("No activity yet.") == len(result_codes("ASP2"))


def test_it_shows_the_latest_approved_report_and_never_a_draft(viewer_client, reported_activity):
    ProgressReportFactory(
        activity=ActivityFactory(title="Activity with a draft only", expected_results=["ASP2.1"]),
        year=2026,
        quarter=1,
        state=State.DRAFT,
        achievements="Secret draft text.",
    )

    # Listed under both of its expected results, each on its initiative's page.
    for initiative in ["ASP1", "ASP3"]:
        html = page(viewer_client, initiative=initiative)
        assert html.count("Trained 40 officials of the regulator.") == 1
        assert "Travel costs doubled." in html
        assert "2026 Q2, 45% complete" in html
    html += page(viewer_client, initiative="ASP2")
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


def test_the_printed_page_drops_navigation_and_breaks_before_the_initiative(viewer_client):
    html = page(viewer_client, initiative="ASP3")

    assert 'class="regional-report"' in html
    assert html.count('class="report-initiative"') == 1
    assert 'class="report-no-print"' in html
    # The picker is not printed.
    tree = page_tree(viewer_client.get(URL, {"initiative": "ASP3"}))
    for picker in tree.xpath("//nav[contains(@aria-label, 'Initiatives of the report')]"):
        assert "report-no-print" in picker.get("class").split()


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


def test_the_number_of_queries_does_not_grow_with_the_activities(
    viewer_client, django_assert_num_queries
):
    """2 activities and 25 (folded: 20 shown of each result) take as many queries."""

    def populate(count):
        activities = ActivityFactory.create_batch(
            count, countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP1.4", "ASP3.4"]
        )
        for index, activity in enumerate(activities):
            if index % 3 == 0:
                approved_report(activity, 2026, 1, achievements=f"Achievement {index}.")

    populate(2)
    with CaptureQueriesContext(connection) as few:
        html = page(viewer_client, initiative="ASP1")
    assert "activities of ASP1." not in html
    populate(23)
    assert Activity.objects.count() == 25
    with django_assert_num_queries(len(few.captured_queries)):
        html = page(viewer_client, initiative="ASP1")
    assert html.count("All 25 activities of ASP1.") == 2


def test_a_repeated_request_is_served_from_the_cache_per_initiative(viewer_client):
    ActivityFactory(title="Activity of ASP1", expected_results=["ASP1.3"])
    ActivityFactory(title="Activity of ASP3", expected_results=["ASP3.4"])

    for _ in range(2):
        first = page(viewer_client)
        third = page(viewer_client, initiative="ASP3")
        assert "Activity of ASP1" in first and "Activity of ASP3" not in first
        assert "Activity of ASP3" in third and "Activity of ASP1" not in third
    with CaptureQueriesContext(connection) as context:
        page(viewer_client, initiative="ASP3")
    assert not [q for q in context.captured_queries if "activities_activity" in q["sql"]]


# --- The initiative picker


def picker_links(picker):
    """(text, query, aria-current) of each initiative link of a picker, in order."""
    return [
        (text(a), QueryDict(a.get("href").removeprefix("?")), a.get("aria-current"))
        for a in picker.xpath(".//a[not(@rel)]")
    ]


def test_the_picker_links_every_initiative_before_and_after_the_body(viewer_client):
    response = viewer_client.get(URL, {"plan": "WTDC-25", "work": "all", "initiative": "ASP3"})
    tree = page_tree(response)

    pickers = tree.xpath("//nav[starts-with(@aria-label, 'Initiatives of the report')]")
    assert len(pickers) == 2
    section = "section[@class='report-initiative']"
    # One before the initiative's body, one after it: two landmarks, of two names.
    top, end = pickers
    assert top.xpath(f"following::{section}") and not top.xpath(f"preceding::{section}")
    assert end.xpath(f"preceding::{section}") and not end.xpath(f"following::{section}")
    assert top.get("aria-label") != end.get("aria-label")
    for picker in pickers:
        links = picker_links(picker)
        assert [code for code, _, _ in links] == ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]
        for code, query, current in links:
            # Each keeps the page's plan and work.
            assert query.dict() == {"plan": "WTDC-25", "work": "all", "initiative": code}
            assert current == ("page" if code == "ASP3" else None)
        previous, following = picker.xpath(".//a[@rel='prev']"), picker.xpath(".//a[@rel='next']")
        assert [text(a) for a in previous + following] == [
            "Previous initiative: ASP2",
            "Next initiative: ASP4",
        ]
        assert QueryDict(previous[0].get("href")[1:])["initiative"] == "ASP2"
        assert QueryDict(following[0].get("href")[1:])["initiative"] == "ASP4"
    note = text(pickers[0])
    assert "the Word and Excel downloads hold the whole report" in note


def test_a_picker_link_opens_the_initiative_it_names(viewer_client):
    tree = page_tree(viewer_client.get(URL))
    picker = tree.xpath("//nav[@aria-label='Initiatives of the report']")[0]
    assert picker.xpath(".//a[@rel='prev']") == []
    following = picker.xpath(".//a[@rel='next']")[0]
    assert text(following) == "Next initiative: ASP2"

    html = page(viewer_client, f"{URL}{following.get('href')}")

    assert 'id="initiative-ASP2"' in html
    assert 'id="initiative-ASP1"' not in html


def test_the_last_initiative_has_no_next(viewer_client):
    tree = page_tree(viewer_client.get(URL, {"initiative": "ASP5"}))

    picker = tree.xpath("//nav[@aria-label='Initiatives of the report']")[0]
    assert [text(a) for a in picker.xpath(".//a[@rel]")] == ["Previous initiative: ASP4"]
    assert [code for code, _, current in picker_links(picker) if current] == ["ASP5"]


def test_a_region_with_one_initiative_has_a_picker_of_one(viewer_client):
    initiative_with_results("AFR", "AFR1", results=2)

    tree = page_tree(viewer_client.get("/reports/AFR/2026/"))

    picker = tree.xpath("//nav[@aria-label='Initiatives of the report']")[0]
    assert [(code, current) for code, _, current in picker_links(picker)] == [("AFR1", "page")]
    assert picker.xpath(".//a[@rel]") == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (URL, "ASP9"),
        (URL, "asp3"),
        (URL, "ASP3.1"),
        (URL, "AFR1"),  # of another region
        (URL, "x" * 300),
        ("/reports/EUR/2026/", "ASP1"),  # a region with no initiative in the plan
    ],
)
def test_an_unknown_initiative_answers_404(viewer_client, url, code):
    initiative_with_results("AFR", "AFR1")

    response = viewer_client.get(url, {"initiative": code})

    assert response.status_code == 404
    assert "is not an initiative of" in str(response.context["exception"])


# --- The activities of an expected result: the first 20, and a link to all


def result_section(tree, code):
    heading = tree.xpath(f"//section[@class='report-result']/h3[starts-with(., '{code}: ')]")[0]
    return heading.getparent()


def shown_titles(section):
    return [text(a) for a in section.xpath(".//li[@class='report-activity']/h4/a")]


def test_a_result_with_more_than_20_activities_shows_20_and_links_to_all(viewer_client):
    folded = ActivityFactory.create_batch(
        23,
        title=factory.Sequence(lambda n: f"Folded activity {n:05}"),
        expected_results=["ASP2.4", "ASP2.1"],
    )
    ActivityFactory(title="Another result's activity", expected_results=["ASP2.1"])
    ActivityFactory(title="Unfolded activity", expected_results=["ASP2.5"])
    titles = sorted(a.title for a in folded)

    response = viewer_client.get(URL, {"initiative": "ASP2"})
    tree = page_tree(response)

    section = result_section(tree, "ASP2.4")
    assert shown_titles(section) == titles[:20]
    (link,) = section.xpath(".//p[@class='more']/a")
    assert text(link) == "All 23 activities of ASP2.4"
    figures = response.context["figures"]
    assert link.get("href") == figures.scope.activity_list_url(result="ASP2.4")
    # The list it opens holds exactly them.
    listed = page_tree(viewer_client.get(link.get("href")))
    rows = listed.xpath("//table[contains(@class, 'activity-table')]//th[@scope='row']/a")
    assert sorted(text(a) for a in rows) == titles
    assert text(listed.xpath("//p[@class='result-count']")[0]) == "23 activities"
    # Each result is folded on its own: ASP2.1 has 24, ASP2.5 one.
    assert "All 24 activities of ASP2.1" in text(result_section(tree, "ASP2.1"))
    assert shown_titles(result_section(tree, "ASP2.5")) == ["Unfolded activity"]
    assert result_section(tree, "ASP2.5").xpath(".//p[@class='more']") == []


def test_a_result_of_exactly_20_activities_is_not_folded(viewer_client):
    ActivityFactory.create_batch(20, expected_results=["ASP4.2"])

    tree = page_tree(viewer_client.get(URL, {"initiative": "ASP4"}))

    section = result_section(tree, "ASP4.2")
    assert len(shown_titles(section)) == 20
    assert section.xpath(".//p[@class='more']") == []


# --- The downloads hold the whole report


def test_the_downloads_still_hold_every_initiative_and_every_activity(viewer_client):
    many = ActivityFactory.create_batch(25, expected_results=["ASP1.3"])
    ActivityFactory(title="Activity of ASP5", expected_results=["ASP5.2"])

    response = viewer_client.get(
        reverse("reports:regional_report_download", args=["ASP", 2026, "xlsx"]),
        {"plan": "WTDC-25", "initiative": "ASP1"},
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Activities"].iter_rows(values_only=True))[1:]
    assert {row[0] for row in rows} == {"ASP1", "ASP2", "ASP3", "ASP4", "ASP5"}
    assert {row[2] for row in rows if row[1] == "ASP1.3"} == {a.title for a in many}
    assert ("ASP5", "ASP5.2", "Activity of ASP5") in [row[:3] for row in rows]

    response = viewer_client.get(
        reverse("reports:regional_report_download", args=["ASP", 2026, "docx"]),
        {"plan": "WTDC-25"},
    )
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    for code in ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]:
        assert f"{code}: " in paragraphs
    for activity in [*many, Activity.objects.get(title="Activity of ASP5")]:
        assert activity.title in paragraphs
