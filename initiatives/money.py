"""Money, written once: the rounding rule, which month's rate converts an amount, and the
conversion into US dollars with the UN operational rates of exchange that administrators keep
(`ExchangeRate`). Decimal arithmetic only: no amount is ever a float.

- An amount is converted at the rate of the month it is for: a budget line of a year at the
  rate of January of that year, an expenditure of a quarter at the rate of the quarter's first
  month (`budget_month`, `expenditure_month`).
- A rate is the number of units of the currency one US dollar buys that month; US dollars
  need none.
- A missing rate is never guessed: the amount stays unconverted and is reported as missing
  (`Converted.missing`), so that a total shows it is incomplete.
- Figures are rounded to the cent, half up, once, when shown or stored (`cents`); sums are
  made of the unrounded amounts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

USD = "USD"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount):
    """`amount` rounded to the cent, half up: the one rounding rule of money."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def budget_month(year):
    """The month whose rate converts a budget line of `year`: its January."""
    return datetime.date(year, 1, 1)


def expenditure_month(year, quarter):
    """The month whose rate converts an expenditure of `year`'s `quarter`: its first month."""
    return datetime.date(year, 3 * quarter - 2, 1)


def equal_shares(count):
    """`count` percentages, two decimals each, as equal as can be and summing to exactly 100:
    3 → 33.34, 33.33, 33.33 (the cents left over go to the first ones)."""
    if count <= 0:
        return []
    share = (HUNDRED / count).quantize(CENT, rounding=ROUND_DOWN)
    left_over = int((HUNDRED - share * count) / CENT)
    return [share + CENT if index < left_over else share for index in range(count)]


def share_of(amount, percent):
    """The part of `amount` that `percent` of it is, unrounded."""
    return amount * percent / HUNDRED


@dataclass(frozen=True)
class MissingRate:
    """No rate for `currency` in `month`: `amount` of it could not be converted."""

    currency: str
    month: datetime.date
    amount: Decimal


@dataclass
class Converted:
    """A sum in US dollars (`usd`, unrounded) and what could not be converted (`missing`:
    MissingRate per currency and month)."""

    usd: Decimal = Decimal(0)
    missing: list = field(default_factory=list)

    @property
    def complete(self):
        return not self.missing

    def __add__(self, other):
        return Converted(self.usd + other.usd, _merged(self.missing + other.missing))

    @property
    def rounded(self):
        return cents(self.usd)


def _merged(missing):
    amounts = defaultdict(Decimal)
    for gap in missing:
        amounts[gap.currency, gap.month] += gap.amount
    return [
        MissingRate(currency, month, amount)
        for (currency, month), amount in sorted(amounts.items())
    ]


class Rates:
    """The rates of the (currency, month) pairs asked for, read in one query."""

    def __init__(self, pairs):
        from initiatives.models import ExchangeRate

        wanted = {(currency, month) for currency, month in pairs if currency != USD}
        self.rates = ExchangeRate.objects.for_pairs(wanted) if wanted else {}

    def rate(self, currency, month):
        """The ExchangeRate of `currency` in `month`, or None when there is none (and for USD)."""
        return self.rates.get((currency, month))

    def convert(self, amount, currency, month):
        """`amount` of `currency` in US dollars at the rate of `month`, as a Converted."""
        if currency == USD:
            return Converted(amount)
        rate = self.rates.get((currency, month))
        if rate is None:
            return Converted(Decimal(0), [MissingRate(currency, month, amount)])
        return Converted(amount / rate.rate)
