"""Placeholder: errors as problem details (being written)."""

from rest_framework.views import exception_handler  # noqa: F401
