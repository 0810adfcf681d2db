"""The reader's address as the login lockout sees it (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind PROXY_COUNT proxies, each appends to X-Forwarded-For the address it got the request
from, so the reader's is the PROXY_COUNT-th entry from the right. Entries further left are
whatever the reader sent, so they are never read: a spoofed X-Forwarded-For cannot move a
reader out of their own lockout. With no proxy (0), the header is ignored altogether. (axes
would ask django-ipware, which counts proxies differently and is not installed: without it
axes saw only REMOTE_ADDR, the proxy's, and locked out every reader behind it at once.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count or not hops[-count]:
        # Fewer hops than proxies: the request did not come through them all.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        # Not an address (a proxy that appends a port, or a misconfiguration): the lockout
        # must still count something no reader can choose.
        return remote
