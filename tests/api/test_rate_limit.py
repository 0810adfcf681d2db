"""The sizing and search endpoints' per-address rate limit (API_RATE; off in the test run
unless a test sets it): past it, a 429 in the API's error shape with Retry-After."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from api.schema_checks import description, problems
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.api_rate import client_key, rate_description
from config.env import env_rate

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/9"
SIZING = "/api/v1/sizing/parameters?layers=2&hidden=64&heads=4&vocab=100"


@pytest.fixture
def three_a_minute(settings):
    settings.API_RATE = "3/m"


def calls(client: Client, path: str, times: int, **headers: str) -> list[int]:
    return [client.get(path, **headers).status_code for _ in range(times)]


@pytest.mark.usefixtures("three_a_minute")
def test_past_the_rate_an_address_hears_429_with_retry_after(client: Client):
    # The same request each time: the page cache answers the second and third, and they
    # count all the same (the limit is on requests, not on work).
    assert calls(client, SIZING, 3) == [200, 200, 200]
    response = client.get(SIZING)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"
    assert response["Access-Control-Allow-Origin"] == "*"
    (message,) = response.json()["errors"]["rate"]
    assert message.startswith("Too many requests: at most 3 requests a minute from one address.")


@pytest.mark.usefixtures("three_a_minute")
def test_the_429_is_the_one_the_description_declares(client: Client, settings):
    settings.API_RATE = None
    document = description(client)
    settings.API_RATE = "3/m"
    calls(client, "/api/v1/search?q=memory", 3)
    refused = client.get("/api/v1/search?q=memory")
    assert refused.status_code == 429
    assert problems(document, "/api/v1/search", refused) == []


@pytest.mark.usefixtures("three_a_minute")
def test_with_redis_the_count_is_kept_in_redis(client: Client, settings):
    prefix = f"wm-rate-test-{uuid.uuid4().hex}"  # its own: other test runs share this Redis
    settings.CACHES = {
        "default": {
            "BACKEND": "caching.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
    }
    address = {"REMOTE_ADDR": "198.51.100.20"}
    assert calls(client, SIZING, 4, **address) == [200, 200, 200, 429]
    shared = redis.Redis.from_url(REDIS_URL)
    counters = [key for key in shared.scan_iter(f"{prefix}:*") if b":rl:" in key]
    assert len(counters) == 1 and int(shared.get(counters[0])) == 4
    shared.delete(*shared.scan_iter(f"{prefix}:*"))


@pytest.mark.usefixtures("three_a_minute")
def test_each_address_has_its_own_count(client: Client):
    assert calls(client, SIZING, 4) == [200, 200, 200, 429]
    assert client.get(SIZING, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.usefixtures("three_a_minute")
def test_an_ipv6_64_is_one_client(client: Client):
    statuses = [
        client.get(SIZING, REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code for n in range(1, 5)
    ]
    assert statuses == [200, 200, 200, 429]
    assert client_key("api", _request("2001:db8:1:2::9")) == "2001:db8:1:2::"
    assert client_key("api", _request("192.0.2.1")) == "192.0.2.1"


def _request(address: str):
    return Client().get("/api/v1/", REMOTE_ADDR=address).wsgi_request


@pytest.mark.usefixtures("three_a_minute")
@pytest.mark.parametrize(
    "path", ["/api/v1/terms", "/api/v1/formats", "/api/v1/", "/api/v1/sizing/no-such-thing"]
)
def test_the_glossary_and_the_descriptions_are_not_limited(client: Client, path):
    assert 429 not in calls(client, path, 5)


@pytest.mark.usefixtures("three_a_minute")
def test_pages_are_not_limited(client: Client):
    assert 429 not in calls(client, "/calculators/parameters/?model=", 5)


def test_off_means_no_limit(client: Client, settings):
    settings.API_RATE = None
    assert 429 not in calls(client, SIZING, 10)


@pytest.mark.usefixtures("three_a_minute")
def test_a_cache_that_cannot_count_refuses_no_one(client: Client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "caching.backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # (Changing CACHES has Django make the caches again from it.)
    assert calls(client, SIZING, 5) == [200] * 5


@pytest.mark.parametrize(
    ("raw", "rate"),
    [("120/m", "120/m"), (" 10/5M ", "10/5m"), ("off", None), ("OFF", None), ("1/s", "1/s")],
)
def test_api_rate_is_read_strictly(monkeypatch, raw, rate):
    monkeypatch.setenv("API_RATE", raw)
    assert env_rate("API_RATE", "120/m") == rate


@pytest.mark.parametrize("raw", ["", "120", "0/m", "120/minute", "fast", "-1/m", "12/m/s"])
def test_a_malformed_api_rate_stops_the_site_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("API_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="API_RATE="):
        env_rate("API_RATE", "120/m")


def test_the_default_is_120_a_minute(monkeypatch):
    monkeypatch.delenv("API_RATE", raising=False)
    assert env_rate("API_RATE", "120/m") == "120/m"
    assert os.environ.get("API_RATE") is None


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        ("120/m", "120 requests a minute"),
        ("1/s", "1 request a second"),
        ("10/5m", "10 requests every 5 minutes"),
        ("5000/d", "5,000 requests a day"),
    ],
)
def test_the_rate_is_said_in_words(rate, text):
    assert rate_description(rate) == text
