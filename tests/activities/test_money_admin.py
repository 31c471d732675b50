"""Money in the admin: an activity's budget lines on its change page and a progress report's
expenditure on its own, each saved with its parent through the one write path
(activities.services) — its rules, its version check, its history — never by the inline
itself; whoever may change the activity or the report may change its money, nobody else. The
activity list filters by the funding source of a budget line."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from activities import services
from activities.models import Activity, BudgetLine, Expenditure, FundingSource, ProgressReport
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExpenditureFactory,
    ProgressReportFactory,
    UserFactory,
)
from tests.test_admin import admin_url, form_data, page_data


@pytest.fixture
def activity(db):
    """An activity of 2026 and 2027 with one line: 10,000 dollars of regular budget in 2026."""
    activity = ActivityFactory(
        title="Cybersecurity capacity",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    BudgetLineFactory(activity=activity, year=2026)
    return activity


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def activity_page(client, activity):
    response = client.get(admin_url(Activity, "change", activity.pk))
    assert response.status_code == 200
    return page_data(response)


def with_lines(data, *lines, prefix="budget_lines"):
    """`data` with the inline's rows `lines` (dicts of fields) added after those it has."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for index, line in enumerate(lines, start=start):
        for name, value in line.items():
            data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = start + len(lines)
    return data


EKB_2027 = {
    "year": 2027,
    "funding_source": FundingSource.EXTRA_BUDGETARY,
    "funding_partner": "KOICA",
    "amount": "50000.50",
    "currency": "EUR",
}


def lines_of(activity):
    return sorted(
        activity.budget_lines.values_list(
            "year", "funding_source", "funding_partner", "amount", "currency"
        )
    )


# --- Budget lines on the activity's page ------------------------------------------------------


def test_lines_added_changed_and_removed_are_saved_with_the_activity(
    admin_client, superuser, activity
):
    data = with_lines(activity_page(admin_client, activity), EKB_2027)
    data["budget_lines-0-amount"] = "12000"

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert lines_of(activity) == [
        (2026, "regular_budget", "", Decimal("12000.00"), "USD"),
        (2027, "extra_budgetary", "KOICA", Decimal("50000.50"), "EUR"),
    ]
    activity.refresh_from_db()
    assert activity.version == 2
    latest = activity.history.first()
    assert latest.history_user == superuser
    assert latest.history_change_reason.startswith("Budget lines: ")
    added = BudgetLine.objects.get(year=2027).history.get()
    assert (added.history_type, added.history_user) == ("+", superuser)

    data = activity_page(admin_client, activity)
    data["budget_lines-0-DELETE"] = "on"
    assert admin_client.post(admin_url(Activity, "change", activity.pk), data).status_code == 302
    assert [line[0] for line in lines_of(activity)] == [2027]


def test_a_new_activity_is_added_with_its_lines(admin_client):
    from initiatives.models import Country, Region
    from tests.factories import expected_result

    data = page_data(admin_client.get(admin_url(Activity, "add")))
    data.update(
        title="IXP study",
        region=Region.objects.get(code="ASP").pk,
        status=Activity.Status.PLANNED,
        modality=Activity.Modality.STUDY,
        start_date="2026-03-01",
        end_date="2027-03-01",
        planned_participants_women=0,
        planned_participants_men=0,
    )
    data["activitycountry_set-0-country"] = Country.objects.get(iso3="TON").pk
    data["activityexpectedresult_set-0-expected_result"] = expected_result("ASP3.4").pk
    with_lines(data, EKB_2027)

    response = admin_client.post(admin_url(Activity, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert lines_of(Activity.objects.get(title="IXP study")) == [
        (2027, "extra_budgetary", "KOICA", Decimal("50000.50"), "EUR")
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            {**EKB_2027, "year": 2028},
            "2028 is not a year the activity runs in (2026 to 2027).",
        ),
        ({**EKB_2027, "funding_partner": ""}, "Name the funding partner of extra-budgetary money."),
        ({**EKB_2027, "currency": "EURO"}, "Ensure this value has at most 3 characters"),
        ({**EKB_2027, "currency": "XYZ"}, "XYZ is not one."),
        ({**EKB_2027, "amount": "-1"}, "An amount cannot be negative."),
        (
            {"year": 2026, "funding_source": "regular_budget", "amount": "5", "currency": "USD"},
            "This activity already has a line for this year, funding source, partner and currency",
        ),
    ],
)
def test_a_bad_line_is_refused_and_nothing_is_saved(admin_client, activity, line, message):
    data = with_lines(activity_page(admin_client, activity), line)

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert escape(message) in response.text
    assert lines_of(activity) == [(2026, "regular_budget", "", Decimal("10000.00"), "USD")]
    activity.refresh_from_db()
    assert activity.version == 1


def test_new_dates_must_keep_the_lines_years(admin_client, activity):
    data = with_lines(activity_page(admin_client, activity), EKB_2027)
    data["end_date"] = "2026-12-31"

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert "2027 is not a year the activity runs in (2026)." in response.text
    assert len(lines_of(activity)) == 1


def test_new_dates_with_the_lines_moved_to_them_are_saved(admin_client, activity):
    BudgetLine.objects.filter(activity=activity).update(year=2027)
    data = activity_page(admin_client, activity)
    data["end_date"] = "2026-12-31"
    data["budget_lines-0-year"] = "2026"

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302
    assert [line[0] for line in lines_of(activity)] == [2026]


def test_the_inline_saves_nothing_itself(admin_client, activity, monkeypatch):
    """With the one write path switched off, the page saves no line: every line goes there."""
    calls = []
    monkeypatch.setattr(services, "save_activity", lambda *args, **kwargs: calls.append(kwargs))
    data = with_lines(activity_page(admin_client, activity), EKB_2027)
    data["budget_lines-0-DELETE"] = "on"

    admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert lines_of(activity) == [(2026, "regular_budget", "", Decimal("10000.00"), "USD")]
    (given,) = calls
    assert [(line.year, line.funding_partner) for line in given["budget_lines"]] == [
        (2027, "KOICA")
    ]


def test_a_stale_page_saves_no_line(admin_client, activity):
    data = with_lines(activity_page(admin_client, activity), EKB_2027)
    Activity.objects.filter(pk=activity.pk).update(version=2)  # someone saved meanwhile

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 200
    assert "Someone else saved this activity since you opened it" in response.text
    assert len(lines_of(activity)) == 1


@pytest.fixture
def staff_editor(db):
    return UserFactory(username="staff.editor", role="Editor", regions=["ASP"], is_staff=True)


def test_a_staff_editor_changes_the_lines_of_their_regions_activity(client, staff_editor, activity):
    client.force_login(staff_editor)
    data = with_lines(activity_page(client, activity), EKB_2027)

    response = client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 302
    assert len(lines_of(activity)) == 2


def test_a_staff_editor_cannot_change_another_regions_lines(client, staff_editor, activity):
    from initiatives.models import Region

    Activity.objects.filter(pk=activity.pk).update(region=Region.objects.get(code="AFR"))
    client.force_login(staff_editor)
    page = client.get(admin_url(Activity, "change", activity.pk))
    assert 'name="budget_lines-0-amount"' not in page.text  # shown read-only
    assert "10,000" in page.text or "10000" in page.text

    data = {
        "budget_lines-TOTAL_FORMS": 1,
        "budget_lines-INITIAL_FORMS": 0,
        **{f"budget_lines-0-{name}": value for name, value in EKB_2027.items()},
    }
    response = client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 403
    assert len(lines_of(activity)) == 1


def test_a_viewer_with_staff_status_changes_no_line(client, activity):
    viewer = UserFactory(username="staff.viewer", role="Viewer", is_staff=True)
    client.force_login(viewer)
    data = with_lines({"budget_lines-TOTAL_FORMS": 0, "budget_lines-INITIAL_FORMS": 0}, EKB_2027)

    response = client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == 403
    assert len(lines_of(activity)) == 1


# --- The activity list's filter --------------------------------------------------------------


def test_the_activity_list_filters_by_the_funding_source_of_a_line(admin_client, activity):
    BudgetLineFactory(activity=ActivityFactory(title="ICT-DF"), funding_source=FundingSource.ICT_DF)
    BudgetLineFactory(activity=activity, year=2027, funding_source=FundingSource.ICT_DF)
    BudgetLineFactory(activity=ActivityFactory(title="Not stated"), funding_source="")
    ActivityFactory(title="No money")
    url = admin_url(Activity, "changelist")

    def titles(query):
        response = admin_client.get(url, query)
        assert response.status_code == 200
        return sorted(activity.title for activity in response.context["cl"].result_list)

    assert titles({"funding": "ict_df"}) == ["Cybersecurity capacity", "ICT-DF"]
    assert titles({"funding": "none"}) == ["Not stated"]
    assert titles({"funding": "in_kind"}) == []
    page = admin_client.get(url).content.decode()
    assert "By funding source of a budget line" in page
    assert "?funding=extra_budgetary" in page


# --- Expenditure on the report's page -----------------------------------------------------------


@pytest.fixture
def report(activity, asp_editor):
    """A report submitted for review: an administrator may still correct it (a draft is its
    author's own)."""
    return ProgressReportFactory(
        activity=activity,
        author=asp_editor,
        state=ProgressReport.State.SUBMITTED,
        submitted_at=timezone.now(),
    )


def report_page(client, report):
    response = client.get(admin_url(ProgressReport, "change", report.pk))
    assert response.status_code == 200
    return page_data(response)


SPENT = {"funding_source": FundingSource.REGULAR_BUDGET, "amount": "2500", "currency": "USD"}


def spent_of(report):
    return sorted(report.expenditures.values_list("funding_source", "amount", "currency"))


def test_expenditure_is_saved_with_the_report(admin_client, superuser, report):
    data = with_lines(
        report_page(admin_client, report),
        SPENT,
        {"funding_source": FundingSource.ICT_DF, "amount": "300.25", "currency": "EUR"},
        prefix="expenditures",
    )

    response = admin_client.post(admin_url(ProgressReport, "change", report.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert spent_of(report) == [
        ("ict_df", Decimal("300.25"), "EUR"),
        ("regular_budget", Decimal("2500.00"), "USD"),
    ]
    report.refresh_from_db()
    assert report.version == 2
    assert report.history.first().history_user == superuser
    assert Expenditure.history.filter(history_user=superuser).count() == 2


def test_expenditure_changed_and_removed(admin_client, report):
    ExpenditureFactory(report=report)
    ExpenditureFactory(report=report, funding_source=FundingSource.IN_KIND)
    data = report_page(admin_client, report)
    data["expenditures-0-amount"] = "99"
    data["expenditures-1-DELETE"] = "on"

    response = admin_client.post(admin_url(ProgressReport, "change", report.pk), data)

    assert response.status_code == 302
    assert len(spent_of(report)) == 1
    assert spent_of(report)[0][1] == Decimal("99.00")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{**SPENT, "amount": "-5"}], "An amount cannot be negative."),
        (
            [SPENT, {**SPENT, "amount": "1"}],
            "This report already states what was spent from this funding source in this currency.",
        ),
        ([{**SPENT, "currency": "ABC"}], "ABC is not one."),
        ([{**SPENT, "funding_source": "lottery"}], "Select a valid choice."),
    ],
)
def test_bad_expenditure_is_refused_and_nothing_is_saved(admin_client, report, rows, message):
    data = with_lines(report_page(admin_client, report), *rows, prefix="expenditures")

    response = admin_client.post(admin_url(ProgressReport, "change", report.pk), data)

    assert response.status_code == 200
    assert escape(message) in response.text
    assert spent_of(report) == []
    report.refresh_from_db()
    assert report.version == 1


def test_the_expenditure_inline_saves_nothing_itself(admin_client, report, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "save_report", lambda *args, **kwargs: calls.append(kwargs))
    data = with_lines(report_page(admin_client, report), SPENT, prefix="expenditures")

    admin_client.post(admin_url(ProgressReport, "change", report.pk), data)

    assert spent_of(report) == []
    (given,) = calls
    assert [row.amount for row in given["expenditures"]] == [Decimal("2500")]


def test_an_editor_cannot_add_expenditure_to_an_approved_report(
    client, report, asp_editor, asp_reviewer
):
    ProgressReport.objects.filter(pk=report.pk).update(
        state=ProgressReport.State.APPROVED, reviewer=asp_reviewer, reviewed_at=timezone.now()
    )
    staff_editor = UserFactory(
        username="staff.editor", role="Editor", regions=["ASP"], is_staff=True
    )
    client.force_login(staff_editor)
    data = {
        "expenditures-TOTAL_FORMS": 1,
        "expenditures-INITIAL_FORMS": 0,
        **{f"expenditures-0-{name}": value for name, value in SPENT.items()},
    }

    response = client.post(admin_url(ProgressReport, "change", report.pk), data)

    assert response.status_code == 403
    assert spent_of(report) == []


def test_a_report_revert_still_saves_through_the_write_path(admin_client, superuser, report):
    before = report.history.latest()
    ProgressReport.objects.filter(pk=report.pk).update(achievements="Changed", version=3)
    ExpenditureFactory(report=report)
    url = admin_url(ProgressReport, "simple_history", report.pk, before.history_id)

    response = admin_client.post(url, form_data(admin_client.get(url).context["adminform"].form))

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.achievements == before.achievements
    assert report.version == 4
    assert len(spent_of(report)) == 1  # a revert leaves the expenditure as it is
