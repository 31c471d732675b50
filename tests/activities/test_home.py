"""The home page: "My work" (drafts, returned reports, reports to review, stale activities),
each list's "and 5 more" a link to the list of them all; my regions' headline figures (every
region's for a Viewer), each region linking to its dashboard; recent changes; then the current
action plan's initiatives by region."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport, previous_quarters
from initiatives.models import ActionPlan, Region
from reports.forms import default_year
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    approved_report,
    initiative_with_results,
)
from tests.reports.dashboard_pages import add_activities, links, numbers, page_tree, text

State = ProgressReport.State


def approved(activity, year, quarter, **kwargs):
    return ProgressReportFactory(
        activity=activity,
        year=year,
        quarter=quarter,
        state=State.APPROVED,
        reviewer=UserFactory(),
        reviewed_at=timezone.now(),
        **kwargs,
    )


def section(page, heading_id):
    """The HTML of the home page's section headed by `heading_id`."""
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


# --- The initiatives overview, lower on the page ----------------------------------------------


def test_it_shows_asp1_to_asp5_with_their_expected_results(
    client, asp_editor, django_assert_max_num_queries
):
    client.force_login(asp_editor)
    with django_assert_max_num_queries(27):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Asia and the Pacific (ASP)" in page
    for code, count in [("ASP1", 5), ("ASP2", 6), ("ASP3", 8), ("ASP4", 6), ("ASP5", 10)]:
        assert f'/initiatives/WTDC-25/{code}/">{code}</a>' in page
        assert re.search(rf'<td class="number"[^>]*>{count}</td>', page)
    assert page.index('id="my-work-heading"') < page.index('id="plan-heading"')


def test_it_shows_the_navigation(client, asp_editor):
    client.force_login(asp_editor)
    page = client.get("/").content.decode()
    for label in ["Home", "Activities", "Initiatives", "Countries", "Log out"]:
        assert f">{label}<" in page
    assert ">Admin<" not in page


def test_staff_see_the_admin_link(client, superuser):
    client.force_login(superuser)
    assert ">Admin<" in client.get("/").content.decode()


# --- My work --------------------------------------------------------------------------------


def test_my_drafts_are_listed_with_a_count_and_nobody_elses(client, asp_editor):
    mine = ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="IXP study"))
    ProgressReportFactory(activity=ActivityFactory(title="Someone else's draft"))
    client.force_login(asp_editor)
    response = client.get("/")
    drafts = section(response.content.decode(), "drafts-heading")
    assert '<span class="count">(1)</span>' in drafts
    assert f'<a href="{mine.get_absolute_url()}">IXP study, 2026 Q2</a>' in drafts
    assert "Someone else" not in drafts
    assert response.context["drafts"].count == 1


def test_reports_returned_to_me_show_the_reviewers_comment(client, asp_editor, asp_reviewer):
    ProgressReportFactory(
        author=asp_editor,
        state=State.RETURNED,
        reviewer=asp_reviewer,
        reviewed_at=timezone.now(),
        review_comment="Please add the evidence links.",
    )
    client.force_login(asp_editor)
    returned = section(client.get("/").content.decode(), "returned-heading")
    assert "returned by asp.reviewer" in returned
    assert "Please add the evidence links." in returned


def test_reviewers_see_the_submitted_reports_of_their_regions_but_not_their_own(
    client, asp_reviewer, asp_editor
):
    waiting = ProgressReportFactory(
        author=asp_editor,
        state=State.SUBMITTED,
        submitted_at=timezone.now(),
        activity=ActivityFactory(title="Waiting one"),
    )
    ProgressReportFactory(
        author=asp_reviewer,
        state=State.SUBMITTED,
        activity=ActivityFactory(title="My own submitted"),
    )
    africa = Region.objects.get(code="AFR")
    ProgressReportFactory(
        state=State.SUBMITTED,
        activity=ActivityFactory(
            title="In Africa", region=africa, countries=["KEN"], expected_results=[]
        ),
    )
    ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="A mere draft"))
    client.force_login(asp_reviewer)
    page = section(client.get("/").content.decode(), "waiting-heading")
    assert f'<a href="{waiting.get_absolute_url()}">Waiting one, 2026 Q2</a>' in page
    assert '<span class="count">(1)</span>' in page
    for title in ["My own submitted", "In Africa", "A mere draft"]:
        assert title not in page


def test_editors_have_no_review_section_and_see_helpful_empty_states(client, asp_editor):
    client.force_login(asp_editor)
    page = client.get("/").content.decode()
    assert "waiting-heading" not in page
    assert "No drafts. Start a report from an activity's page" in page
    assert "no reviewer has asked you for changes" in page
    assert "All up to date" in page


def test_my_stale_activities_are_listed_with_a_link_to_report(client, asp_editor):
    last_quarter = previous_quarters()[0]
    stale = ActivityFactory(title="No news", focal_point=asp_editor)
    reported = ActivityFactory(title="Reported", created_by=asp_editor)
    approved(reported, *last_quarter)
    ActivityFactory(title="Not mine")
    ActivityFactory(title="Planned", focal_point=asp_editor, status=Activity.Status.PLANNED)
    client.force_login(asp_editor)
    page = section(client.get("/").content.decode(), "stale-heading")
    assert f'<a href="{stale.get_absolute_url()}">No news</a>' in page
    assert f"/activities/{stale.pk}/reports/new/" in page
    for title in ["Reported", "Not mine", "Planned"]:
        assert f">{title}<" not in page


def test_recent_changes_in_my_regions_say_who_did_what(client, asp_editor, asp_reviewer):
    report = ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="IXP study"))
    client.force_login(asp_editor)
    client.post(f"/activities/{report.activity_id}/reports/{report.pk}/submit/")
    africa = Region.objects.get(code="AFR")
    ActivityFactory(title="In Africa", region=africa, countries=["KEN"], expected_results=[])
    ProgressReportFactory(activity=ActivityFactory(title="Another's draft"))
    page = section(client.get("/").content.decode(), "changes-heading")
    assert "Recent changes in your regions" in page
    assert f'Submitted: <a href="{report.get_absolute_url()}">IXP study, report 2026 Q2</a>' in page
    assert re.search(r"<td[^>]*>asp.editor</td>", page)
    assert "In Africa" not in page
    assert "Another&#x27;s draft, report" not in page


def test_viewers_see_a_read_only_overview_of_every_region(client, viewer):
    africa = Region.objects.get(code="AFR")
    ActivityFactory(title="In Africa", region=africa, countries=["KEN"], expected_results=[])
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "My work" not in page
    assert "You read the activities and reports of every region." in page
    assert "In Africa" in section(page, "changes-heading")


def make_work(count, author, reviewer):
    """`count` reports of `author` in each state of "My work" (draft, submitted, returned by
    `reviewer`), each on an activity that `author` leads."""
    for state in [State.DRAFT, State.SUBMITTED, State.RETURNED]:
        reviewed = state == State.RETURNED
        for _ in range(count):
            ProgressReportFactory(
                activity=ActivityFactory(focal_point=author),
                author=author,
                state=state,
                reviewer=reviewer if reviewed else None,
                reviewed_at=timezone.now() if reviewed else None,
                review_comment="Fix it." if reviewed else "",
            )


@pytest.mark.parametrize("count", [2, 20])
def test_the_number_of_queries_does_not_grow_with_the_work(
    client, db, django_assert_num_queries, count
):
    reviewer = UserFactory(role="Reviewer", regions=["ASP"])
    colleague = UserFactory(role="Reviewer", regions=["ASP"])
    make_work(count, author=reviewer, reviewer=colleague)
    make_work(count, author=UserFactory(role="Editor", regions=["ASP"]), reviewer=colleague)
    client.force_login(reviewer)
    # Session, user, permissions (2), regions (2: ids, names); drafts, returned, stale, needing
    # attention and waiting (each its rows and count); recent changes (2); the plan and its
    # initiatives; my regions' figures (10: the all-regions page's 9 and the approved reports).
    with django_assert_num_queries(30):
        response = client.get("/")
    for name, total in [("drafts", count), ("returned", count), ("waiting", count)]:
        assert response.context[name].count == total
        assert len(response.context[name].items) == min(total, 5)
    assert response.context["stale"].count == 3 * count
    assert len(response.context["changes"]) == 10


# --- Every "and N more" is a link to the list of them all --------------------------------------


def more_link(page, heading_id):
    """The "and N more" of a home list: N and the URL it links to."""
    found = re.search(
        r'<p class="more"><a href="([^"]+)">and (\d+) more', section(page, heading_id)
    )
    assert found, f"no link to the rest of {heading_id}"
    return int(found[2]), html.unescape(found[1])


def report_rows(response):
    """The reports a page of the report list shows, in order."""
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_the_seven_reports_waiting_for_my_review_are_all_on_the_list_it_links_to(
    client, asp_reviewer, asp_editor
):
    now = timezone.now()
    for days in range(7):
        ProgressReportFactory(
            author=asp_editor,
            state=State.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=days),
        )
    ProgressReportFactory(
        state=State.SUBMITTED,
        activity=ActivityFactory(region=Region.objects.get(code="AFR"), countries=["KEN"]),
    )
    client.force_login(asp_reviewer)
    home = client.get("/")
    waiting = home.context["waiting"]
    more, url = more_link(home.content.decode(), "waiting-heading")
    assert (waiting.count, more, url) == (7, 2, "/progress-reports/?view=waiting")
    listed = report_rows(client.get(url))
    assert len(listed) == waiting.count
    assert listed[:5] == waiting.items  # the list starts as the home page's


@pytest.mark.parametrize(
    ("state", "heading_id", "view"),
    [(State.RETURNED, "returned-heading", "returned"), (State.DRAFT, "drafts-heading", "drafts")],
)
def test_my_returned_reports_and_drafts_are_all_on_the_list_they_link_to(
    client, asp_editor, asp_reviewer, state, heading_id, view
):
    returned = state == State.RETURNED
    review = {"reviewer": asp_reviewer, "reviewed_at": timezone.now()} if returned else {}
    for _ in range(6):
        ProgressReportFactory(author=asp_editor, state=state, **review)
    ProgressReportFactory(state=state, **review)  # someone else's
    client.force_login(asp_editor)
    home = client.get("/")
    more, url = more_link(home.content.decode(), heading_id)
    assert (home.context[view].count, more, url) == (6, 1, f"/progress-reports/?view={view}")
    listed = report_rows(client.get(url))
    assert len(listed) == 6
    assert listed[:5] == home.context[view].items


def test_my_stale_activities_are_all_on_the_activity_list_it_links_to(client, asp_editor):
    for n in range(8):
        ActivityFactory(title=f"Stale {n}", focal_point=asp_editor if n % 2 else None)
        ActivityFactory(title=f"Stale too {n}", created_by=asp_editor)
    ActivityFactory(title="Someone else's")
    ActivityFactory(title="Archived", focal_point=asp_editor, archived_at=timezone.now())
    client.force_login(asp_editor)
    home = client.get("/")
    more, url = more_link(home.content.decode(), "stale-heading")
    stale = home.context["stale"]
    assert (stale.count, more) == (12, 7)
    assert url == "/activities/?mine=1&stale=1&sort=title"
    page = client.get(url).content.decode()
    assert '<p class="result-count" role="status">12 activities</p>' in page
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert len(rows) == 12
    assert rows[:5] == [activity.title for activity in stale.items]


def test_my_activities_that_need_attention_are_all_on_the_activity_list_it_links_to(
    client, asp_editor
):
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=1), today + datetime.timedelta(days=30)
    long_ago = today - datetime.timedelta(days=90)
    for n in range(4):
        ActivityFactory(
            title=f"Overrun {n}", focal_point=asp_editor, start_date=long_ago, end_date=past
        )
        ActivityFactory(
            title=f"Late start {n}",
            created_by=asp_editor,
            status=Activity.Status.PLANNED,
            start_date=past,
            end_date=future,
        )
    ActivityFactory(title="On time", focal_point=asp_editor, start_date=long_ago, end_date=future)
    ActivityFactory(title="Someone else's overrun", start_date=long_ago, end_date=past)
    client.force_login(asp_editor)
    home = client.get("/")
    attention = home.context["attention"]
    page = section(home.content.decode(), "attention-heading")
    assert "still planned, to start on" in page and "still ongoing, to end on" in page
    assert f"/activities/{attention.items[0].pk}/edit/" in page
    more, url = more_link(home.content.decode(), "attention-heading")
    assert (attention.count, more) == (8, 3)
    assert url == "/activities/?mine=1&attention=1&sort=title"
    listed = client.get(url).content.decode()
    assert '<p class="result-count" role="status">8 activities</p>' in listed
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', listed)
    assert len(rows) == 8
    assert rows[:5] == [activity.title for activity in attention.items]


def test_a_list_that_shows_everything_has_no_more_link(client, asp_editor):
    for _ in range(5):
        ProgressReportFactory(author=asp_editor)
    client.force_login(asp_editor)
    page = client.get("/").content.decode()
    assert '<span class="count">(5)</span>' in section(page, "drafts-heading")
    assert 'class="more"' not in page


# --- My regions' headline figures (every region's for a Viewer) --------------------------------


@pytest.fixture
def year(db):
    """The year whose figures the home page shows: this year, while it is one of the plan's."""
    return default_year(ActionPlan.objects.current())


@pytest.fixture
def two_regions(year):
    """Asia-Pacific at work in the year, Africa with an initiative and one activity."""
    tonga = ActivityFactory(
        title="Early warning in Tonga",
        countries=["TON"],
        start_date=datetime.date(year, 1, 15),
        end_date=None,
    )
    ActivityFactory(
        title="Broadband in Nepal",
        countries=["NPL"],
        start_date=datetime.date(year, 3, 1),
        end_date=None,
    )
    approved_report(tonga, year, 1)
    approved_report(tonga, year, 2)
    approved_report(tonga, year - 1, 4)
    ProgressReportFactory(activity=tonga, year=year, quarter=3, state=State.SUBMITTED)
    initiative_with_results("AFR", "AFR1")
    ActivityFactory(
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=["AFR1.1"],
        start_date=datetime.date(year, 2, 1),
        end_date=None,
    )


def headline_rows(response):
    """{region code: row} of the home page's table of regions."""
    rows = page_tree(response).xpath("//table[contains(@class, 'region-headlines')]/tbody/tr")
    return {text(row.xpath("th/a")[0])[-4:-1]: row for row in rows}


def test_a_viewer_sees_every_regions_headline_figures_each_linking_to_its_dashboard(
    client, viewer, two_regions, year
):
    client.force_login(viewer)
    response = client.get("/")
    assert f"Every region in {year}" in section(response.content.decode(), "regions-heading")
    rows = headline_rows(response)
    assert list(rows) == ["AFR", "ASP"]  # the regions with initiatives, as the dashboards
    asp = rows["ASP"]
    dashboard = asp.xpath("th/a")[0]
    assert text(dashboard) == "Asia and the Pacific (ASP)"
    assert dashboard.get("href") == f"/dashboard/ASP/?plan=WTDC-25&year={year}"
    assert client.get(dashboard.get("href")).status_code == 200
    # The all-regions page's own figures: activities, countries reached of all.
    all_regions = client.get("/dashboard/", {"year": year}).context["regions"]
    figures = next(f for f in all_regions if f.region.code == "ASP")
    activities, reached, countries, ldc, ldc_total = numbers(asp)[:5]
    assert activities == figures.activities_total.value == 2
    assert (reached, countries) == (2, figures.countries_reach.total.value)
    # Nepal is an LDC (and an LLDC), reached; Tonga a SIDS, reached.
    ldc_reach = figures.group_reach[0]
    assert (ldc, ldc_total) == (ldc_reach.total.value - 1, ldc_reach.total.value)
    assert numbers(asp)[-1] == 2  # approved reports of the year
    assert links(asp)[0] == figures.activities_total.url


def test_each_headline_figure_links_to_a_list_of_as_many(client, viewer, two_regions, year):
    client.force_login(viewer)
    asp = headline_rows(client.get("/"))["ASP"]
    # Activities; countries reached of all; LDC, SIDS, LLDC not reached of each; approved reports.
    figures = list(zip(numbers(asp), links(asp), strict=True))
    assert len(figures) == 10
    activities, url = figures[0]
    listed = client.get(url).content.decode()
    assert f'<p class="result-count" role="status">{activities} activities</p>' in listed
    not_reached = [(count, url) for count, url in figures if "reached=no" in url]
    assert [parse_qs(urlsplit(url).query)["group"] for _, url in not_reached] == [
        ["LDC"],
        ["SIDS"],
        ["LLDC"],
    ]
    for count, url in not_reached:
        assert len(client.get(url).context["countries"]) == count
    approved, url = figures[-1]
    assert url == f"/progress-reports/?region=ASP&year={year}&state=approved"
    assert len(report_rows(client.get(url))) == approved == 2


def test_a_reviewer_sees_the_figures_of_their_regions_only(client, asp_reviewer, two_regions):
    client.force_login(asp_reviewer)
    response = client.get("/")
    assert "My regions in" in section(response.content.decode(), "regions-heading")
    assert list(headline_rows(response)) == ["ASP"]


def test_the_figures_are_counted_once_until_data_changes(
    client, viewer, two_regions, django_assert_max_num_queries
):
    client.force_login(viewer)
    first = client.get("/").content.decode()
    with django_assert_max_num_queries(9):  # none of the figures' own queries
        again = client.get("/").content.decode()
    assert section(again, "regions-heading") == section(first, "regions-heading")
    ActivityFactory(countries=["FJI"], start_date=datetime.date(2026, 1, 5), end_date=None)
    assert section(client.get("/").content.decode(), "regions-heading") != section(
        first, "regions-heading"
    )


@pytest.mark.parametrize("count", [10, 60])
def test_a_viewers_home_takes_as_many_queries_whatever_the_data(
    client, viewer, django_assert_num_queries, count
):
    add_activities(count)
    client.force_login(viewer)
    # Session, user, permissions (2), regions; recent changes (2); the plan and its
    # initiatives; the figures (10).
    with django_assert_num_queries(19):
        response = client.get("/")
    assert len(headline_rows(response)) == 1


# --- Stale activities: the one definition the dashboards share --------------------------------


@pytest.mark.parametrize(
    ("today", "quarters"),
    [
        (datetime.date(2026, 5, 15), [(2026, 1), (2025, 4)]),
        (datetime.date(2026, 1, 1), [(2025, 4), (2025, 3)]),
        (datetime.date(2026, 12, 31), [(2026, 3), (2026, 2)]),
    ],
)
def test_previous_quarters_are_the_complete_ones_before_today(today, quarters):
    assert previous_quarters(today) == quarters


def test_stale_means_ongoing_with_no_approved_report_in_the_last_two_quarters(db):
    today = datetime.date(2026, 8, 10)  # Q3: the last two complete quarters are Q2 and Q1
    stale = ActivityFactory(title="Stale")
    approved(ActivityFactory(title="Approved Q2"), 2026, 2)
    approved(ActivityFactory(title="Approved Q1"), 2026, 1)
    approved(ActivityFactory(title="Approved only in Q3"), 2026, 3)
    approved(ActivityFactory(title="Approved only in 2025 Q4"), 2025, 4)
    ProgressReportFactory(
        activity=ActivityFactory(title="Submitted Q2"), state=State.SUBMITTED, quarter=2
    )
    ActivityFactory(title="Completed", status=Activity.Status.COMPLETED)
    ActivityFactory(title="Archived", archived_at=timezone.now())
    ActivityFactory(title="Started this quarter", start_date=datetime.date(2026, 7, 1))
    ActivityFactory(title="Started last quarter", start_date=datetime.date(2026, 6, 30))
    titles = set(Activity.objects.stale(today=today).values_list("title", flat=True))
    assert titles == {
        "Stale",
        "Approved only in Q3",
        "Approved only in 2025 Q4",
        "Submitted Q2",
        "Started last quarter",
    }
    assert Activity.objects.filter(pk=stale.pk).stale(today=today).exists()  # chainable
