"""Exchange rates from a spreadsheet: the UN operational rates of exchange, as administrators
import them from the admin's Exchange rates list ("Import rates", `ExchangeRateAdmin`).

A file (.xlsx or CSV) has the columns "currency" (ISO 4217), "month" (YYYY-MM) and "rate"
(units of the currency for one US dollar), in any order, one rate a row. It is imported whole
or not at all: any bad row refuses the file, each named with its row number and what is wrong.
A rate of a currency and month the tracker has already is updated (its history keeps the old
one, with who imported it and from which file); an imported rate is a real one, no longer a
demo rate.

The file is read by the targets spreadsheet's reader (initiatives.target_spreadsheet), with the
same bounds: its size, what an .xlsx unpacks to.
"""

import csv
import datetime
import decimal
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import transaction

from initiatives.models import ExchangeRate
from initiatives.target_spreadsheet import (
    _XLSX_ERRORS,
    NOT_A_SPREADSHEET,
    TargetFileError,
    _csv_lines,
    _xlsx_lines,
    header_key,
    max_bytes,
    megabytes,
    text_of,
)
from initiatives.validators import validate_currency

COLUMNS = ["currency", "month", "rate"]
MAX_ROWS = 10_000  # rows under the header, empty ones included: 180 currencies for 4 years
MAX_COLUMNS = 20
PERMISSIONS = ("initiatives.add_exchangerate", "initiatives.change_exchangerate")
MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-01)?")
THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234.5; but 0,92 is no number here

_RATE_FIELD = ExchangeRate._meta.get_field("rate")
RATE_PLACES = _RATE_FIELD.decimal_places
RATE_LIMIT = decimal.Decimal(10) ** (_RATE_FIELD.max_digits - _RATE_FIELD.decimal_places)


def may_import_rates(user):
    """Whether `user` may import a file of rates: add and change exchange rates."""
    return user.has_perms(PERMISSIONS)


class RateFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class RateRow:
    """A row of the file: the rate it gives, or what is wrong with it (`errors`)."""

    number: int
    currency: str = ""
    month: datetime.date | None = None
    rate: decimal.Decimal | None = None
    errors: list = dataclass_field(default_factory=list)

    @property
    def messages(self):
        return [f"row {self.number}: {message}" for message in self.errors]


@dataclass
class RatesRefused(Exception):
    """Some rows of the file are wrong: nothing was imported. `messages` say which and why."""

    messages: list


@dataclass(frozen=True)
class Imported:
    """What an import did: rates added, updated (another rate, or a demo rate made real), and
    left as they were."""

    added: int
    updated: int
    unchanged: int

    def __str__(self):
        return (
            f"{self.added} rate{'' if self.added == 1 else 's'} added, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def read_rows(data):
    """The rows of a file's bytes (.xlsx or .csv, told apart by content), each checked on its
    own: `RateRow`s. Raises `RateFileError` for a file that cannot be read, or lacks a column."""
    if len(data) > max_bytes():
        raise RateFileError(
            f"The file is {megabytes(len(data))}; at most {megabytes(max_bytes())} can be "
            "imported at once. Split it into several files."
        )
    if not data.strip():
        raise RateFileError("The file is empty.")
    header, rows = None, []
    try:
        lines = _xlsx_lines(data) if data.startswith(b"PK\x03\x04") else _csv_lines(data)
        for number, values in lines:
            if number > MAX_ROWS + 1:
                raise RateFileError(
                    f"The file has more than {MAX_ROWS + 1:,} rows (a header row and "
                    f"{MAX_ROWS:,} rates), counting its empty rows. Delete the empty rows, or "
                    "split the file, and upload it again."
                )
            values = list(values[:MAX_COLUMNS])
            if not any(text_of(value) for value in values):
                continue
            if header is None:
                header = [header_key(text_of(value)) for value in values]
            else:
                rows.append((number, values))
    except TargetFileError as error:
        raise RateFileError(str(error)) from None
    except csv.Error as error:
        raise RateFileError(f"{NOT_A_SPREADSHEET} ({error})") from None
    except _XLSX_ERRORS:
        raise RateFileError(NOT_A_SPREADSHEET) from None
    if header is None or not rows:
        raise RateFileError(
            "The file has no rates: write one rate a row under the headers currency, month "
            "and rate."
        )
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        found = ", ".join(f"“{key}”" for key in header if key) or "nothing"
        raise RateFileError(
            f"The file lacks the column{'' if len(missing) == 1 else 's'} "
            f"{', '.join(f'“{name}”' for name in missing)}. Its first row has {found}: give it "
            "the headers currency, month (YYYY-MM) and rate."
        )
    index = {name: header.index(name) for name in COLUMNS}
    checked, seen = [], {}
    for number, values in rows:
        row = _checked_row(number, values, index)
        key = (row.currency, row.month)
        if not row.errors:
            if key in seen:
                row.errors.append(
                    f"{row.currency} of {row.month:%Y-%m} is given in row {seen[key]} too: give "
                    "each month's rate once"
                )
            seen.setdefault(key, number)
        checked.append(row)
    return checked


def _checked_row(number, values, index):
    def cell(name):
        position = index[name]
        return values[position] if position < len(values) else None

    row = RateRow(number)
    currency = text_of(cell("currency")).upper()
    if not currency:
        row.errors.append("currency: required, but empty")
    elif currency == "USD":
        row.errors.append("currency: US dollars need no rate")
    else:
        try:
            validate_currency(currency)
            row.currency = currency
        except ValidationError as error:
            row.errors.extend(f"currency: {message}" for message in error.messages)
    row.month = _month(cell("month"), row)
    row.rate = _rate(cell("rate"), row)
    return row


def _month(value, row):
    """The first day of the month of a cell: text YYYY-MM (or the first of a month,
    YYYY-MM-01), or a date cell of a month's first day (as Excel reads "2026-01")."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if value.day == 1:
            return value
        row.errors.append(f"month: {value.isoformat()} is a day; give the month as YYYY-MM")
        return None
    text = text_of(value)
    if not text:
        row.errors.append("month: required, but empty")
        return None
    match = MONTH.fullmatch(text)
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return datetime.date(int(match[1]), int(match[2]), 1)
    row.errors.append(f"month: “{text[:40]}” is not a month; write it as YYYY-MM, e.g. 2026-01")
    return None


def _rate(value, row):
    """A rate from a number cell or text: more than 0, at most RATE_PLACES decimals."""
    text = text_of(value)
    if not text:
        row.errors.append("rate: required, but empty")
        return None
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        rate = decimal.Decimal(text)
    except decimal.InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite():
        row.errors.append(f"rate: “{text[:40]}” is not a number")
        return None
    if rate <= 0:
        row.errors.append(
            f"rate: {text[:40]} is not more than 0; a rate is units of the "
            "currency for one US dollar"
        )
        return None
    if rate >= RATE_LIMIT:
        row.errors.append(f"rate: {text[:40]} is too large; at most {RATE_LIMIT - 1:,}")
        return None
    if rate != rate.quantize(decimal.Decimal(1).scaleb(-RATE_PLACES), rounding=decimal.ROUND_DOWN):
        row.errors.append(f"rate: {text[:40]} has more than {RATE_PLACES} decimals")
        return None
    return rate


def import_rates(data, user, filename):
    """Import the rates of a file's bytes as `user`: every rate, or none. Returns `Imported`;
    raises `RateFileError` for a file that cannot be read, `RatesRefused` (every bad row's
    messages) for a file with a bad row. Each rate added or updated gets its history row,
    "Imported from <filename>"."""
    rows = read_rows(data)
    refused = [message for row in rows for message in row.messages]
    if refused:
        raise RatesRefused(refused)
    reason = f"Imported from {filename}"[:100]
    added = updated = unchanged = 0
    with transaction.atomic():
        saved = ExchangeRate.objects.select_for_update().for_pairs(
            (row.currency, row.month) for row in rows
        )
        for row in rows:
            rate = saved.get((row.currency, row.month))
            if rate is None:
                rate = ExchangeRate(currency=row.currency, month=row.month, rate=row.rate)
                added += 1
            elif rate.rate == row.rate and not rate.is_demo:
                unchanged += 1
                continue
            else:
                rate.rate = row.rate
                updated += 1
            rate.is_demo = False
            rate._history_user, rate._change_reason = user, reason
            rate.save()
    return Imported(added, updated, unchanged)
