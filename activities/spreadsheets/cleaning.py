"""What each cell of an import row means: its text (or date or number cell) cleaned into the
value an activity holds — a status from its label, a date from the ways people write one, a
budget within what the database holds, countries from codes or names — or a `RowError` that
says what is wrong in the words of the file.
"""

import contextlib
import datetime
import decimal
import re

from django.db.backends.base.operations import BaseDatabaseOperations

from activities.models import Activity

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"]


class RowError(Exception):
    """What is wrong with one cell: one or several messages."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = messages


def _items(text):
    return [item.strip() for item in text.split(";") if item.strip()]


def _clean_countries(text, lookups, existing):
    countries, errors = [], []
    for item in _items(text):
        country = lookups.countries.get(item.upper()) or lookups.country_names.get(item.casefold())
        if country is None and len(item) > 3:
            # A part of a name is accepted when it names one country only ("Micronesia").
            matches = [c for name, c in lookups.country_names.items() if item.casefold() in name]
            if len(matches) == 1:
                country = matches[0]
            elif len(matches) > 1:
                names = ", ".join(sorted(c.name for c in matches)[:5])
                errors.append(f"“{item}” could be {names}: write its ISO alpha-3 code")
                continue
        if country is None:
            if re.fullmatch(r"[A-Za-z]{3}", item):
                errors.append(f"'{item}' is not a country code")
            else:
                errors.append(f"“{item}” is not a country; write its ISO alpha-3 code")
        elif country not in countries:
            countries.append(country)
    if errors:
        raise RowError(*errors)
    if not countries:
        raise RowError("required, but empty")
    return countries


def _clean_expected_results(text, lookups, existing):
    # An activity may keep an expected result of an earlier action plan it was linked to.
    own = {r.code.upper(): r for r in existing.expected_results.all()} if existing else {}
    results, errors = [], []
    for item in _items(text):
        result = lookups.results.get(item.upper()) or own.get(item.upper())
        if result is None:
            errors.append(f"{item} does not exist")
        elif result not in results:
            results.append(result)
    if errors:
        raise RowError(*errors)
    if not results:
        raise RowError("required, but empty")
    return results


def _clean_target_groups(text, lookups, existing):
    groups, errors = [], []
    for item in _items(text):
        group = lookups.target_groups.get(item.casefold())
        if group is None:
            known = sorted({g.name for g in lookups.target_groups.values()})
            errors.append(f"“{item}” is not a target group; use {', '.join(known)}")
        elif group not in groups:
            groups.append(group)
    if errors:
        raise RowError(*errors)
    return groups


CLEAN_LINKS = {
    "countries": _clean_countries,
    "expected_results": _clean_expected_results,
    "target_groups": _clean_target_groups,
}


def clean_text(cell, text, lookups):
    """A text column's value: the text as it is."""
    return text


def _choice(choices, what):
    """A cleaner of a choice column: the label or the stored value, in any case."""
    by_text = {}
    for value, label in choices.choices:
        by_text[str(label).casefold()] = value
        by_text[value.casefold()] = value

    def clean(cell, text, lookups):
        if not text:
            return ""
        value = by_text.get(text.casefold())
        if value is None:
            labels = ", ".join(str(label) for label in choices.labels)
            raise RowError(f"“{text}” is not a {what}; use one of {labels}")
        return value

    return clean


def _clean_date(cell, text, lookups):
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if not text:
        return None
    with contextlib.suppress(ValueError):
        return datetime.date.fromisoformat(text)  # the usual case, and the quickest
    for format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(" ".join(text.split()), format).date()
        except ValueError:
            continue
    raise RowError(f"“{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-05")


def _number(cell, text):
    """A number from a cell: a number cell, or text with an optional thousands separator;
    never infinite nor "NaN"."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = decimal.Decimal(str(cell))
    else:
        compact = re.sub(r"[\s\u00a0\u202f_']", "", text)
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", compact):
            compact = compact.replace(",", "")
        try:
            number = decimal.Decimal(compact)
        except decimal.InvalidOperation:
            raise RowError(f"“{shortened(text)}” is not a number") from None
    if not number.is_finite():
        raise RowError(f"“{shortened(text)}” is not a number")
    return number


def shortened(text, length=40):
    """`text` as an error message quotes it: at most `length` characters."""
    return text if len(text) <= length else text[: length - 1] + "…"


# The model fields' own limits, so that no number reaches the database that it cannot hold:
# a budget has at most 14 digits, 2 of them decimals; planned participants are
# PositiveIntegerFields.
_BUDGET_FIELD = Activity._meta.get_field("budget_amount")
BUDGET_LIMIT = decimal.Decimal(10) ** (_BUDGET_FIELD.max_digits - _BUDGET_FIELD.decimal_places)
CENTS = decimal.Decimal(1).scaleb(-_BUDGET_FIELD.decimal_places)
PEOPLE_MAX = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]


def _clean_budget(cell, text, lookups):
    if not text:
        return None
    budget = _number(cell, text)
    if budget < 0:
        raise RowError(f"{shortened(text)} is negative; the budget is 0 or more")
    too_large = f"{shortened(text)} is too large for a budget; at most {BUDGET_LIMIT - CENTS:,}"
    if budget >= BUDGET_LIMIT:  # before rounding: a number of a million digits is not rounded
        raise RowError(too_large)
    budget = budget.quantize(CENTS, rounding=decimal.ROUND_HALF_UP)
    if budget >= BUDGET_LIMIT:  # 999,999,999,999.999 rounds up to 13 digits before the point
        raise RowError(too_large)
    return budget


def _clean_people(cell, text, lookups):
    if not text:
        return 0
    number = _number(cell, text)
    if number != number.to_integral_value():
        raise RowError(f"{shortened(text)} is not a whole number")
    if number < 0:
        raise RowError(f"{shortened(text)} is negative; write 0 or more")
    if number > PEOPLE_MAX:
        raise RowError(f"{shortened(text)} is too large; at most {PEOPLE_MAX:,}")
    return int(number)


def _clean_currency(cell, text, lookups):
    return text.upper() if text else "USD"  # the model checks the code


def _clean_focal_point(cell, text, lookups):
    if not text:
        return None
    people = lookups.users.get(text.casefold(), [])
    if not people:
        raise RowError(f"{text} is not the e-mail of a tracker user")
    if len(people) > 1:
        raise RowError(f"{text} is the e-mail of several users; ask an administrator")
    return people[0]


CLEAN_VALUES = {
    "status": _choice(Activity.Status, "status"),
    "modality": _choice(Activity.Modality, "modality"),
    "funding_source": _choice(Activity.FundingSource, "funding source"),
    "start_date": _clean_date,
    "end_date": _clean_date,
    "budget": _clean_budget,
    "planned_participants_women": _clean_people,
    "planned_participants_men": _clean_people,
    "currency": _clean_currency,
    "focal_point_email": _clean_focal_point,
}
