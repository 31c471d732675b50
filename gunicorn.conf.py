"""gunicorn's configuration for the tracker: `gunicorn -c gunicorn.conf.py config.wsgi`.

Read from the environment, like config/settings.py, with defaults for one machine behind a
TLS-terminating proxy:

    HOST, PORT            where to listen (127.0.0.1:8000; 0.0.0.0 to take traffic from a
                          proxy on another machine)
    WEB_CONCURRENCY       worker processes (2 x CPUs + 1, at most 12)
    GUNICORN_THREADS      threads per worker (4): a request waiting on PostgreSQL does not
                          hold a whole process
    GUNICORN_TIMEOUT      seconds a request may take before its worker is restarted (60: the
                          largest spreadsheet import takes less)
    FORWARDED_ALLOW_IPS   the proxies whose X-Forwarded-* headers are trusted (127.0.0.1,::1)
    LOG_LEVEL             gunicorn's own log level (info)

Every log line goes to standard error, as the application's do; an access log line carries
the request's X-Request-ID (see config/middleware.py), so that it matches the application's
lines about the same request.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value else default


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"

# CPU-bound Django processes: more than 2 x CPUs + 1 only adds memory and context switches;
# 12 keeps a large machine within PostgreSQL's default 100 connections (12 x 4 threads).
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _int("GUNICORN_THREADS", 4)  # more than 1: the gthread worker
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30  # on SIGTERM (a deploy), requests under way may finish for this long
keepalive = 5

# A worker is replaced after about this many requests, at staggered times, so that slow
# growth of memory never builds up and the workers never all restart at once.
max_requests = 1000
max_requests_jitter = 100

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The response's X-Request-ID (set by the application, or taken from the proxy) and the time
# taken, in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
# Access and error lines both to standard error, in the application's format.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
    },
}
