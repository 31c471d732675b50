"""The formats of English pages, over Django's own (django/conf/locale/en/formats.py): one
date format and one number format on every page, as an international reader reads them
without guessing the order of day and month — "4 Dec 2026", "4 Dec 2026, 14:05", "60,000".

Only how values are *shown* changes: the formats that read input (DATE_INPUT_FORMATS…) stay
Django's, so forms still take and give back ISO dates. Numbers are grouped where a template
asks for it (`floatformat:"0g"`, `"-2g"`), never everywhere (USE_THOUSAND_SEPARATOR stays
off, so form inputs and ids in URLs never get a comma). Downloads keep their own formats: see
README.md "Formats".
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
