"""What makes one cell safe to write, for every spreadsheet the tracker writes (the activity
export, the dashboard's tables, the regional report, the import template): no text is ever a
formula (`escape_formula`, undone on import by `unescape_formula`), no text holds what XML
cannot (`xml_safe`), and values are written to CSV as text a person reads (`csv_text`).
"""

import datetime
import decimal
import re

# A spreadsheet would run a text starting with one of these as a formula (OWASP's list), also
# in their full-width forms, which Excel reads as the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ESCAPE = "'"
# Where a cell could start within a text: at its start, and after each ";". A spreadsheet
# program opening a CSV where ";" is the list separator (most of Europe) splits an unquoted
# cell at each ";" — csv.writer quotes a cell holding "," but not one holding ";" — so each
# part becomes a cell, run as a formula if it starts like one. A "," never splits a cell: any
# cell holding one is quoted, and every spreadsheet program honours the quotes.
CELL_SEPARATOR = ";"
# What starts a formula there: a sign after optional spaces (and a tab or carriage return at
# the very start), after any quotes already in the text — so that "'=x" is escaped too, and
# the import gives it back exactly.
_SIGNS = "".join(re.escape(trigger) for trigger in FORMULA_TRIGGERS if not trigger.isspace())
_FORMULA_AT_START = re.compile(rf"'*(?:[\t\r]|[ \t]*[{_SIGNS}])")
_FORMULA_AFTER_SEPARATOR = re.compile(rf"'*[ \t]*[{_SIGNS}]")

# What XML 1.0 cannot hold, so neither can an XLSX or a DOCX: control characters but tab and
# line ends, lone surrogates, U+FFFE and U+FFFF. (openpyxl's ILLEGAL_CHARACTERS_RE leaves out
# the last three, and one U+FFFF in a title made every export answer 500.)
XML_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_formula(text):
    """`text` made safe from formula injection, for every export (CSV and XLSX): a single
    quote put where a spreadsheet could start a formula — before the text when it starts like
    one ("=SUM(A1)" → "'=SUM(A1)"; also after spaces, or with a full-width sign), and after
    each ";" followed by one ("Fiji;=cmd" → "Fiji;'=cmd"). `unescape_formula` takes them out
    again, so that export → import gives back the same text."""
    if not text:
        return text
    if CELL_SEPARATOR not in text:  # the usual case, and the quickest
        return ESCAPE + text if _FORMULA_AT_START.match(text) else text
    parts = text.split(CELL_SEPARATOR)
    for index, part in enumerate(parts):
        formula = _FORMULA_AFTER_SEPARATOR if index else _FORMULA_AT_START
        if formula.match(part):
            parts[index] = ESCAPE + part
    return CELL_SEPARATOR.join(parts)


def unescape_formula(text):
    """`text` as it was before `escape_formula`: each quote it put there taken out."""
    parts = text.split(CELL_SEPARATOR)
    for index, part in enumerate(parts):
        formula = _FORMULA_AFTER_SEPARATOR if index else _FORMULA_AT_START
        if part.startswith(ESCAPE) and formula.match(part, 1):
            parts[index] = part[1:]
    return CELL_SEPARATOR.join(parts)


def xml_safe(text):
    """`text` without the characters XML cannot hold, for every writer of XLSX and DOCX (strip
    them before escaping formulas: see `xlsx_value`).

    The text validator (`initiatives.validators`) refuses them in what is saved now; rows saved
    before it may still hold some, and their exports must not fail."""
    return XML_ILLEGAL_CHARACTERS.sub("", text)


def csv_text(value):
    """A cell as CSV text: ISO dates, plain decimals, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:f}"
    return str(value)


def csv_value(value):
    """A cell's value (as stored: text not yet escaped) as a CSV holds it: text escaped
    against formulas, everything else as `csv_text` writes it."""
    if isinstance(value, str):
        return escape_formula(value)
    return csv_text(value)


def xlsx_value(value):
    """A cell's value (as stored: text not yet escaped) as an XLSX holds it: text without what
    XML cannot hold, then escaped against formulas — in that order, since "=1" after a control
    character is no formula but "=1" alone is one. Numbers, dates and None as they are."""
    if isinstance(value, str):
        return escape_formula(xml_safe(value))
    return value
