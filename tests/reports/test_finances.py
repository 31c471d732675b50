"""A manager reads the budget and expenditure of Asia-Pacific's 2026 per initiative and funding
source in US dollars, with execution rates; every figure opens the lines that sum to it; a
multi-year activity's money counts in its years only; an activity serving two initiatives
splits its money between them without counting it twice; a missing exchange rate shows."""

import datetime
import io
import json
from decimal import Decimal

import docx as python_docx
import openpyxl
import pytest
from django.urls import reverse

from activities.models import FundingSource, ProgressReport
from activities.money import apply_split
from initiatives.models import ActionPlan, Region
from reports.queries.finances import BUDGET, OTHER, SPENT, MoneyLines
from reports.queries.region import region_figures
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    ProgressReportFactory,
    approved_report,
)
from tests.reports.test_plan_cycles import make_gen22

pytestmark = pytest.mark.django_db

REGULAR, EXTRA = FundingSource.REGULAR_BUDGET, FundingSource.EXTRA_BUDGETARY


def figures(year=2026):
    return region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), year
    )


def cell(table, code, source):
    """The table's cell of the initiative `code` and the funding `source`."""
    row = next(row for row in table.rows if row.code == code)
    index = [value for value, _label in table.sources].index(source)
    return row.cells[index]


@pytest.fixture
def money():
    """A two-year activity for ASP1.1 and ASP2.1 (equal shares), with 10,000 USD of the regular
    budget in 2026 and 6,000 in 2027; a 2026 activity for ASP1.3 with 9,000 EUR of a partner
    (0.9 EUR a dollar in January 2026: 10,000 USD); 2,500 USD spent by an approved 2026 Q2
    report of the first, 999 by a draft of the second."""
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 1, 1), rate=Decimal("0.9"))
    shared = ActivityFactory(
        title="Spectrum and skills",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2027, 6, 30),
        expected_results=["ASP1.1", "ASP2.1"],
    )
    BudgetLineFactory(activity=shared, year=2026, amount=Decimal("10000"))
    BudgetLineFactory(activity=shared, year=2027, amount=Decimal("6000"))
    partner = ActivityFactory(title="IXP study", expected_results=["ASP1.3"])
    BudgetLineFactory(
        activity=partner,
        funding_source=EXTRA,
        funding_partner="Asian Development Bank",
        amount=Decimal("9000"),
        currency="EUR",
    )
    report = approved_report(shared, 2026, 2)
    ExpenditureFactory(report=report, amount=Decimal("2500"))
    draft = ProgressReportFactory(activity=partner, year=2026, quarter=2)
    ExpenditureFactory(report=draft, amount=Decimal("999"))
    return shared, partner


def test_budget_and_expenditure_per_initiative_and_funding_source(money):
    table = figures().finances

    assert cell(table, "ASP1", REGULAR).budget.usd == Decimal("5000")
    assert cell(table, "ASP2", REGULAR).budget.usd == Decimal("5000")
    assert cell(table, "ASP1", EXTRA).budget.usd == Decimal("10000")
    assert cell(table, "ASP1", REGULAR).spent.usd == Decimal("1250")
    assert cell(table, "ASP1", REGULAR).execution_rate == Decimal("25.0")
    assert cell(table, "ASP1", EXTRA).spent.usd == 0  # the draft's expenditure does not count
    assert table.total.budget.rounded == Decimal("20000.00")
    assert table.total.spent.rounded == Decimal("2500.00")
    assert table.missing == []


def test_the_rows_add_up_to_the_activities_money_and_nothing_counts_twice(money):
    table = figures().finances

    rows_budget = sum((row.total.budget.usd for row in table.rows), Decimal(0))
    sources_budget = sum((total.budget.usd for total in table.totals), Decimal(0))
    assert rows_budget == sources_budget == table.total.budget.usd == Decimal("20000")


def test_a_multi_year_activity_counts_its_money_in_each_of_its_years_only(money):
    table = figures(2027).finances

    assert cell(table, "ASP1", REGULAR).budget.usd == Decimal("3000")
    assert cell(table, "ASP2", REGULAR).budget.usd == Decimal("3000")
    assert table.total.budget.usd == Decimal("6000")


def test_shares_set_by_an_editor_split_the_money(money):
    shared, _partner = money
    links = {link.expected_result.code: link for link in shared.activityexpectedresult_set.all()}
    links["ASP1.1"].share, links["ASP2.1"].share = Decimal("70"), Decimal("30")
    for link in links.values():
        link.save()

    table = figures().finances

    assert cell(table, "ASP1", REGULAR).budget.usd == Decimal("7000")
    assert cell(table, "ASP2", REGULAR).budget.usd == Decimal("3000")


def test_a_missing_exchange_rate_is_shown_never_guessed(money, viewer_client):
    _shared, partner = money
    BudgetLineFactory(activity=partner, amount=Decimal("500"), currency="CHF")

    table = figures().finances

    ASP1 = cell(table, "ASP1", REGULAR)
    assert not ASP1.budget.complete
    assert ASP1.budget.usd == Decimal("5000")  # the CHF is left out, not converted at 1
    [gap] = table.missing
    assert (gap.currency, gap.month, gap.amount) == ("CHF", datetime.date(2026, 1, 1), 500)

    page = viewer_client.get(reverse("reports:region_dashboard", args=["ASP"]), {"year": 2026})
    assert "500 CHF: no rate for January 2026" in page.content.decode()
    assert "incomplete" in page.content.decode()


def test_expenditure_converts_at_the_rate_of_its_quarters_first_month(money):
    _shared, partner = money
    report = approved_report(partner, 2026, 3)
    ExpenditureFactory(report=report, funding_source=EXTRA, amount=Decimal("800"), currency="EUR")
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 7, 1), rate=Decimal("0.8"))

    assert cell(figures().finances, "ASP1", EXTRA).spent.usd == Decimal("1000")


def test_every_figure_opens_the_lines_that_sum_to_it(money, viewer_client):
    _shared, partner = money
    BudgetLineFactory(activity=partner, amount=Decimal("333.33"), currency="USD")
    table = figures().finances

    for line in table.lines():
        for kind, converted, url in (
            (BUDGET, line.cell.budget, line.cell.budget_url),
            (SPENT, line.cell.spent, line.cell.spent_url),
        ):
            response = viewer_client.get(url)
            assert response.status_code == 200, url
            listed = response.context["money"].total
            assert listed.rounded == converted.rounded, (line, kind)
            parts = response.context["parts"]
            assert sum(p.usd for p in parts) == pytest.approx(converted.usd), (line, kind)


def test_the_drill_down_lists_each_line_with_the_part_it_counts(money, viewer_client):
    url = figures().finances.rows[1].cells[0].budget_url  # ASP2, ITU regular budget
    response = viewer_client.get(url)

    [part] = response.context["parts"]
    assert part.line.activity.title == "Spectrum and skills"
    assert (part.percent, part.amount, part.usd) == (Decimal("50.00"), 5000, 5000)
    content = response.content.decode()
    assert "Budget of ASP2 from ITU regular budget in 2026" in content
    assert "50%: 5,000 USD" in content


def test_money_of_an_earlier_plans_result_goes_to_the_results_continuing_it():
    """GEN-22 ASP1.2 is continued by ASP3.4 and ASP1.3: its money halves between ASP3 and ASP1;
    GEN-22 ASP1.3, continued by none, is "other expected results"."""
    earlier = make_gen22()
    continued = ActivityFactory(expected_results=[])
    continued.expected_results.set([earlier["ASP1.2"]])
    apply_split([continued], {})
    BudgetLineFactory(activity=continued, amount=Decimal("1200"))
    orphan = ActivityFactory(expected_results=[])
    orphan.expected_results.set([earlier["ASP1.3"]])
    apply_split([orphan], {})
    BudgetLineFactory(activity=orphan, amount=Decimal("100"))

    table = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026, all_work=True
    ).finances

    assert cell(table, "ASP3", REGULAR).budget.usd == Decimal("600")
    assert cell(table, "ASP1", REGULAR).budget.usd == Decimal("600")
    assert cell(table, OTHER, REGULAR).budget.usd == Decimal("100")
    assert table.total.budget.usd == Decimal("1300")


def test_the_json_carries_the_financial_figures(money, viewer_client):
    response = viewer_client.get(
        reverse("reports:region_dashboard", args=["ASP"]), {"year": 2026, "format": "json"}
    )

    finances = json.loads(response.content)["finances"]
    assert finances["total"]["budget_usd"] == "20000.00"
    asp1 = next(row for row in finances["initiatives"] if row["initiative"] == "ASP1")
    assert asp1["by_funding_source"]["extra_budgetary"]["budget_usd"] == "10000.00"
    assert asp1["by_funding_source"]["regular_budget"]["execution_rate"] == "25.0"


def test_the_regional_report_has_the_financial_annex_in_each_format(money, viewer_client):
    url = reverse("reports:regional_report", args=["ASP", 2026])
    assert "Annex C: Budget and expenditure" in viewer_client.get(url).content.decode()

    xlsx = viewer_client.get(
        reverse("reports:regional_report_download", args=["ASP", 2026, "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Finances"]
    rows = list(sheet.values)
    assert rows[-1][:4] == ("All initiatives", "All funding sources", 20000, 2500)

    docx = viewer_client.get(
        reverse("reports:regional_report_download", args=["ASP", 2026, "docx"])
    )
    text = "\n".join(
        cell.text
        for table in python_docx.Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "20,000" in text


def test_a_bad_drill_down_query_says_what_is_wrong(viewer_client):
    url = reverse("reports:money_lines", args=["ASP"])
    response = viewer_client.get(url, {"year": 2026, "kind": "everything", "source": "gold"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "everything" in content and "gold" in content


def test_approved_reports_only(money):
    ProgressReport.objects.update(state=ProgressReport.State.SUBMITTED)

    assert figures().finances.total.spent.usd == 0
    assert MoneyLines(figures().finances, SPENT).count == 0
