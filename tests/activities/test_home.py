"""The home page: "My work" (drafts, returned reports, reports to review, stale activities,
recent changes), then the current action plan's initiatives by region."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport, previous_quarters
from initiatives.models import Region
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory

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
    with django_assert_max_num_queries(16):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Asia and the Pacific (ASP)" in page
    for code, count in [("ASP1", 5), ("ASP2", 6), ("ASP3", 8), ("ASP4", 6), ("ASP5", 10)]:
        assert f'/initiatives/WTDC-25/{code}/">{code}</a>' in page
        assert f'<td class="number">{count}</td>' in page
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
    assert "<td>asp.editor</td>" in page
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
    with django_assert_num_queries(18):
        response = client.get("/")
    for name, total in [("drafts", count), ("returned", count), ("waiting", count)]:
        assert response.context[name].count == total
        assert len(response.context[name].items) == min(total, 5)
    assert response.context["stale"].count == 3 * count
    assert len(response.context["changes"]) == 10


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
