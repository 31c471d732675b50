"""What each cell of an import row means: its text (or date or number cell) cleaned into the
value an activity holds — a status from its label, a date from the ways people write one,
countries from codes or names — or a `RowError` that says what is wrong in the words of the
file. The same for a row of the sheet "Budget lines" (`CLEAN_BUDGET_VALUES`): a year, a
funding source, an amount within what the database holds, a currency of ISO 4217.
"""

import contextlib
import datetime
import decimal
import re

from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations

from activities.models import Activity, BudgetLine, FundingSource
from initiatives.validators import validate_currency

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
# an amount has at most 14 digits, 2 of them decimals; planned participants are
# PositiveIntegerFields; a budget line's year is within its validators' bounds.
_AMOUNT_FIELD = BudgetLine._meta.get_field("amount")
AMOUNT_LIMIT = decimal.Decimal(10) ** (_AMOUNT_FIELD.max_digits - _AMOUNT_FIELD.decimal_places)
CENTS = decimal.Decimal(1).scaleb(-_AMOUNT_FIELD.decimal_places)
PEOPLE_MAX = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]
_YEAR_BOUNDS = {
    type(validator).__name__: validator.limit_value
    for validator in BudgetLine._meta.get_field("year").validators
    if hasattr(validator, "limit_value")
}
FIRST_YEAR = _YEAR_BOUNDS["MinValueValidator"]
LAST_YEAR = _YEAR_BOUNDS["MaxValueValidator"]


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
    "start_date": _clean_date,
    "end_date": _clean_date,
    "planned_participants_women": _clean_people,
    "planned_participants_men": _clean_people,
    "focal_point_email": _clean_focal_point,
}


# --- The sheet "Budget lines" ----------------------------------------------------------------

# How the export writes the funding source of a line that has none (a line moved from the
# single budget of an activity that named no source): read back as none.
NOT_STATED = FundingSource.named("")


def _clean_year(cell, text):
    not_a_year = RowError(f"“{shortened(text)}” is not a year; write it as four digits, e.g. 2026")
    try:
        number = _number(cell, text)
    except RowError:
        raise not_a_year from None
    if number != number.to_integral_value() or not FIRST_YEAR <= number <= LAST_YEAR:
        raise not_a_year
    return int(number)


def _clean_funding_source(cell, text):
    """A funding source from its label or stored value, in any case; "" for "Not stated"."""
    if text.casefold() == NOT_STATED.casefold():
        return ""
    return _choice(FundingSource, "funding source")(cell, text, None)


def _clean_amount(cell, text):
    amount = _number(cell, text)
    if amount < 0:
        raise RowError(f"{shortened(text)} is negative; an amount is 0 or more")
    too_large = f"{shortened(text)} is too large for an amount; at most {AMOUNT_LIMIT - CENTS:,}"
    if amount >= AMOUNT_LIMIT:  # before rounding: a number of a million digits is not rounded
        raise RowError(too_large)
    amount = amount.quantize(CENTS, rounding=decimal.ROUND_HALF_UP)
    if amount >= AMOUNT_LIMIT:  # 999,999,999,999.999 rounds up to 13 digits before the point
        raise RowError(too_large)
    return amount


def _clean_currency(cell, text):
    code = text.upper()
    try:
        validate_currency(code)
    except ValidationError as error:
        raise RowError(*error.messages) from None
    return code


def _clean_partner(cell, text):
    return text


# Each column of a budget line: its cleaner; every one but the partner is required.
CLEAN_BUDGET_VALUES = {
    "year": _clean_year,
    "funding_source": _clean_funding_source,
    "funding_partner": _clean_partner,
    "amount": _clean_amount,
    "currency": _clean_currency,
}
