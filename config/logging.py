"""Request ids in the logs: the id of the request being handled, for every log record.

`RequestIdMiddleware` (config/middleware.py) sets `request_id` for the time it handles a
request; `RequestIdFilter`, on the stderr handler of settings.LOGGING, copies it onto each
record, so the log format can show `request_id=…` ("-" outside a request: at start-up, in a
management command). A context variable, not a global: each thread or task sees its own.
"""

import contextvars
import logging

NO_REQUEST = "-"

request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id`: the id of the request being handled, or "-"."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True
