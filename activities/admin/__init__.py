"""The admin of this app: work data (`work`) and the people who do it (`people`). Importing
them registers their models with the admin site."""

from activities.admin import people, work  # noqa: F401
