"""The progress report list, /progress-reports/: its quick views (waiting for my review,
returned to me, my drafts, all in my regions), its filters, order and pages, and the same rows
as CSV and XLSX; a reviewer sees only their regions' reports, a draft only its author."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from activities import report_list_views
from activities.models import ProgressReport
from initiatives.models import Region
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory

State = ProgressReport.State
URL = "/progress-reports/"
CSV_URL = "/progress-reports/export.csv"
XLSX_URL = "/progress-reports/export.xlsx"


def in_africa(title="Broadband mapping in Kenya"):
    return ActivityFactory(
        title=title, region=Region.objects.get(code="AFR"), countries=["KEN"], expected_results=[]
    )


def submitted(**fields):
    return ProgressReportFactory(
        **{"state": State.SUBMITTED, "submitted_at": timezone.now(), **fields}
    )


def reviewed(state, reviewer=None, **fields):
    now = timezone.now()
    return ProgressReportFactory(
        **{
            "state": state,
            "submitted_at": now,
            "reviewer": reviewer or UserFactory(),
            "reviewed_at": now,
            **fields,
        }
    )


def listed(response):
    """The reports the page lists, in order."""
    assert response.status_code == 200
    page = response.context["page"]
    return list(page.object_list) if page else []


def titles(response):
    return [report.activity.title for report in listed(response)]


def content(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    return [list(row) for row in workbook["Progress reports"].iter_rows(values_only=True)]


@pytest.fixture
def afr_reviewer(db):
    return UserFactory(username="afr.reviewer", role="Reviewer", regions=["AFR"])


# --- Who sees what ----------------------------------------------------------------------------


def test_a_reviewer_of_asia_pacific_never_sees_africas_reports(client, asp_reviewer):
    submitted(activity=ActivityFactory(title="Tonga plan"))
    submitted(activity=in_africa())
    reviewed(State.APPROVED, activity=in_africa("Approved in Kenya"))
    client.force_login(asp_reviewer)
    for view in ["", "waiting", "all"]:
        assert titles(client.get(URL, {"view": view})) == ["Tonga plan"]
    page = client.get(URL).content.decode()
    assert "Kenya" not in page
    # Asking for Africa by name lists nothing and says why.
    response = client.get(URL, {"region": "AFR"})
    assert listed(response) == []
    assert "Not one of your regions: pick one from the list." in response.content.decode()
    assert "Kenya" not in content(client.get(CSV_URL)).decode()
    assert "Kenya" not in content(client.get(CSV_URL, {"view": "waiting"})).decode()


def test_drafts_are_listed_for_their_author_only(
    client, asp_editor, asp_reviewer, viewer, superuser
):
    ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="My draft"))
    client.force_login(asp_editor)
    assert titles(client.get(URL)) == ["My draft"]
    assert titles(client.get(URL, {"view": "drafts"})) == ["My draft"]
    for someone_else in [asp_reviewer, viewer, superuser]:
        client.force_login(someone_else)
        for view in ["", "all", "drafts", "waiting", "returned"]:
            assert listed(client.get(URL, {"view": view, "state": "draft"})) == []
            assert listed(client.get(URL, {"view": view, "author": "asp.editor"})) == []
        assert "My draft" not in content(client.get(CSV_URL, {"state": "draft"})).decode()


def test_viewers_see_every_regions_reports_but_nobodys_drafts(client, viewer):
    submitted(activity=ActivityFactory(title="Tonga plan"))
    reviewed(State.APPROVED, activity=in_africa())
    ProgressReportFactory(activity=ActivityFactory(title="A draft"))
    client.force_login(viewer)
    response = client.get(URL)
    assert sorted(titles(response)) == ["Broadband mapping in Kenya", "Tonga plan"]
    assert [label for _, label in response.context["tabs"]] == ["All regions"]
    assert 'aria-current="page"><strong>All regions</strong></a>' in response.content.decode()


def test_each_persona_gets_the_tabs_of_their_work(client, asp_editor, asp_reviewer):
    client.force_login(asp_reviewer)
    assert [label for _, label in client.get(URL).context["tabs"]] == [
        "Waiting for my review",
        "Returned to me",
        "My drafts",
        "All in my regions",
    ]
    client.force_login(asp_editor)
    assert [view for view, _ in client.get(URL).context["tabs"]] == ["returned", "drafts", "all"]


def test_the_list_needs_a_login(client):
    for url in [URL, CSV_URL, XLSX_URL]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_main_navigation_links_to_the_list(client, viewer):
    client.force_login(viewer)
    page = client.get(URL).content.decode()
    assert '<a href="/progress-reports/" aria-current="page">Progress reports</a>' in page


# --- The quick views --------------------------------------------------------------------------


def test_waiting_for_my_review_lists_others_submitted_reports_oldest_first(
    client, asp_reviewer, asp_editor
):
    now = timezone.now()
    for days, title in [(1, "Newer"), (9, "Oldest"), (3, "Middle")]:
        submitted(
            activity=ActivityFactory(title=title),
            author=asp_editor,
            submitted_at=now - datetime.timedelta(days=days),
        )
    ProgressReportFactory(
        author=asp_reviewer,
        state=State.SUBMITTED,
        activity=ActivityFactory(title="My own submitted"),
    )
    reviewed(State.APPROVED, activity=ActivityFactory(title="Approved"))
    client.force_login(asp_reviewer)
    response = client.get(URL, {"view": "waiting"})
    assert titles(response) == ["Oldest", "Middle", "Newer"]
    assert (
        'aria-current="page"><strong>Waiting for my review</strong></a>'
        in response.content.decode()
    )


def test_returned_to_me_lists_my_returned_reports_latest_first(client, asp_editor, asp_reviewer):
    now = timezone.now()
    for days, title in [(5, "Returned earlier"), (1, "Returned lately")]:
        reviewed(
            State.RETURNED,
            reviewer=asp_reviewer,
            author=asp_editor,
            activity=ActivityFactory(title=title),
            reviewed_at=now - datetime.timedelta(days=days),
        )
    reviewed(State.RETURNED, activity=ActivityFactory(title="Someone else's"))
    reviewed(State.APPROVED, author=asp_editor, activity=ActivityFactory(title="Approved"))
    client.force_login(asp_editor)
    assert titles(client.get(URL, {"view": "returned"})) == ["Returned lately", "Returned earlier"]


def test_all_in_my_regions_lists_every_state_latest_period_first(client, asp_editor):
    ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="Mine, 2026 Q2"))
    submitted(activity=ActivityFactory(title="Submitted, 2026 Q3"), quarter=3)
    reviewed(
        State.APPROVED, activity=ActivityFactory(title="Approved, 2025 Q4"), year=2025, quarter=4
    )
    reviewed(State.RETURNED, activity=ActivityFactory(title="Returned, 2026 Q1"), quarter=1)
    submitted(activity=in_africa())
    client.force_login(asp_editor)
    assert titles(client.get(URL)) == [
        "Submitted, 2026 Q3",
        "Mine, 2026 Q2",
        "Returned, 2026 Q1",
        "Approved, 2025 Q4",
    ]


# --- Filters, order and pages -----------------------------------------------------------------


@pytest.fixture
def reports(db):
    """Reports of several periods, states and authors in Asia-Pacific, and one in Africa."""
    mele = UserFactory(username="mele", first_name="Mele", last_name="Tupou")
    return {
        "tonga": submitted(activity=ActivityFactory(title="Tonga"), author=mele, quarter=1),
        "fiji": reviewed(State.APPROVED, activity=ActivityFactory(title="Fiji"), quarter=2),
        "samoa": reviewed(State.RETURNED, activity=ActivityFactory(title="Samoa"), year=2025),
        "kenya": submitted(activity=in_africa("Kenya"), quarter=2),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "ASP"}, ["Tonga", "Fiji", "Samoa"]),
        ({"region": "AFR"}, ["Kenya"]),
        ({"year": "2025"}, ["Samoa"]),
        ({"year": "2026", "quarter": "2"}, ["Fiji", "Kenya"]),
        ({"state": "approved"}, ["Fiji"]),
        ({"state": "submitted", "region": "ASP"}, ["Tonga"]),
        ({"author": "mele"}, ["Tonga"]),
    ],
)
def test_each_filter_narrows_the_list(client, viewer, reports, query, expected):
    client.force_login(viewer)
    assert sorted(titles(client.get(URL, {**query, "sort": "activity"}))) == sorted(expected)


def test_an_author_may_be_given_by_id_and_shows_by_name(client, viewer, reports):
    client.force_login(viewer)
    mele = reports["tonga"].author
    response = client.get(URL, {"author": str(mele.pk)})
    assert titles(response) == ["Tonga"]
    assert "Author: Mele Tupou" in response.content.decode()


def test_the_filters_in_use_are_chips_that_remove_one_each(client, viewer, reports):
    client.force_login(viewer)
    page = client.get(URL, {"view": "all", "region": "ASP", "state": "approved"}).content.decode()
    assert '<a class="chip" href="?view=all&amp;state=approved">Region: Asia' in page
    assert '<a class="chip" href="?view=all&amp;region=ASP">State: Approved' in page
    assert '<a href="?view=all">Clear all filters</a>' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "twenty"}, "Year</a>: Enter a year as four digits, e.g. 2026."),
        ({"year": "1999"}, "Enter a year between 2000 and 2100."),
        ({"quarter": "5"}, "Quarter</a>: Unknown quarter: pick one from the list."),
        ({"state": "lost"}, "State</a>: Unknown state: pick one from the list."),
        ({"region": "XYZ"}, "Region</a>: Unknown region: pick one from the list."),
        ({"author": "nobody"}, "Author</a>: Unknown author: pick one from the list."),
        ({"view": "everything"}, "List: Unknown list: pick one of the tabs."),
        ({"sort": "secret"}, "Unknown sort order: sort with the column headers."),
    ],
)
def test_an_invalid_filter_says_what_is_wrong_and_lists_nothing(
    client, viewer, reports, query, message
):
    client.force_login(viewer)
    response = client.get(URL, query)
    page = response.content.decode()
    assert listed(response) == []
    assert response.context["paginator"].count == 0
    assert "Some filters are not valid, so no reports are listed." in page
    assert message in page
    assert "Download CSV" not in page


def test_an_invalid_filter_makes_no_file(client, viewer, reports):
    client.force_login(viewer)
    response = client.get(CSV_URL, {"state": "lost", "region": "ASP"}, follow=True)
    assert response.redirect_chain == [("/progress-reports/?state=lost&region=ASP", 302)]
    page = response.content.decode()
    assert "No file was made: some filters are not valid." in page
    assert listed(response) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("activity", ["Fiji", "Kenya", "Samoa", "Tonga"]),
        ("-activity", ["Tonga", "Samoa", "Kenya", "Fiji"]),
        ("region", ["Kenya", "Fiji", "Tonga", "Samoa"]),  # AFR first, then by latest period
        ("period", ["Samoa", "Tonga", "Fiji", "Kenya"]),
        ("-author", ["Tonga", "Kenya", "Samoa", "Fiji"]),  # mele, then by users' numbers
    ],
)
def test_it_sorts_by_the_column_asked_for(client, viewer, reports, sort, expected):
    client.force_login(viewer)
    if sort == "-author":
        # Usernames of the factory are user1, user2…: make the order plain.
        authors = {"Kenya": "kuini", "Samoa": "fetu", "Fiji": "alo"}
        for title, username in authors.items():
            report = ProgressReport.objects.get(activity__title=title)
            report.author.username = username
            report.author.save()
    assert titles(client.get(URL, {"sort": sort})) == expected


def test_the_column_headers_sort_and_say_how_it_is_sorted(client, viewer, reports):
    client.force_login(viewer)
    page = client.get(URL, {"region": "ASP", "sort": "activity"}).content.decode()
    assert (
        '<th scope="col" aria-sort="ascending"><a class="sort-link" '
        'href="?region=ASP&amp;sort=-activity">Activity' in page
    )
    assert '<a class="sort-link" href="?region=ASP&amp;sort=period">Period' in page


def test_the_tabs_keep_the_filters_and_start_on_the_first_page(client, asp_reviewer):
    client.force_login(asp_reviewer)
    page = client.get(URL, {"region": "ASP", "page": "1", "sort": "state"}).content.decode()
    assert '<a href="?region=ASP&amp;view=waiting">Waiting for my review</a>' in page


def test_it_shows_a_page_at_a_time_and_the_pages_keep_the_filters(client, viewer, monkeypatch):
    monkeypatch.setattr(report_list_views, "REPORTS_PER_PAGE", 2)
    for quarter in range(1, 4):
        submitted(activity=ActivityFactory(title=f"Report of Q{quarter}"), quarter=quarter)
    submitted(activity=in_africa())
    client.force_login(viewer)
    first = client.get(URL, {"region": "ASP"})
    assert titles(first) == ["Report of Q3", "Report of Q2"]
    assert "3 reports" in first.content.decode()
    assert '<a href="?region=ASP&amp;page=2" rel="next">Next</a>' in first.content.decode()
    assert titles(client.get(URL, {"region": "ASP", "page": "2"})) == ["Report of Q1"]
    beyond = client.get(URL, {"region": "ASP", "page": "3"})
    assert listed(beyond) == []
    assert "This page does not exist: the list has 2 pages." in beyond.content.decode()


def test_an_empty_list_says_so(client, asp_reviewer, asp_editor):
    client.force_login(asp_reviewer)
    assert "Nothing to review: no report of your regions is waiting." in (
        client.get(URL, {"view": "waiting"}).content.decode()
    )
    client.force_login(asp_editor)
    assert "No reports in this list." in client.get(URL).content.decode()
    assert "No reports match these filters." in client.get(URL, {"year": "2030"}).content.decode()


def make_reports(count, author, reviewer):
    """`count` reports in each state, of `author`, in Asia-Pacific, and as many in Africa."""
    for state in State:
        for index in range(count):
            fields = {"author": author, "quarter": index % 4 + 1, "year": 2020 + index // 4}
            if state in (State.APPROVED, State.RETURNED):
                reviewed(state, reviewer=reviewer, **fields)
            elif state == State.SUBMITTED:
                submitted(**fields)
            else:
                ProgressReportFactory(**fields)
            submitted(activity=in_africa(), year=2020 + index // 4, quarter=index % 4 + 1)


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("view", ["waiting", "returned", "drafts", "all"])
def test_the_number_of_queries_does_not_grow_with_the_reports(
    client, db, django_assert_num_queries, count, view
):
    reviewer = UserFactory(role="Reviewer", regions=["ASP"])
    make_reports(count, author=reviewer, reviewer=UserFactory())
    make_reports(count, author=UserFactory(role="Editor", regions=["ASP"]), reviewer=reviewer)
    client.force_login(reviewer)
    # Session, user, permissions (2), regions, the regions and authors to choose from, the
    # count and the page's rows.
    with django_assert_num_queries(9):
        response = client.get(URL, {"view": view, "sort": "-region"})
    # All: the reviewer's own in each state, and the editor's but their drafts.
    assert response.context["paginator"].count == count * (7 if view == "all" else 1)


# --- The list as a file -----------------------------------------------------------------------


def test_the_csv_holds_exactly_the_filtered_rows_in_the_lists_order(client, viewer, reports):
    client.force_login(viewer)
    response = client.get(CSV_URL, {"region": "ASP", "sort": "activity"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="progress-reports-')
    rows = csv_rows(response)
    assert rows[0] == report_list_views.EXPORT_HEADERS
    assert [row[0] for row in rows[1:]] == ["Fiji", "Samoa", "Tonga"]
    fiji = dict(zip(rows[0], rows[1], strict=True))
    report = reports["fiji"]
    assert fiji["Region"] == "ASP"
    assert (fiji["Year"], fiji["Quarter"], fiji["State"]) == ("2026", "Q2", "Approved")
    assert fiji["Status at the time"] == "Ongoing"
    assert fiji["Percent complete"] == "40"
    assert fiji["Achievements"] == "Trained 40 officials of the regulator."
    assert fiji["Activity tracker id"] == str(report.activity.uid)
    assert fiji["Reviewer"] == report.reviewer.username
    assert fiji["Reviewed"] == timezone.localdate(report.reviewed_at).isoformat()


def test_the_xlsx_holds_the_same_rows(client, viewer, reports):
    client.force_login(viewer)
    query = {"state": "submitted", "sort": "activity"}
    rows = xlsx_rows(client.get(XLSX_URL, query))
    assert rows[0] == report_list_views.EXPORT_HEADERS
    assert [row[0] for row in rows[1:]] == ["Kenya", "Tonga"]
    assert [row[0] for row in csv_rows(client.get(CSV_URL, query))[1:]] == ["Kenya", "Tonga"]
    tonga = dict(zip(rows[0], rows[2], strict=True))
    assert tonga["Author"] == "mele"
    assert tonga["Submitted"].date() == timezone.localdate(reports["tonga"].submitted_at)
    assert tonga["Reviewed"] is None


def test_an_export_is_of_the_users_view(client, asp_editor, asp_reviewer):
    ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="My draft"))
    submitted(activity=ActivityFactory(title="Waiting"))
    client.force_login(asp_editor)
    assert [row[0] for row in csv_rows(client.get(CSV_URL, {"view": "drafts"}))[1:]] == ["My draft"]
    client.force_login(asp_reviewer)
    assert [row[0] for row in csv_rows(client.get(CSV_URL, {"view": "waiting"}))[1:]] == ["Waiting"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_no_text_of_a_report_is_ever_a_formula(client, viewer, url):
    reviewed(
        State.RETURNED,
        activity=ActivityFactory(title='=HYPERLINK("http://evil.example","Tonga")'),
        achievements="+1 trained",
        challenges="@SUM(1+1)",
        next_steps="Fiji;=cmd",
        review_comment="-2 more",
    )
    client.force_login(viewer)
    response = client.get(url)
    rows = csv_rows(response) if url == CSV_URL else xlsx_rows(response)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Activity"] == '\'=HYPERLINK("http://evil.example","Tonga")'
    assert row["Achievements"] == "'+1 trained"
    assert row["Challenges"] == "'@SUM(1+1)"
    assert row["Next steps"] == "Fiji;'=cmd"
    assert row["Review comment"] == "'-2 more"


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_the_number_of_queries_of_an_export_does_not_grow_with_the_rows(
    client, viewer, django_assert_num_queries, count, url
):
    make_reports(count, author=UserFactory(), reviewer=UserFactory())
    client.force_login(viewer)
    # Session, user, permissions (2), regions (none: a Viewer), the regions and authors to
    # choose from, the rows.
    with django_assert_num_queries(8):
        response = client.get(url, {"region": "AFR"})
        rows = csv_rows(response) if url == CSV_URL else xlsx_rows(response)
    assert len(rows) == 1 + 4 * count
