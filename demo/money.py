"""The money of the demo set and of the generated data (demo.fixture, demo.generator): a budget
split across the years an activity runs, by its days, in whole units; what a quarter's progress
report spends of its year's budget; and the illustrative monthly rates of exchange they ship,
marked as demo (`is_demo`, DEMO_RATE_SOURCE) because they are not UN rates.

Whole units and integer arithmetic only: the parts of an amount add up to it exactly.
"""

import datetime
import zlib
from decimal import Decimal

from initiatives.money import USD, budget_month, expenditure_month

DEMO_RATE_SOURCE = "Illustrative demo rate, not a UN rate"
# Units of each currency for one US dollar around which the illustrative rates move (by up to
# 3 % from month to month): near the real ones, so that converted figures look right, but
# never a real month's rate.
BASE_RATES = {"EUR": Decimal("0.92"), "CHF": Decimal("0.88"), "AUD": Decimal("1.52")}
# An activity without an end date is budgeted as if it ran this long from its start.
OPEN_ENDED_DAYS = 730


def budget_end(start, end):
    """The last day that an activity's budget covers: its end date, or OPEN_ENDED_DAYS from its
    start when it has none."""
    return end or start + datetime.timedelta(days=OPEN_ENDED_DAYS - 1)


def days_in(start, end, first, last):
    """How many days of `start` to `end` fall in `first` to `last` (all inclusive)."""
    return max(0, (min(end, last) - max(start, first)).days + 1)


def days_per_year(start, end):
    """{year: days of `start` to `end` in it}, in order: 2025-11-01 to 2026-01-31 → {2025: 61,
    2026: 31}."""
    return {
        year: days_in(start, end, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        for year in range(start.year, end.year + 1)
    }


def split(total, weights):
    """`total` (whole units) in parts proportional to `weights` ({key: int}), whole units that
    add up to `total`: the units left over go to the largest remainders, then the first keys."""
    whole = sum(weights.values())
    parts = {key: total * weight // whole for key, weight in weights.items()}
    left_over = total - sum(parts.values())
    by_remainder = sorted(weights, key=lambda key: -(total * weights[key] % whole))
    for key in by_remainder[:left_over]:
        parts[key] += 1
    return parts


def split_by_days(total, start, end):
    """`total` (whole units) across the years of `start` to `end` by the days the activity runs in
    each: {year: amount}, adding up to `total`."""
    return split(total, days_per_year(start, end))


def quarter_bounds(year, quarter):
    """The first and last day of `year`'s `quarter`."""
    first = expenditure_month(year, quarter)
    next_first = datetime.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return first, next_first - datetime.timedelta(days=1)


def spent_in_quarter(amount, start, end, year, quarter, percent):
    """What a report of `year`'s `quarter` spends of `amount` (the year's budget line, whole
    units): `percent` of the part of the year's budget that falls in the quarter, by the days
    the activity (`start` to `end`) runs in each; whole units, never more than that part."""
    year_days = days_in(start, end, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if not year_days:
        return 0
    first, last = quarter_bounds(year, quarter)
    return amount * days_in(start, end, first, last) * percent // (100 * year_days)


def illustrative_rate(currency, month):
    """The demo's rate of `currency` for `month` (its first day): units for one US dollar, six
    decimals, BASE_RATES moved by a stable pseudo-random amount of up to 3 %. Not a UN rate."""
    wiggle = zlib.crc32(f"{currency}{month:%Y-%m}".encode()) % 601 - 300  # -300 to 300
    rate = BASE_RATES[currency] * (1 + Decimal(wiggle) / 10_000)
    return rate.quantize(Decimal("0.000001"))


def rate_months(lines, expenditures):
    """The (currency, month) pairs whose rates convert `lines` ((currency, year)) and
    `expenditures` ((currency, year, quarter)), as initiatives.money says (`budget_month`,
    `expenditure_month`). US dollars need none."""
    pairs = {(currency, budget_month(year)) for currency, year in lines}
    pairs |= {
        (currency, expenditure_month(year, quarter)) for currency, year, quarter in expenditures
    }
    return {(currency, month) for currency, month in pairs if currency != USD}
