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
