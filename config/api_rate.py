"""The API's rate limit: how many requests one address may make of the sizing and search
endpoints (settings.API_RATE, from the environment), counted by django-ratelimit in the shared
cache. Where the cache is Redis, every process and instance shares one count per address;
with local memory (one machine, no Redis) each process keeps its own.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import get_usage

from config.client_address import client_address

GROUP = "api"
_PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


def client_ip(request: HttpRequest) -> str:
    """The address a request comes from: the one place the API asks, so that counting the
    address a proxy forwarded (PROXY_COUNT) is counted as the login lockout counts it."""
    return client_address(request) or ""


def client_key(group: str, request: HttpRequest) -> str:
    """What one client's requests are counted under: its address, or its /64 for IPv6 (one
    household or server is given a whole /64, and could otherwise step around the limit)."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def rate_description(rate: str | None = None) -> str | None:
    """'120/m' as '120 requests a minute'; None when there is no limit."""
    rate = settings.API_RATE if rate is None else rate
    if not rate:
        return None
    found = re.fullmatch(r"(\d+)/(\d*)([smhd])", rate)
    if found is None:
        return rate
    count, multiple, unit = int(found[1]), int(found[2] or 1), _PERIODS[found[3]]
    requests = f"{count:,} request{'' if count == 1 else 's'}"
    if multiple == 1:
        return f"{requests} a {unit}"
    return f"{requests} every {multiple} {unit}s"


def over_the_limit(request: HttpRequest) -> JsonResponse | None:
    """Counts the request; past the rate, the 429 to answer instead. No limit while the cache
    cannot count (RATELIMIT_FAIL_OPEN): a cache outage must not refuse every reader."""
    rate = settings.API_RATE
    if not rate:
        return None
    usage = get_usage(request, group=GROUP, key=client_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    wait = max(1, int(usage["time_left"]))
    response = JsonResponse(
        {
            "errors": {
                "rate": [
                    f"Too many requests: at most {rate_description(rate)} from one address. "
                    f"Try again in {wait} second{'' if wait == 1 else 's'}."
                ]
            }
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response
