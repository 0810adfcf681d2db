"""Settings come from the environment, parsed strictly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from manage_command import run_manage

from config.env import cache_from_url, env_bool, env_int, env_list

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
def test_the_site_starts_with_a_secret_key():
    result = _start({"SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_malformed_boolean_stops_the_start_with_a_clear_message():
    result = _start({"SECRET_KEY": "x" * 60, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
