"""What the benchmarks that run the app under gunicorn share (bench/loadtest.py, bench/bench.py):
the safety checks (loopback only, a throwaway database only), the production environment,
gunicorn started, awaited and stopped, the worker processes' memory, the login form, a
browser's reading of a form, percentiles and the machine's description.
"""

import ipaddress
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


# --- Safety: loopback only, a throwaway database only ---------------------------------------


def require_loopback(host, what):
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        sys.exit(f"Refused: the {what} must be on this machine's loopback, not {host!r}.")


def require_port_free(host, port):
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex((host, port)) == 0:
            sys.exit(f"Refused: something already listens on {host}:{port}; choose --port.")


def _maintenance_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def database_name(url, must_contain):
    """The database's name in `url`, refused unless it contains `must_contain` (so that only a
    benchmark's own throwaway database is ever dropped) and is a plain identifier."""
    name = urlsplit(url).path.lstrip("/")
    if must_contain not in name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
        sys.exit(f"Refused: the database name must contain {must_contain!r}, not {name!r}.")
    return name


def recreate_database(url, must_contain):
    """Drop the benchmark's database if it is there, and create it empty."""
    import psycopg

    name = database_name(url, must_contain)
    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url, must_contain):
    import psycopg

    name = database_name(url, must_contain)
    with psycopg.connect(_maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- The server ------------------------------------------------------------------------------


def production_environment(database_url, host, port):
    """The variables of a production deploy, on loopback and without TLS."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": host,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_HSTS_SECONDS": "0",
        "HOST": host,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",  # gunicorn's and Django's; the access log is written anyway
    }


def start_gunicorn(environment, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 (closed in stop_gunicorn)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    return process


def wait_until_ready(process, base_url, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped at start:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    sys.exit(f"gunicorn was not ready after {seconds} s:\n{log_path.read_text()[-3000:]}")


def stop_gunicorn(process):
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: requests under way finish
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


def server_log_summary(log_path):
    """Error lines in gunicorn's and Django's log, and one access line as a sample."""
    lines = log_path.read_text(errors="replace").splitlines()
    bad = [
        line
        for line in lines
        if " ERROR " in line or " CRITICAL " in line or "Traceback" in line or "TIMEOUT" in line
    ]
    access = next((line for line in lines if "gunicorn.access" in line and "POST" in line), "")
    return bad, access


def worker_pids(master_pid):
    """The process ids of gunicorn's workers: the master's children."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:  # a kernel without that file: look for processes whose parent is the master
        children = " ".join(
            stat.parent.name
            for stat in Path("/proc").glob("[0-9]*/stat")
            if _parent_pid(stat) == master_pid
        )
    return [int(pid) for pid in children.split()]


def _parent_pid(stat_path):
    try:
        return int(stat_path.read_text().rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def resident_bytes(pid):
    """A process's resident memory now (VmRSS), or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# --- A user's browser ------------------------------------------------------------------------


async def log_in(client, username, password):
    """Log in through the login form, as a browser does; raises RuntimeError if refused."""
    page = await client.get("/login/")
    token = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"the login form answered {page.status_code}, without a CSRF token")
    data = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    response = await client.post("/login/", data=data)
    if response.status_code != 302 or response.headers.get("location") != "/":
        raise RuntimeError(f"the login of {username} answered {response.status_code}")


class FormReader(HTMLParser):
    """Reads the forms of a page as a browser submits them: each form's successful controls
    (inputs with their value, ticked checkboxes and radio buttons, selected options, text
    areas), in `forms`, a list of [(name, value), …]."""

    TEXT_INPUTS = {"text", "hidden", "date", "number", "email", "url", "password", "search", "tel"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None  # [name, multiple, selected values, first option's value]
        self._option = None  # [value or None, text]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in self.TEXT_INPUTS:
                self._form.append((attrs["name"], attrs.get("value") or ""))
            elif kind in ("checkbox", "radio") and "checked" in attrs:
                self._form.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], "multiple" in attrs, [], None]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), ""]
            if "selected" in attrs:
                self._option.append(True)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._end_option()
            name, multiple, selected, first = self._select
            if not selected and not multiple and first is not None:
                selected = [first]  # a browser sends a single select's first option
            self._form.extend((name, value) for value in selected)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self._form.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _end_option(self):
        value = self._option[0] if self._option[0] is not None else self._option[1].strip()
        if self._select[3] is None:
            self._select[3] = value
        if len(self._option) == 3:
            self._select[2].append(value)
        self._option = None


def form_fields(html, having):
    """The fields that the page's form with a field named `having` submits, as a list of
    (name, value) pairs; raises LookupError when the page has no such form."""
    reader = FormReader()
    reader.feed(html)
    reader.close()
    for form in reader.forms:
        if any(name == having for name, _value in form):
            return form
    raise LookupError(f"no form with a field {having!r} on the page")


# --- Figures and the machine -----------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine():
    """The machine, Python, PostgreSQL (of Django's connection) and gunicorn, in one line."""
    from django.db import connection

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    import gunicorn

    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, PostgreSQL {postgres}, "
        f"gunicorn {gunicorn.__version__}"
    )
