"""The activity list by its money: `?funding=` keeps the activities with a budget line from that
source, `?budget_year=` those with a line for that year, and both together those with one line
that is both. `?funding=none` keeps those with a line whose source is not stated (moved from a
single budget that named none), not those without any line. An invalid value lists nothing and
says what is wrong; the list's CSV and Excel files hold exactly what it lists."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from activities.models import FundingSource
from tests.factories import ActivityFactory, BudgetLineFactory

LIST_URL = reverse("activities:activity_list")


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


def listed(client, query):
    """The titles the list shows for `query`, after checking it answered with no error."""
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert not response.context["filterset"].errors, response.context["filterset"].errors
    return sorted(activity.title for activity in response.context["paginator"].object_list)


@pytest.fixture
def funded(db):
    """Activities of 2026 and 2027 with money from several sources, one without any."""
    two_years = {"start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2027, 12, 31)}
    fund_then_budget = ActivityFactory(title="ICT-DF in 2026, budget in 2027", **two_years)
    BudgetLineFactory(activity=fund_then_budget, year=2026, funding_source=FundingSource.ICT_DF)
    BudgetLineFactory(activity=fund_then_budget, year=2027)
    partners = ActivityFactory(title="Two partners in 2027", **two_years)
    for partner in ("KOICA", "World Bank"):
        BudgetLineFactory(
            activity=partners,
            year=2027,
            funding_source=FundingSource.EXTRA_BUDGETARY,
            funding_partner=partner,
        )
    BudgetLineFactory(activity=ActivityFactory(title="Not stated"), funding_source="")
    ActivityFactory(title="No money")


def test_funding_keeps_the_activities_with_a_line_from_that_source(signed_in, funded):
    assert listed(signed_in, "funding=ict_df") == ["ICT-DF in 2026, budget in 2027"]
    assert listed(signed_in, "funding=regular_budget") == ["ICT-DF in 2026, budget in 2027"]
    assert listed(signed_in, "funding=extra_budgetary") == ["Two partners in 2027"]
    assert listed(signed_in, "funding=in_kind") == []


def test_an_activity_with_two_lines_of_the_source_is_listed_once(signed_in, funded):
    response = signed_in.get(LIST_URL, {"funding": "extra_budgetary", "budget_year": "2027"})

    assert response.context["paginator"].count == 1
    assert "1 activity" in response.content.decode()


def test_budget_year_keeps_the_activities_with_a_line_for_that_year(signed_in, funded):
    assert listed(signed_in, "budget_year=2027") == [
        "ICT-DF in 2026, budget in 2027",
        "Two partners in 2027",
    ]
    assert listed(signed_in, "budget_year=2026") == ["ICT-DF in 2026, budget in 2027", "Not stated"]
    assert listed(signed_in, "budget_year=2028") == []


def test_funding_and_budget_year_keep_a_line_that_is_both(signed_in, funded):
    assert listed(signed_in, "funding=ict_df&budget_year=2026") == [
        "ICT-DF in 2026, budget in 2027"
    ]
    # ICT-DF money in 2026 and budget money in 2027 are not ICT-DF money in 2027.
    assert listed(signed_in, "funding=ict_df&budget_year=2027") == []
    assert listed(signed_in, "funding=regular_budget&budget_year=2026") == []


def test_funding_none_keeps_the_lines_not_stated_not_the_activities_without_money(
    signed_in, funded
):
    assert listed(signed_in, "funding=none") == ["Not stated"]
    assert listed(signed_in, "funding=none&budget_year=2027") == []


def test_the_money_filters_combine_with_the_others(signed_in, funded):
    assert listed(signed_in, "budget_year=2027&q=partners") == ["Two partners in 2027"]
    assert listed(signed_in, "budget_year=2027&status=completed") == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("budget_year=20x6", "budget_year", "Enter a year as four digits, e.g. 2026."),
        ("budget_year=1999", "budget_year", "Enter a year between 2000 and 2100."),
        ("budget_year=2101", "budget_year", "Enter a year between 2000 and 2100."),
        ("funding=gold", "funding", "Unknown funding source: pick one from the list."),
        ("funding=ict_df&budget_year=next", "budget_year", "Enter a year as four digits"),
    ],
)
def test_an_invalid_value_lists_nothing_and_says_what_is_wrong(
    signed_in, funded, query, field, message
):
    response = signed_in.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert message in response.context["filterset"].errors[field][0]
    assert response.context["paginator"].count == 0
    page = response.content.decode()
    assert "Some filters are not valid, so no activities are listed" in page
    assert message in page
    assert "Download CSV" not in page


def test_the_filters_in_use_show_as_chips_and_unfold_more_filters(signed_in, funded):
    response = signed_in.get(LIST_URL, {"funding": "none", "budget_year": "2026"})

    chips = {(chip.label, chip.value) for chip in response.context["filterset"].active_filters()}
    assert chips == {("Funding source", "Not stated"), ("Budget for year", "2026")}
    page = response.content.decode()
    assert '<details class="more-filters" open>' in page
    assert 'for="id_budget_year"' in page
    assert '<option value="none" selected>Not stated</option>' in page


def test_the_queries_do_not_grow_with_the_lines(signed_in, django_assert_max_num_queries):
    for _ in range(3):
        BudgetLineFactory(activity=ActivityFactory(), funding_source=FundingSource.ICT_DF)
    url = f"{LIST_URL}?funding=ict_df&budget_year=2026"
    cache.clear()  # the filter choices are kept until reference data changes
    with django_assert_max_num_queries(20) as few:
        signed_in.get(url)
    for _ in range(30):
        activity = ActivityFactory()
        BudgetLineFactory(activity=activity, funding_source=FundingSource.ICT_DF)
        BudgetLineFactory(activity=activity, funding_source=FundingSource.ICT_DF, currency="EUR")

    cache.clear()
    with django_assert_max_num_queries(20) as many:
        response = signed_in.get(url)

    assert len(many) == len(few)
    assert "33 activities" in response.content.decode()


# --- The list's files follow the filters ------------------------------------------------------


def exported_ids(client, file_format, query):
    response = client.get(reverse(f"activities:activity_export_{file_format}"), query)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Activities"]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "query",
    [
        {"funding": "ict_df"},
        {"budget_year": "2027"},
        {"funding": "extra_budgetary", "budget_year": "2027"},
        {"funding": "none"},
        {"funding": "ict_df", "budget_year": "2027"},
    ],
)
def test_the_files_hold_exactly_what_the_list_lists(signed_in, funded, file_format, query):
    listed_ids = {
        str(activity.uid)
        for activity in signed_in.get(LIST_URL, query).context["paginator"].object_list
    }

    assert exported_ids(signed_in, file_format, query) == listed_ids


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_invalid_money_filter_makes_no_file(signed_in, funded, file_format):
    url = reverse(f"activities:activity_export_{file_format}")

    response = signed_in.get(url, {"budget_year": "someday"})

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?budget_year=someday"


def test_the_excel_files_budget_sheet_has_the_listed_activities_lines(signed_in, funded):
    response = signed_in.get(reverse("activities:activity_export_xlsx"), {"budget_year": "2027"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Budget lines"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted((row[2], row[3], row[5] or "") for row in rows) == [
        ("ICT-DF in 2026, budget in 2027", 2026, ""),
        ("ICT-DF in 2026, budget in 2027", 2027, ""),
        ("Two partners in 2027", 2027, "KOICA"),
        ("Two partners in 2027", 2027, "World Bank"),
    ]
    assert all(Decimal(str(row[6])) == Decimal("10000") for row in rows)
