"""Checks of single values of work data, run wherever a row is validated (forms, the admin,
the import, the one write path: activities.services)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator


def validate_evidence_links(value):
    """One http(s) address per line (blank lines are fine); every bad line is named."""
    validate = URLValidator(schemes=["http", "https"])
    errors = []
    for number, line in enumerate(value.splitlines(), 1):
        link = line.strip()
        if not link:
            continue
        try:
            validate(link)
        except ValidationError:
            errors.append(
                ValidationError(
                    "Line %(number)s is not a web address starting with http:// or https://: "
                    "“%(link)s”.",
                    code="evidence_link",
                    params={"number": number, "link": link},
                )
            )
    if errors:
        raise ValidationError(errors)
