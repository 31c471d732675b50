"""The activity list's filters: each narrows the list as a person expects, together too, and
garbage in the query string shows an error and an empty list — never everything, never a 500."""

import datetime

import pytest
from django.utils import timezone

from activities.filters import ActivityFilter
from activities.models import Activity, ProgressReport, previous_quarters, quarter_of
from initiatives.models import Region
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ProgressReportFactory,
    UserFactory,
    approved_report,
)


def listed(client, query):
    """The titles the list shows for `query` (every page), after checking the page answered."""
    response = client.get(f"/activities/?{query}")
    assert response.status_code == 200
    assert not response.context["filterset"].errors, response.context["filterset"].errors
    return {activity.title for activity in response.context["paginator"].object_list}


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


def test_the_text_search_looks_in_title_description_reference_and_country_names(signed_in):
    ActivityFactory(title="IXP feasibility study", countries=["TLS"])
    ActivityFactory(title="Regulator training", description="Sessions on IXP regulation")
    ActivityFactory(title="Spectrum plan", reference="ITU-IXP-042")
    ActivityFactory(title="Emergency telecom plan", countries=["VUT"])
    ActivityFactory(title="Digital skills")

    assert listed(signed_in, "q=ixp") == {
        "IXP feasibility study",
        "Regulator training",
        "Spectrum plan",
    }
    assert listed(signed_in, "q=vanuatu") == {"Emergency telecom plan"}
    # Every word must be found somewhere: here one in the title, one in a country's name.
    assert listed(signed_in, "q=IXP+Timor") == {"IXP feasibility study"}
    assert listed(signed_in, "q=nothing-like-this") == set()


def test_the_region_filter_takes_a_region_code(signed_in):
    ActivityFactory(title="In Asia-Pacific")
    ActivityFactory(
        title="In Africa",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=[],
    )

    assert listed(signed_in, "region=AFR") == {"In Africa"}
    assert listed(signed_in, "region=ASP") == {"In Asia-Pacific"}


def test_the_country_filter_lists_a_multi_country_activity_once(signed_in):
    ActivityFactory(title="Pacific resilience", countries=["TON", "FJI", "TUV"])
    ActivityFactory(title="Fiji only", countries=["FJI"])
    ActivityFactory(title="Tonga only", countries=["TON"])

    response = signed_in.get("/activities/?country=FJI")
    assert {a.title for a in response.context["page"].object_list} == {
        "Pacific resilience",
        "Fiji only",
    }
    assert response.context["paginator"].count == 2
    assert "2 activities" in response.content.decode()


def test_the_group_filter_counts_the_groups_of_today(signed_in):
    ActivityFactory(title="Tuvalu (LDC)", countries=["TUV"])
    ActivityFactory(title="Bhutan (LDC until 2023, LLDC)", countries=["BTN"])
    ActivityFactory(title="Tonga and Fiji (both SIDS)", countries=["TON", "FJI"])
    ActivityFactory(title="Nepal and Mongolia (both LLDC)", countries=["NPL", "MNG"])

    assert listed(signed_in, "group=LDC") == {"Tuvalu (LDC)", "Nepal and Mongolia (both LLDC)"}
    assert listed(signed_in, "group=LLDC") == {
        "Bhutan (LDC until 2023, LLDC)",
        "Nepal and Mongolia (both LLDC)",
    }
    response = signed_in.get("/activities/?group=SIDS")
    assert response.context["paginator"].count == 2  # Tonga and Fiji's activity once
    assert {a.title for a in response.context["page"].object_list} == {
        "Tuvalu (LDC)",
        "Tonga and Fiji (both SIDS)",
    }


def test_in_group_asks_as_of_a_date(db):
    laos = ActivityFactory(title="Lao PDR", countries=["LAO"])
    # Lao PDR left the LDCs on 24 Nov 2026: an LDC the day before, no longer on the day.
    assert list(Activity.objects.in_group("LDC", on=datetime.date(2026, 11, 23))) == [laos]
    assert list(Activity.objects.in_group("LDC", on=datetime.date(2026, 11, 24))) == []


def test_the_year_filter_lists_activities_active_in_that_year(signed_in):
    ActivityFactory(
        title="Only 2025", start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2025, 9, 1)
    )
    ActivityFactory(
        title="Across 2025-2026",
        start_date=datetime.date(2025, 10, 1),
        end_date=datetime.date(2026, 1, 31),
    )
    ActivityFactory(title="Runs on since 2024", start_date=datetime.date(2024, 1, 1), end_date=None)
    ActivityFactory(title="From 2027", start_date=datetime.date(2027, 1, 1), end_date=None)

    assert listed(signed_in, "year=2026") == {"Across 2025-2026", "Runs on since 2024"}
    assert listed(signed_in, "year=2025") == {"Only 2025", "Across 2025-2026", "Runs on since 2024"}
    assert listed(signed_in, "year=2023") == set()


def test_the_plan_initiative_and_result_filters_take_codes(signed_in):
    ActivityFactory(title="IXP study", expected_results=["ASP3.4"])
    ActivityFactory(title="Backbone and IXP", expected_results=["ASP3.1", "ASP3.4"])
    ActivityFactory(title="Special needs", expected_results=["ASP1.3"])
    ActivityFactory(title="No result yet", expected_results=[])

    assert listed(signed_in, "result=ASP3.4") == {"IXP study", "Backbone and IXP"}
    assert listed(signed_in, "result=ASP3.1") == {"Backbone and IXP"}
    assert listed(signed_in, "initiative=ASP3") == {"IXP study", "Backbone and IXP"}
    assert listed(signed_in, "initiative=ASP1") == {"Special needs"}
    assert listed(signed_in, "plan=WTDC-25") == {"IXP study", "Backbone and IXP", "Special needs"}
    assert listed(signed_in, "plan=WTDC-25&result=ASP3.4") == {"IXP study", "Backbone and IXP"}
    response = signed_in.get("/activities/?initiative=ASP3")
    assert "2 activities" in response.content.decode()  # "Backbone and IXP" once, not twice


def test_the_status_filter_takes_several_statuses(signed_in):
    ActivityFactory(title="Planned", status=Activity.Status.PLANNED)
    ActivityFactory(title="Ongoing", status=Activity.Status.ONGOING)
    ActivityFactory(title="Completed", status=Activity.Status.COMPLETED)

    assert listed(signed_in, "status=completed") == {"Completed"}
    assert listed(signed_in, "status=planned&status=ongoing") == {"Planned", "Ongoing"}


def test_status_counted_lists_the_statuses_the_figures_count_shown_ticked(signed_in):
    for status in Activity.Status:
        ActivityFactory(title=status.label, status=status)

    response = signed_in.get("/activities/?status=counted")

    counted = {Activity.Status(status).label for status in Activity.COUNTED_STATUSES}
    assert {a.title for a in response.context["paginator"].object_list} == counted
    page = response.content.decode()
    for status in Activity.Status:
        box = f'name="status" value="{status}"'
        ticked = f'{box} id="id_status_{list(Activity.Status).index(status)}" checked'
        assert (ticked in page) == (status in Activity.COUNTED_STATUSES), status
    assert "Counted in the figures" in page  # its chip, which removes it
    assert listed(signed_in, "status=counted&status=cancelled") == {
        s.label for s in Activity.Status
    }
    assert listed(signed_in, "status=counted&status=ongoing") == counted


def test_the_modality_and_funding_filters(signed_in):
    ActivityFactory(
        title="Training by the ICT-DF",
        modality=Activity.Modality.CAPACITY_BUILDING,
        budget=("1000", Activity.FundingSource.ICT_DF),
    )
    ActivityFactory(
        title="Study on the regular budget",
        modality=Activity.Modality.STUDY,
        budget=("1000", Activity.FundingSource.REGULAR_BUDGET),
    )

    assert listed(signed_in, "modality=study") == {"Study on the regular budget"}
    assert listed(signed_in, "funding=ict_df") == {"Training by the ICT-DF"}
    assert listed(signed_in, "modality=study&funding=ict_df") == set()


def test_the_focal_point_filter_takes_a_username_or_a_user_id(signed_in):
    amina = UserFactory(username="amina", first_name="Amina", last_name="Rahman")
    ActivityFactory(title="Amina's", focal_point=amina)
    ActivityFactory(title="Someone else's", focal_point=UserFactory())

    assert listed(signed_in, "focal_point=amina") == {"Amina's"}
    response = signed_in.get(f"/activities/?focal_point={amina.pk}")
    assert {a.title for a in response.context["page"].object_list} == {"Amina's"}
    # The form shows who was asked for by name, and the chip too.
    page = response.content.decode()
    assert '<option value="amina" selected>Amina Rahman</option>' in page
    assert "Focal point: Amina Rahman" in page


def test_mine_lists_what_i_am_focal_point_of_or_created(client, asp_editor):
    ActivityFactory(title="I am its focal point", focal_point=asp_editor)
    ActivityFactory(title="I created it", created_by=asp_editor)
    ActivityFactory(title="Not mine", focal_point=UserFactory(), created_by=UserFactory())
    client.force_login(asp_editor)

    assert listed(client, "mine=1") == {"I am its focal point", "I created it"}
    assert listed(client, "") == {"I am its focal point", "I created it", "Not mine"}


def test_archived_activities_are_hidden_unless_asked_for(signed_in):
    ActivityFactory(title="Current")
    ActivityFactory(title="Old one", archived_at=timezone.now())

    assert listed(signed_in, "") == {"Current"}
    assert listed(signed_in, "archived=only") == {"Old one"}
    assert listed(signed_in, "archived=all") == {"Current", "Old one"}


def test_filters_combine(signed_in):
    ActivityFactory(title="The one", countries=["TUV"], expected_results=["ASP1.3"])
    ActivityFactory(title="Wrong status", countries=["TUV"], status=Activity.Status.PLANNED)
    ActivityFactory(title="Not an LDC", countries=["TON"])
    ActivityFactory(title="Other result", countries=["TUV"], expected_results=["ASP2.1"])
    ActivityFactory(
        title="Other year", countries=["TUV"], start_date=datetime.date(2028, 1, 1), end_date=None
    )
    ActivityFactory(title="Other region", region=Region.objects.get(code="AFR"), countries=["TUV"])

    assert listed(
        signed_in, "region=ASP&group=LDC&status=ongoing&year=2026&initiative=ASP1&q=the"
    ) == {"The one"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("year=1999", "year"),
        ("year=99999999999999999999", "year"),
        ("status=nonsense", "status"),
        ("status=ongoing&status=nonsense", "status"),
        ("country=XYZ", "country"),
        ("country=ton", "country"),
        ("region=Asia", "region"),
        ("group=LDCs", "group"),
        ("result=ASP99.9", "result"),
        ("initiative=ASP9", "initiative"),
        ("plan=WTDC-99", "plan"),
        ("modality=%3Cscript%3E", "modality"),
        ("funding=gold", "funding"),
        ("budget_year=20x6", "budget_year"),
        ("budget_year=1999", "budget_year"),
        ("focal_point=nobody", "focal_point"),
        ("focal_point=999999", "focal_point"),
        ("mine=yes", "mine"),
        ("archived=maybe", "archived"),
        ("sort=drop+table", "sort"),
        ("sort=password", "sort"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
    ],
)
def test_an_invalid_value_shows_its_error_and_lists_nothing(signed_in, query, field):
    ActivityFactory(title="Should not be listed")

    response = signed_in.get(f"/activities/?{query}")

    assert response.status_code == 200
    assert field in response.context["filterset"].errors
    assert response.context["paginator"].count == 0
    page = response.content.decode()
    assert "Some filters are not valid, so no activities are listed." in page
    assert "Should not be listed" not in page
    assert 'class="error"' in page or field == "sort"  # next to the field (sort has none shown)


def test_an_invalid_value_keeps_the_other_values_in_the_form(signed_in):
    response = signed_in.get("/activities/?region=ASP&year=abc&q=IXP")

    page = response.content.decode()
    assert '<option value="ASP" selected>' in page
    assert 'name="year" value="abc"' in page
    assert 'name="q" value="IXP"' in page
    assert "Enter a year as four digits, e.g. 2026." in page


def test_a_long_garbage_value_is_not_echoed_in_the_error(signed_in):
    garbage = "z" * 5000
    response = signed_in.get(f"/activities/?country={garbage}")

    assert response.status_code == 200
    assert "Unknown country code: pick one from the list." in response.content.decode()


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1.5"])
def test_a_page_that_does_not_exist_says_so_and_lists_nothing(signed_in, page):
    ActivityFactory(title="On page one")

    response = signed_in.get(f"/activities/?page={page}")

    assert response.status_code == 200
    content = response.content.decode()
    assert "This page does not exist: the list has 1 page." in content
    assert "On page one" not in content
    assert "Go to the first page" in content


def test_the_filterset_can_be_used_without_the_page(db):
    """Dashboards and exports filter through ActivityFilter directly, with the same parameters."""
    ActivityFactory(title="Ongoing in Tuvalu", countries=["TUV"])
    ActivityFactory(title="Planned in Tuvalu", countries=["TUV"], status=Activity.Status.PLANNED)
    ActivityFactory(title="Archived", countries=["TUV"], archived_at=timezone.now())

    matching = ActivityFilter({"country": "TUV", "status": ["ongoing", "planned"], "year": 2026}).qs
    assert {a.title for a in matching} == {"Ongoing in Tuvalu", "Planned in Tuvalu"}
    assert ActivityFilter({"country": "TUV", "year": "abc"}).qs.count() == 0
    assert ActivityFilter().qs.count() == 2  # no parameters: archived ones still hidden


# --- The filters the dashboards link to: a figure's list holds exactly what it counts.


def test_the_year_filter_counts_a_planned_activity_in_its_start_year_only(signed_in):
    ActivityFactory(
        title="Planned 2026-2028",
        status=Activity.Status.PLANNED,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2028, 6, 30),
    )
    ActivityFactory(
        title="Ongoing 2025-2027",
        status=Activity.Status.ONGOING,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )
    ActivityFactory(
        title="Planned from 2027",
        status=Activity.Status.PLANNED,
        start_date=datetime.date(2027, 2, 1),
        end_date=None,
    )

    assert listed(signed_in, "year=2026") == {"Planned 2026-2028", "Ongoing 2025-2027"}
    assert listed(signed_in, "year=2027") == {"Ongoing 2025-2027", "Planned from 2027"}
    assert listed(signed_in, "year=2028") == set()


def test_the_group_filter_with_a_year_counts_the_groups_during_that_year(signed_in):
    since_2023 = {"start_date": datetime.date(2023, 1, 1), "end_date": None}
    ActivityFactory(title="Lao PDR", countries=["LAO"], **since_2023)
    ActivityFactory(title="Tuvalu", countries=["TUV"], **since_2023)
    ActivityFactory(title="Bhutan", countries=["BTN"], **since_2023)

    # Lao PDR left the LDCs on 24 Nov 2026: an LDC in 2026's list, not in 2027's.
    assert listed(signed_in, "group=LDC&year=2026") == {"Lao PDR", "Tuvalu"}
    assert listed(signed_in, "group=LDC&year=2027") == {"Tuvalu"}
    # Bhutan left them on 13 Dec 2023.
    assert listed(signed_in, "group=LDC&year=2023") == {"Lao PDR", "Tuvalu", "Bhutan"}
    assert listed(signed_in, "group=LLDC&year=2027") == {"Lao PDR", "Bhutan"}
    # With no year, the groups of today.
    lao_graduated = datetime.date.today() >= datetime.date(2026, 11, 24)
    assert listed(signed_in, "group=LDC") == {"Tuvalu"} | (set() if lao_graduated else {"Lao PDR"})


def test_funding_none_lists_the_activities_with_a_line_whose_source_is_not_stated(signed_in):
    BudgetLineFactory(activity=ActivityFactory(title="Not stated"), funding_source="")
    ActivityFactory(title="In kind", budget=("500", Activity.FundingSource.IN_KIND))
    ActivityFactory(title="No budget line")

    assert listed(signed_in, "funding=none") == {"Not stated"}
    assert listed(signed_in, "funding=in_kind") == {"In kind"}


def test_reported_lists_the_activities_with_an_approved_report_in_that_year(signed_in):
    reported_twice = ActivityFactory(title="Two approved reports in 2026")
    approved_report(reported_twice, 2026, 1)
    approved_report(reported_twice, 2026, 2)
    approved_report(ActivityFactory(title="Approved in 2025"), 2025, 4)
    ProgressReportFactory(
        activity=ActivityFactory(title="Submitted in 2026"),
        year=2026,
        state=ProgressReport.State.SUBMITTED,
    )
    ProgressReportFactory(activity=ActivityFactory(title="Draft in 2026"), year=2026)
    ProgressReportFactory(
        activity=ActivityFactory(title="Returned in 2026"),
        year=2026,
        state=ProgressReport.State.RETURNED,
        reviewer=UserFactory(),
        reviewed_at=timezone.now(),
    )

    assert listed(signed_in, "reported=2026") == {"Two approved reports in 2026"}
    assert listed(signed_in, "reported=2025") == {"Approved in 2025"}
    assert "1 activity" in signed_in.get("/activities/?reported=2026").content.decode()


def test_stale_lists_ongoing_activities_with_no_approved_report_for_the_last_two_quarters(
    signed_in,
):
    last_quarter, quarter_before = previous_quarters()
    since_2024 = {"start_date": datetime.date(2024, 1, 1), "end_date": None}
    approved_report(ActivityFactory(title="Reported last quarter", **since_2024), *last_quarter)
    approved_report(ActivityFactory(title="Reported before", **since_2024), *quarter_before)
    approved_report(ActivityFactory(title="Reported long ago", **since_2024), 2024, 1)
    ProgressReportFactory(
        activity=ActivityFactory(title="Only submitted", **since_2024),
        year=last_quarter[0],
        quarter=last_quarter[1],
        state=ProgressReport.State.SUBMITTED,
    )
    ActivityFactory(title="Completed", status=Activity.Status.COMPLETED, **since_2024)
    ActivityFactory(title="Archived", archived_at=timezone.now(), **since_2024)
    this_quarter_year, this_quarter = quarter_of(datetime.date.today())
    ActivityFactory(
        title="Started this quarter",
        start_date=datetime.date(this_quarter_year, 3 * this_quarter - 2, 1),
        end_date=None,
    )

    assert listed(signed_in, "stale=1") == {"Reported long ago", "Only submitted"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("reported=abc", "reported"),
        ("reported=1999", "reported"),
        ("stale=yes", "stale"),
        ("funding=nothing", "funding"),
        ("budget_year=next", "budget_year"),
    ],
)
def test_an_invalid_value_of_a_dashboard_filter_lists_nothing(signed_in, query, field):
    BudgetLineFactory(activity=ActivityFactory(title="Should not be listed"), funding_source="")

    response = signed_in.get(f"/activities/?{query}")

    assert response.status_code == 200
    assert field in response.context["filterset"].errors
    assert response.context["paginator"].count == 0
