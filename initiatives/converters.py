"""The `<code:…>` path converter: a code in a URL, such as a region's (ASP), an action plan's
(WTDC-25), an initiative's (ASP1), a country's ISO alpha-3 code (TON, or "ton"), the name of a
dashboard table (matrix) or a file format (csv).

Registered once, as "code", by the root URLconf (config/urls.py). A path whose code is not of
this shape (a NUL character, a percent-encoded slash, a space, more than 32 characters) matches
no URL and answers 404 before any view runs, so no view checks its codes for what PostgreSQL
would refuse. The codes that the URLs name are held to the same shape by the models
(`CODE_REGEX` in their check constraints), so that every row has a URL.
"""

CODE_LENGTH = 32
"""The longest code a URL may carry; the models' codes are shorter (an action plan's: 20)."""

CODE_PATTERN = f"[A-Za-z0-9][A-Za-z0-9._-]{{0,{CODE_LENGTH - 1}}}"
"""A letter or digit, then letters, digits, dots, hyphens and underscores."""

CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
"""The same shape for a check constraint (the column's max_length bounds its length)."""


class CodeConverter:
    """A code, as text: the view looks it up, and answers 404 if no row has it."""

    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)
