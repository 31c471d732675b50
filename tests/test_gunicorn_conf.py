"""gunicorn.conf.py: its settings are ones gunicorn accepts, read from the environment, with
the request id in the access log."""

import runpy
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load(monkeypatch, **environment):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(CONF))
    config = Config()
    for name, value in values.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validation of each value
    return config


def test_the_defaults_listen_on_loopback(monkeypatch):
    config = load(monkeypatch)

    assert config.bind == ["127.0.0.1:8000"]
    assert 3 <= config.workers <= 12
    assert config.threads == 4
    assert config.max_requests == 1000 and config.max_requests_jitter > 0
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_the_environment_sets_address_processes_and_proxies(monkeypatch):
    config = load(
        monkeypatch,
        HOST="0.0.0.0",  # noqa: S104
        PORT="9000",
        WEB_CONCURRENCY="7",
        GUNICORN_THREADS="2",
        FORWARDED_ALLOW_IPS="10.0.0.5",
    )

    assert config.bind == ["0.0.0.0:9000"]
    assert (config.workers, config.threads) == (7, 2)
    assert config.forwarded_allow_ips == ["10.0.0.5"]


def test_the_access_log_goes_to_stderr_with_the_request_id(monkeypatch):
    config = load(monkeypatch)

    assert "request_id=%({x-request-id}o)s" in config.access_log_format
    handlers = config.logconfig_dict["handlers"]
    assert {h["stream"] for h in handlers.values()} == {"ext://sys.stderr"}
    assert config.logconfig_dict["loggers"]["gunicorn.access"]["handlers"] == ["stderr"]


def test_its_logging_configuration_is_valid():
    # In a process of its own: dictConfig would replace this one's logging.
    check = (
        "import logging.config, runpy, sys; "
        "logging.config.dictConfig(runpy.run_path(sys.argv[1])['logconfig_dict']); "
        "logging.getLogger('gunicorn.access').info('works')"
    )
    done = subprocess.run(
        [sys.executable, "-c", check, str(CONF)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("INFO gunicorn.access works\n")


def test_the_server_header_names_no_version(tmp_path):
    """A real gunicorn with this configuration: its `Server` header says "gunicorn" and no
    version that would tell an attacker which advisories to try."""
    import http.client
    import os
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")},
        "DEBUG": "False",
        "SECRET_KEY": "a-long-random-secret-key-for-the-server-header-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmem://",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "config.wsgi"],
        cwd=CONF.parent,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        for _ in range(150):  # up to 15 s for the worker to start
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                headers = dict(response.getheaders())
                connection.close()
                break
            except OSError:
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not answer"
        assert headers.get("Server") == "gunicorn"
    finally:
        server.terminate()
        server.wait(timeout=30)
