"""The money of a region's figures: budget and expenditure of the year per initiative and
funding source, in US dollars, with the execution rate, as the region dashboard's financial
table, the regional report's financial annex and the dashboard JSON show them, and the lines
behind each figure (its drill-down page).

What counts, written once here:

- the activities the figures count (`Scope.activities()`: of the region, counted in the year,
  for the plan, or all of them with `all_work`);
- their budget lines of the year, and the expenditure of the approved progress reports of the
  year's quarters;
- split across initiatives by the shares of the activities' expected results
  (`ActivityExpectedResult.share`). An earlier plan's result that results of this plan
  continue gives its share to those, in equal parts; a result of no initiative of the table
  (another plan, with `all_work`) to "Other expected results" — so that the rows add up to the
  activities' money and nothing is counted twice;
- converted into US dollars as initiatives.money says (the month's UN rate; a missing rate
  shown, never guessed).

Three queries for the table, whatever the number of activities: the budget and the
expenditure summed in the database per expected result, share, funding source, currency (and
quarter), and the rates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Sum

from activities.models import BudgetLine, Expenditure, FundingSource, ProgressReport
from initiatives.models import ExpectedResult
from initiatives.money import (
    Converted,
    Rates,
    budget_month,
    expenditure_month,
    share_of,
)

BUDGET, SPENT = "budget", "spent"
OTHER = "other"  # the key of "Other expected results"
NOT_STATED = "none"  # the query value of a budget line without a funding source


class Money(NamedTuple):
    """An amount for an expected result at a share, from a funding source, in a currency, to
    be converted at the rate of `month`: a sum of lines, or one line (`line` its id)."""

    result_id: int
    share: Decimal
    source: str
    currency: str
    month: object
    amount: Decimal
    line: object = None


@dataclass
class Cell:
    """A figure of the table: budget and expenditure in US dollars (Converted), with the
    links to the lines behind each."""

    budget: Converted = field(default_factory=Converted)
    spent: Converted = field(default_factory=Converted)
    budget_url: str = ""
    spent_url: str = ""

    @property
    def execution_rate(self):
        """Expenditure as a percent of budget, one decimal; None without a budget."""
        if not self.budget.usd:
            return None
        return (self.spent.usd / self.budget.usd * 100).quantize(Decimal("0.1"))

    @property
    def complete(self):
        return self.budget.complete and self.spent.complete

    @property
    def has_money(self):
        """Whether anything is budgeted or spent here, converted or not."""
        return bool(self.budget.usd or self.spent.usd or self.budget.missing or self.spent.missing)

    def as_json(self):
        return {
            "budget_usd": str(self.budget.rounded),
            "spent_usd": str(self.spent.rounded),
            "execution_rate": (
                str(self.execution_rate) if self.execution_rate is not None else None
            ),
            "complete": self.complete,
        }


@dataclass
class FinanceRow:
    """An initiative (None: other expected results) and its Cells per funding source, in the
    order of `FinancialTable.sources`, and its total."""

    initiative: object
    cells: list
    total: Cell

    @property
    def label(self):
        return str(self.initiative) if self.initiative else "Other expected results"

    @property
    def code(self):
        return self.initiative.code if self.initiative else OTHER


class FinanceLine(NamedTuple):
    """A row of the financial table as shown: an initiative (or "All initiatives"), a funding
    source (or "All funding sources"), its Cell, whether it is a total, the initiative's code
    ("" for all) and its `short` name (the code, shown under its total's full title)."""

    initiative: str
    source: str
    cell: Cell
    is_total: bool
    code: str
    short: str


class Allocation:
    """How money for an expected result goes to the initiatives of the table: {result id:
    [(initiative key, fraction of the share)]} — the result's initiative; for an earlier plan's
    result, the initiatives of the results continuing it, in equal parts; OTHER else."""

    def __init__(self, initiatives, result_ids):
        self.initiatives = list(initiatives)
        self.result_ids = result_ids
        self.initiative_of = {
            result.pk: initiative.code
            for initiative in self.initiatives
            for result in initiative.expected_results.all()
        }

    @cached_property
    def continued_by(self):
        """Earlier result id → the ids of this table's results that continue it. One query."""
        continued = defaultdict(list)
        pairs = ExpectedResult.continues.through.objects.filter(
            from_expectedresult__in=self.result_ids
        ).values_list("to_expectedresult_id", "from_expectedresult_id")
        for earlier_id, result_id in pairs:
            continued[earlier_id].append(result_id)
        return continued

    def parts(self, result_id):
        """[(initiative code or OTHER, fraction)] of money for `result_id`."""
        if result_id in self.initiative_of:
            return [(self.initiative_of[result_id], Decimal(1))]
        later = [r for r in self.continued_by.get(result_id, ()) if r in self.initiative_of]
        if not later:
            return [(OTHER, Decimal(1))]
        return [(self.initiative_of[r], Decimal(1) / len(later)) for r in later]

    def split(self, money):
        """[(initiative code or OTHER, percent of the Money's amount, that part unrounded)]."""
        return [
            (key, money.share * fraction, share_of(money.amount, money.share * fraction))
            for key, fraction in self.parts(money.result_id)
        ]


def budget_money(year, activity_ids, per_line=False, **filters):
    """The Money of the budget lines of `year` of `activity_ids` (fetched once): summed per
    expected result, share, funding source and currency, or with `per_line` one per line and
    expected result (`Money.line`: the line's id, ordered by activity). One query."""
    rows = BudgetLine.objects.filter(
        year=year, activity__in_ids=activity_ids, **filters
    ).values_list(
        "activity__activityexpectedresult__expected_result_id",
        "activity__activityexpectedresult__share",
        "funding_source",
        "currency",
    )
    month = budget_month(year)
    if per_line:
        rows = rows.values_list(*rows._fields, "amount", "pk").order_by("activity_id", "pk")
        return [Money(*row[:4], month, *row[4:]) for row in rows]
    rows = rows.order_by().annotate(amount=Sum("amount"))
    return [Money(*row[:4], month, row[4]) for row in rows]


def spent_money(year, activity_ids, per_line=False, **filters):
    """The Money of the expenditure of the approved reports of `year` of `activity_ids` (fetched
    once): summed per expected result, share, funding source, currency and quarter, or with
    `per_line` one per expenditure and expected result. One query."""
    rows = Expenditure.objects.filter(
        report__year=year,
        report__state=ProgressReport.State.APPROVED,
        report__activity__in_ids=activity_ids,
        **filters,
    ).values_list(
        "report__activity__activityexpectedresult__expected_result_id",
        "report__activity__activityexpectedresult__share",
        "funding_source",
        "currency",
        "report__quarter",
    )
    if per_line:
        rows = rows.values_list(*rows._fields, "amount", "pk").order_by(
            "report__activity_id", "report__quarter", "pk"
        )
    else:
        rows = rows.order_by().annotate(amount=Sum("amount"))
    return [Money(*row[:4], expenditure_month(year, row[4]), *row[5:]) for row in rows]


def convert(amounts, rates):
    """{(currency, month): amount} in US dollars, as one Converted."""
    total = Converted()
    for (currency, month), amount in sorted(amounts.items()):
        total += rates.convert(amount, currency, month)
    return total


def source_key(source):
    """A funding source as the drill-down's query gives it."""
    return source or NOT_STATED


class FinancialTable:
    """Budget and expenditure of a region's year per initiative and funding source.

    `rows`: a FinanceRow per initiative of the plan in the region (and one for other expected
    results when some money goes there); `totals`: a Cell per funding source; `total`: the
    grand total; `sources`: (value, label) of the funding sources the table has columns for
    (all four, and "Not stated" when a line has none); `missing`: the MissingRates."""

    def __init__(self, scope, initiatives, activity_ids):
        self.scope = scope
        self.activity_ids = activity_ids  # those of the scope's activities
        self.allocation = Allocation(initiatives, scope.result_ids)

    @cached_property
    def _amounts(self):
        """{(kind, initiative key, source): {(currency, month): unrounded amount}}."""
        amounts = defaultdict(lambda: defaultdict(Decimal))
        self.allocation.continued_by  # noqa: B018 (one query, whatever the data)
        for kind, summed in ((BUDGET, budget_money), (SPENT, spent_money)):
            for money in summed(self.scope.year, self.activity_ids):
                if money.result_id is None:  # an activity without expected results: none count
                    continue
                for key, _percent, amount in self.allocation.split(money):
                    amounts[kind, key, money.source][money.currency, money.month] += amount
        return amounts

    @cached_property
    def rates(self):
        return Rates(pair for amounts in self._amounts.values() for pair in amounts)

    @cached_property
    def sources(self):
        sources = list(FundingSource.choices)
        if any(source == "" for _kind, _key, source in self._amounts):
            sources.append(("", FundingSource.named("")))
        return sources

    def _cell(self, keys, sources):
        budget, spent = defaultdict(Decimal), defaultdict(Decimal)
        for key in keys:
            for source in sources:
                for pair, amount in self._amounts.get((BUDGET, key, source), {}).items():
                    budget[pair] += amount
                for pair, amount in self._amounts.get((SPENT, key, source), {}).items():
                    spent[pair] += amount
        return Cell(convert(budget, self.rates), convert(spent, self.rates))

    def _with_urls(self, cell, initiative=None, source=None):
        query = {}
        if initiative is not None:
            query["initiative"] = initiative
        if source is not None:
            query["source"] = source_key(source)
        cell.budget_url = self.scope.money_lines_url(kind=BUDGET, **query)
        cell.spent_url = self.scope.money_lines_url(kind=SPENT, **query)
        return cell

    @cached_property
    def rows(self):
        keys = [initiative.code for initiative in self.allocation.initiatives]
        if any(key == OTHER for _kind, key, _source in self._amounts):
            keys.append(OTHER)
        by_code = {i.code: i for i in self.allocation.initiatives}
        sources = [value for value, _label in self.sources]
        return [
            FinanceRow(
                by_code.get(key),
                [self._with_urls(self._cell([key], [source]), key, source) for source in sources],
                self._with_urls(self._cell([key], sources), key),
            )
            for key in keys
        ]

    @cached_property
    def totals(self):
        keys = [row.code for row in self.rows]
        return [
            self._with_urls(self._cell(keys, [source]), source=source)
            for source, _label in self.sources
        ]

    @cached_property
    def total(self):
        keys = [row.code for row in self.rows]
        return self._with_urls(self._cell(keys, [value for value, _label in self.sources]))

    def lines(self):
        """The table as the pages and files show it, one FinanceLine a row: each initiative's
        total, then its funding sources that have money; then each funding source's total,
        and the grand total."""
        labels = dict(self.sources)
        sources = [value for value, _label in self.sources]
        lines = []
        everything = "All initiatives"
        for row in self.rows:
            short = row.initiative.code if row.initiative else row.label
            lines.append(
                FinanceLine(row.label, "All funding sources", row.total, True, row.code, short)
            )
            lines.extend(
                FinanceLine(row.label, labels[source], cell, False, row.code, short)
                for source, cell in zip(sources, row.cells, strict=True)
                if cell.has_money
            )
        lines.extend(
            FinanceLine(everything, labels[source], cell, False, "", everything)
            for source, cell in zip(sources, self.totals, strict=True)
            if cell.has_money
        )
        lines.append(
            FinanceLine(everything, "All funding sources", self.total, True, "", everything)
        )
        return lines

    @cached_property
    def missing(self):
        """The MissingRates of the table: the amounts not converted, per currency and month."""
        return (self.total.budget + self.total.spent).missing

    @property
    def is_empty(self):
        return not self._amounts

    def as_json(self):
        return {
            "currency": "USD",
            "initiatives": [
                {
                    "initiative": row.code,
                    "by_funding_source": {
                        value or NOT_STATED: cell.as_json()
                        for (value, _label), cell in zip(self.sources, row.cells, strict=True)
                    },
                    "total": row.total.as_json(),
                }
                for row in self.rows
            ],
            "by_funding_source": {
                value or NOT_STATED: cell.as_json()
                for (value, _label), cell in zip(self.sources, self.totals, strict=True)
            },
            "total": self.total.as_json(),
            "missing_rates": [
                {"currency": gap.currency, "month": f"{gap.month:%Y-%m}", "amount": str(gap.amount)}
                for gap in self.missing
            ],
        }


class FinancesMixin:
    """The `finances` of `RegionFigures` (reports.queries.region), for its scope."""

    @cached_property
    def finances(self):
        return FinancialTable(self.scope, self.initiative_list, self.activity_ids)


@dataclass
class LinePart:
    """A budget line or an expenditure behind a figure: the row (`line`, with its activity;
    an expenditure with its report), the percent of it that the figure counts (its expected
    results' shares in the figure's initiative), that part in its currency, and in US dollars
    (None: no rate)."""

    line: object
    percent: Decimal
    amount: Decimal
    usd: Decimal | None


class MoneyLines:
    """The budget lines (`kind` BUDGET) or expenditure (SPENT) behind a figure of the
    FinancialTable: of an initiative (its code, OTHER, or None: all) and a funding source
    (a value, "" for not stated, or None: all). Their parts sum to the figure (`total`), by
    the same allocation and conversion."""

    def __init__(self, table, kind, initiative=None, source=None):
        self.table, self.kind = table, kind
        self.initiative, self.source = initiative, source

    @cached_property
    def _parts(self):
        """{line id: (percent, {(currency, month): amount})} of the lines with a part."""
        filters = {} if self.source is None else {"funding_source": self.source}
        summed = budget_money if self.kind == BUDGET else spent_money
        moneys = summed(self.table.scope.year, self.table.activity_ids, per_line=True, **filters)
        parts = {}
        for money in moneys:
            if money.result_id is None:
                continue
            for key, percent, amount in self.table.allocation.split(money):
                if self.initiative is not None and key != self.initiative:
                    continue
                part = parts.setdefault(money.line, [Decimal(0), defaultdict(Decimal)])
                part[0] += percent
                part[1][money.currency, money.month] += amount
        return parts

    @cached_property
    def total(self):
        """The figure: a Converted, equal to the table's cell."""
        amounts = defaultdict(Decimal)
        for _percent, line_amounts in self._parts.values():
            for pair, amount in line_amounts.items():
                amounts[pair] += amount
        return convert(amounts, self.rates)

    @cached_property
    def rates(self):
        return Rates(pair for _percent, amounts in self._parts.values() for pair in amounts)

    @property
    def count(self):
        return len(self._parts)

    def page(self, lines):
        """LineParts of `lines` (BudgetLines or Expenditures, of this figure)."""
        result = []
        for line in lines:
            percent, amounts = self._parts[line.pk]
            ((pair, amount),) = amounts.items()  # one currency and month per line
            converted = self.rates.convert(amount, *pair)
            usd = None if converted.missing else converted.usd
            result.append(LinePart(line, percent.quantize(Decimal("0.01")), amount, usd))
        return result

    def line_ids(self):
        """The ids of the figure's lines, those of an activity together."""
        return list(self._parts)

    def lines(self, ids):
        """The lines `ids` (a page of `line_ids`) with their activity, in that order."""
        if self.kind == BUDGET:
            rows = BudgetLine.objects.select_related("activity")
        else:
            rows = Expenditure.objects.select_related("report__activity")
        found = rows.in_bulk(ids)
        return self.page([found[pk] for pk in ids if pk in found])
