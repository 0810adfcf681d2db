"""Settings come from the environment, parsed strictly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from manage_command import run_manage

from config.env import cache_from_url, env_bool, env_int, env_list, env_origin

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "raw,expected",
    [("true", True), ("False", False), ("1", True), ("0", False), ("yes", True), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


@pytest.mark.parametrize("raw", ["treu", "2", "enabled"])
def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG="):
        env_bool("FLAG")


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT="):
        env_int("COUNT", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://weights.example", "https://weights.example"),
        ("https://Weights.Example/", "https://weights.example"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8443", "http://[::1]:8443"),
        ("", ""),
    ],
)
def test_env_origin_reads_a_scheme_a_host_and_a_port(monkeypatch, raw, expected):
    monkeypatch.setenv("ORIGIN", raw)
    assert env_origin("ORIGIN") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "weights.example",
        "ftp://weights.example",
        "https://weights.example/glossary/",
        "https://weights.example/?next=1",
        "https://weights.example#top",
        "https://editor@weights.example",
        "https://weights.example:99999",
        "https://weights.example:port",
        "https://weights example",
        "https://weights<example",
        "https://",
    ],
)
def test_env_origin_refuses_anything_but_an_origin_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ORIGIN", raw)
    with pytest.raises(ImproperlyConfigured, match="ORIGIN="):
        env_origin("ORIGIN")


def test_cache_urls():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    redis = cache_from_url("redis://127.0.0.1:6379/1")
    assert redis["BACKEND"] == "caching.backends.ResilientRedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://x")


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_manage("check", drop={"SECRET_KEY", "DEBUG"}, timeout=60, **env)


@pytest.mark.slow
def test_the_site_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.slow
def test_the_site_refuses_to_start_without_site_url_when_debug_is_off():
    result = run_manage("check", drop={"SITE_URL", "DEBUG"}, timeout=60, SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


@pytest.mark.slow
def test_a_malformed_site_url_stops_the_start_with_a_clear_message():
    result = _start({"SECRET_KEY": "x" * 60, "SITE_URL": "https://weights.example/glossary/"})
    assert result.returncode != 0
    assert "SITE_URL='https://weights.example/glossary/' is not an origin" in result.stderr


@pytest.mark.slow
def test_with_https_on_site_url_must_be_https():
    result = _start({"SECRET_KEY": "x" * 60, "HTTPS": "true", "SITE_URL": "http://w.example"})
    assert result.returncode != 0
    assert "with HTTPS on it must be https://" in result.stderr


@pytest.mark.slow
def test_the_site_starts_with_a_secret_key():
    result = _start({"SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_malformed_boolean_stops_the_start_with_a_clear_message():
    result = _start({"SECRET_KEY": "x" * 60, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_no_access_log_holds_a_query_string_even_when_gunicorn_keeps_one(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn serving our own app
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    url = f"http://127.0.0.1:{port}/healthz?q=what-a-reader-searched"
                    urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - our server
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(log.read_text())
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in text  # gunicorn's own line, as configured
    assert '"path": "/healthz"' in text  # and Django's
    assert "what-a-reader-searched" not in text
    assert "127.0.0.1 -" not in text  # no reader's address either


def test_make_run_leaves_the_access_log_to_django():
    # gunicorn's --access-logfile on the command line would override gunicorn.conf.py.
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn config.wsgi --config gunicorn.conf.py" in recipe
    assert "--access-logfile" not in recipe
