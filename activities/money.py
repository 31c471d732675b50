"""The rules of an activity's money, asked by the one write path (activities.services) and by
the forms that show every mistake where the user is: its budget lines, the split of its money
across the expected results it advances, and the expenditure its progress reports state.

- A budget line is for a year the activity runs in (from its start year to its end year, or
  on from its start year while it has no end date); one line per year, funding source,
  partner and currency; extra-budgetary money names its partner.
- The shares of an activity's expected results are percentages summing to exactly 100: equal
  (initiatives.money.equal_shares) unless an editor set them (`Activity.custom_split`). When
  its expected results change, set shares no longer fit: the split goes back to equal shares,
  and the history says so.
- A report states its quarter's expenditure once per funding source and currency.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from activities import signals
from activities.models import ActivityExpectedResult, BudgetLine, Expenditure, FundingSource
from initiatives.money import HUNDRED, Converted, Rates, budget_month, equal_shares

SPLIT_RESET = "expected results changed: the money is split in equal shares again"


def line_key(line):
    return (line.year, line.funding_source, line.funding_partner, line.currency)


def describe_line(line):
    return f"{line.year} {line.source_label} {line.currency}"


def row_errors(row, owner, label):
    """The model's checks of `row` (a budget line or an expenditure, its `owner` field not
    set yet), as messages that start with `label`; the rules across rows are the callers'."""
    try:
        row.full_clean(exclude=[owner], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            f"{label}: {message}"
            for field_messages in error.message_dict.values()
            for message in field_messages
        ]
    return []


def budget_line_errors(activity, lines):
    """What is wrong with `lines` (BudgetLines) as the budget lines of `activity` (its dates as
    it would be saved): messages, each naming its line; empty when right."""
    messages = []
    first = activity.start_date.year if activity.start_date else None
    last = activity.end_date.year if activity.end_date else None
    for line in lines:
        field_errors = row_errors(line, "activity", f"Budget line {describe_line(line)}")
        if field_errors:
            messages.extend(field_errors)
            continue
        if line.funding_source == FundingSource.EXTRA_BUDGETARY and not line.funding_partner:
            messages.append(f"Budget line {describe_line(line)}: {BudgetLine.PARTNER_NEEDED}")
        if first is not None and (line.year < first or (last is not None and line.year > last)):
            years = f"{first} to {last}" if last and last != first else f"{first}"
            if last is None:
                years = f"{first} on"
            messages.append(
                f"Budget line {describe_line(line)}: {line.year} is not a year the activity "
                f"runs in ({years}). Give its money in the years of its dates."
            )
    messages.extend(unstated_source_errors(activity, lines))
    repeated = [key for key, count in Counter(map(line_key, lines)).items() if count > 1]
    for year, source, partner, currency in repeated:
        label = FundingSource.named(source) + (f" ({partner})" if partner else "")
        messages.append(
            f"Two budget lines are for {year}, {label}, {currency}: give it one line with the "
            "sum of their amounts."
        )
    return messages


def unstated_source_errors(activity, lines):
    """A line names its funding source, but one already saved without it (moved from an
    activity's former single budget, which named none) may keep it. One query, only when a
    line has no source."""
    unstated = [line for line in lines if not line.funding_source]
    if not unstated:
        return []
    saved = set()
    if activity.pk is not None:
        saved = {line_key(line) for line in BudgetLine.objects.filter(activity=activity)}
    return [
        f"Budget line {describe_line(line)}: choose its funding source."
        for line in unstated
        if line_key(line) not in saved
    ]


def date_errors(activity, current):
    """The budget lines that a change of `activity`'s dates (from `current`, as saved) would
    leave outside its years, as messages on its dates. One query when the dates changed."""
    if current is None or (
        activity.start_date == current.start_date and activity.end_date == current.end_date
    ):
        return []
    if activity.start_date is None:
        return []
    first = activity.start_date.year
    last = activity.end_date.year if activity.end_date else None
    outside = Q(year__lt=first) | Q(year__gt=last) if last is not None else Q(year__lt=first)
    outside = BudgetLine.objects.filter(outside, activity=current)
    years = sorted(set(outside.values_list("year", flat=True)))
    if not years:
        return []
    listed = ", ".join(map(str, years))
    return [
        f"The activity has budget lines for {listed}, outside these dates: change or remove "
        "those lines first, or keep dates that include their years."
    ]


def split_errors(expected_results, shares):
    """What is wrong with `shares` ({ExpectedResult: percent}) as the split of an activity's
    money across `expected_results`: messages, empty when right."""
    messages = []
    wanted = {result.pk for result in expected_results}
    given = {result.pk for result in shares}
    if wanted != given:
        messages.append(
            "Give a share for each expected result the activity advances, and only for those."
        )
    for result, percent in shares.items():
        if percent is None or not (0 <= percent <= HUNDRED) or percent != round(percent, 2):
            messages.append(
                f"{result.code}: a share is a percentage from 0 to 100, with at most two decimals."
            )
    total = sum((percent for percent in shares.values() if percent is not None), Decimal(0))
    if not messages and total != HUNDRED:
        messages.append(
            f"The shares sum to {total.normalize():f} %: they must sum to exactly 100 %, so that "
            "the activity's money is counted once."
        )
    return messages


def apply_split(activities, custom_shares):
    """Give the links to expected results of `activities` their shares: those of
    `custom_shares` ({activity pk: {result pk: percent}}) for the activities there, equal
    shares for the others. Two queries per 500 activities."""
    ids = [activity.pk for activity in activities]
    links = ActivityExpectedResult.objects.filter(activity_id__in=ids).order_by(
        "activity_id", "expected_result_id"
    )
    by_activity = {}
    for link in links:
        by_activity.setdefault(link.activity_id, []).append(link)
    changed = []
    for activity_id, rows in by_activity.items():
        custom = custom_shares.get(activity_id)
        shares = (
            [custom[row.expected_result_id] for row in rows] if custom else equal_shares(len(rows))
        )
        for row, share in zip(rows, shares, strict=True):
            if row.share != share:
                row.share = share
                changed.append(row)
    ActivityExpectedResult.objects.bulk_update(changed, ["share"], batch_size=500)


def shares_of(activity):
    """{expected result id: percent} of `activity`'s saved split. One query."""
    return dict(
        ActivityExpectedResult.objects.filter(activity=activity).values_list(
            "expected_result_id", "share"
        )
    )


LINES_BATCH = 500  # owners, and rows, per query: within SQLite's limit on parameters


def save_lines(model, owner_name, key, lines_of, user):
    """Make each owner's rows of `model` those of its lines: `lines_of` holds (owner, lines)
    pairs, the owners saved, `owner_name` is the rows' foreign key to it ("activity",
    "report"), `key` matches a row with a line. A row no longer given is deleted, a new one
    created, one whose amount changed saved, each with its history row by `user`. A few
    queries per 500 owners and rows (a deleted row, rare, costs its own). Returns {owner id:
    its changes in words}."""
    ids = [owner.pk for owner, _lines in lines_of]
    saved = defaultdict(dict)
    for start in range(0, len(ids), LINES_BATCH):
        rows = model.objects.filter(**{f"{owner_name}_id__in": ids[start : start + LINES_BATCH]})
        for row in rows:
            saved[getattr(row, f"{owner_name}_id")][key(row)] = row
    created, changed, changes = [], [], defaultdict(list)
    for owner, lines in lines_of:
        theirs, wanted, words = saved[owner.pk], {key(line): line for line in lines}, []
        for line_key_, row in theirs.items():
            if line_key_ not in wanted:
                row._history_user = user
                row.delete()
                words.append(f"removed {row}")
        for line_key_, line in wanted.items():
            row = theirs.get(line_key_)
            if row is None:
                row = model(
                    **{owner_name: owner},
                    **{name: getattr(line, name) for name in model.LINE_FIELDS},
                )
                created.append(row)
                words.append(f"added {row}")
            elif row.amount != line.amount:
                words.append(f"{row} → {line.amount:.2f}")
                row.amount = line.amount
                changed.append(row)
        changes[owner.pk] = words
    bulk_create_with_history(created, model, batch_size=LINES_BATCH, default_user=user)
    bulk_update_with_history(changed, model, ["amount"], batch_size=LINES_BATCH, default_user=user)
    if created or changed:  # bulk writes send no post_save: the figures' cache must know
        signals.bulk_saved.send(sender=model)
    return changes


def save_budget_lines(activity, lines, user):
    """Make `activity`'s budget lines `lines` (checked). Returns the changes in words."""
    return save_lines(BudgetLine, "activity", line_key, [(activity, lines)], user)[activity.pk]


def save_many_budget_lines(lines_of, user):
    """`save_budget_lines` for many activities at once: (activity, lines) pairs (an import)."""
    save_lines(BudgetLine, "activity", line_key, lines_of, user)


def expenditure_key(row):
    return (row.funding_source, row.currency)


def expenditure_errors(rows):
    """What is wrong with `rows` (Expenditures) as a report's expenditure: messages."""
    messages = []
    for row in rows:
        label = f"Expenditure {FundingSource.named(row.funding_source)} {row.currency}"
        messages.extend(row_errors(row, "report", label))
    repeated = [key for key, count in Counter(map(expenditure_key, rows)).items() if count > 1]
    for source, currency in repeated:
        messages.append(
            f"Two lines state what was spent from {FundingSource.named(source)} in {currency}: "
            "give one line with their sum."
        )
    return messages


def save_expenditures(report, rows, user):
    """Make `report`'s expenditure `rows` (checked). Returns the changes in words."""
    return save_lines(Expenditure, "report", expenditure_key, [(report, rows)], user)[report.pk]


# --- Amounts in US dollars, as the activity's and the report's pages show them


def rate_in_words(rate):
    """An ExchangeRate as a page shows it: "0.9 EUR for 1 USD", without trailing zeros."""
    return f"{rate.rate.normalize():f} {rate.currency} for 1 USD"


@dataclass
class AmountInDollars:
    """A budget line or an expenditure (`line`) with its amount in US dollars at the rate of
    `month` (`converted`) and the rate used (`rate`: an ExchangeRate, None for US dollars or
    when the month has none: `converted.missing`)."""

    line: object
    month: object
    converted: Converted
    rate: object

    @property
    def rate_in_words(self):
        return rate_in_words(self.rate) if self.rate else ""


def in_dollars(lines, month_of):
    """AmountInDollars of each of `lines`, converted at the rate of `month_of(line)`. One
    query for the rates, whatever the lines."""
    lines = list(lines)
    rates = Rates((line.currency, month_of(line)) for line in lines)
    return [
        AmountInDollars(
            line,
            month_of(line),
            rates.convert(line.amount, line.currency, month_of(line)),
            rates.rate(line.currency, month_of(line)),
        )
        for line in lines
    ]


@dataclass
class BudgetInDollars:
    """An activity's budget lines in US dollars (`lines`: AmountInDollars) and their total per
    year (`years`: (year, Converted)), the amounts with no rate said as missing."""

    lines: list
    years: list


def budget_in_dollars(lines):
    """`lines` (BudgetLines) in US dollars at the rate of January of their year, and summed
    per year."""
    shown = in_dollars(lines, lambda line: budget_month(line.year))
    totals = {}
    for row in shown:
        totals[row.line.year] = totals.get(row.line.year, Converted()) + row.converted
    return BudgetInDollars(shown, sorted(totals.items()))
