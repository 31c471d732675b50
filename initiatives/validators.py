"""What a text typed into the tracker may hold, checked on the model fields themselves, so that
the forms, the admin and the spreadsheet import (all through `full_clean`) refuse the same.

Refused, with a message naming the character by its code point and its position:

- Unicode noncharacters (U+FDD0 to U+FDEF and the last two code points of every plane, U+FFFE and
  U+FFFF among them): no text may hold them, and XML cannot, so one of them in a title made
  every XLSX and DOCX export fail;
- control characters (C0, DEL and C1), except tab and line ends in a multi-line text;
- lone surrogates, half of a character that lost its other half;
- the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069), which
  make a text show in another order than it is written ("Trojan Source").

Right-to-left and left-to-right *marks* (U+200F, U+200E, U+061C) and text in any script stay
allowed. A one-line field (`validate_text`: names, titles, codes) also refuses line breaks and
tabs; a text (`validate_multiline_text`: descriptions, report texts) keeps them.

Rows saved before these checks may still hold such characters: the exports strip what XML
cannot hold (`activities.spreadsheets.xml_safe`).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
SURROGATES = "\ud800-\udfff"
LINE_BREAKS = "\t\n\r\u2028\u2029"  # what a one-line field refuses besides the rest
# Every control character (C0, DEL, C1) but those a multi-line text keeps.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"

_REFUSED_IN_TEXT = re.compile(f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}{BIDI_CONTROLS}]")
_REFUSED_IN_LINE = re.compile(
    f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}{BIDI_CONTROLS}{LINE_BREAKS}]"
)

# Names for the characters that unicodedata leaves unnamed (control characters have none).
CONTROL_NAMES = {
    0x00: "NULL",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def character_name(character):
    """A character as a message names it, by its code point and, when it has one, its name:
    "U+202E RIGHT-TO-LEFT OVERRIDE", "U+FFFE", "U+000A LINE FEED"."""
    code = ord(character)
    name = unicodedata.name(character, "") or CONTROL_NAMES.get(code, "")
    return f"U+{code:04X} {name}".rstrip()


def _kind(character, multiline):
    """(code, what the character is, what to do): why `character` is refused."""
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return "surrogate", "half of a character that lost its other half", "remove it"
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "noncharacter", "a Unicode noncharacter, which no text may hold", "remove it"
    if character in LINE_BREAKS and not multiline:
        if character == "\t":
            return "tab", "a tab, in a one-line field", "write a space instead"
        return "line_break", "a line break, in a one-line field", "write the text on one line"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return (
            "bidi_control",
            "a bidirectional control, which shows the text in another order than it is written",
            "remove it",
        )
    return "control_character", "a control character", "remove it"


@deconstructible(path="initiatives.validators.TextValidator")
class TextValidator:
    """Refuses a text holding a character listed in this module's docstring; `multiline`
    texts keep their tabs and line ends. The first such character is named in the message."""

    message = "This text contains %(character)s at character %(position)s: %(kind)s; %(fix)s."
    more_message = "%(first)s It holds %(more)s that cannot be saved either."

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        refused = _REFUSED_IN_TEXT if self.multiline else _REFUSED_IN_LINE
        found = refused.search(value)
        if found is None:
            return
        character = found.group()
        code, kind, fix = _kind(character, self.multiline)
        params = {
            "character": character_name(character),
            "position": found.start() + 1,
            "kind": kind,
            "fix": fix,
        }
        more = len(refused.findall(value, found.end()))
        if not more:
            raise ValidationError(self.message, code=code, params=params)
        raise ValidationError(
            self.more_message,
            code=code,
            params={
                "first": self.message % params,
                "more": f"{more} more character" + ("s" if more > 1 else ""),
            },
        )

    def __eq__(self, other):
        return isinstance(other, TextValidator) and self.multiline == other.multiline

    def __hash__(self):
        return hash((TextValidator, self.multiline))


validate_text = TextValidator()
validate_multiline_text = TextValidator(multiline=True)


def validate_currency(value):
    """An ISO 4217 currency code in use (initiatives.currencies), in capitals: USD, EUR, XOF."""
    from initiatives.currencies import CURRENCIES

    if value not in CURRENCIES:
        raise ValidationError(
            "Give the currency's three-letter ISO 4217 code, e.g. USD or EUR: %(value)s is not "
            "one.",
            code="currency_code",
            params={"value": value},
        )
