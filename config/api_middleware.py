"""The API's HTTP shell, around everything else (before the page cache, so a cached answer
gets it too):

- Any origin may read the API: `Access-Control-Allow-Origin: *` on every answer under /api/,
  and a preflight (OPTIONS with Access-Control-Request-Method) answered here. Nothing of the
  API depends on who asks, and no cookie is read, so no answer needs `Vary: Origin`.
- No cookie is read: /api/v1/ requests lose their cookies here, so sessions, CSRF and the page
  cache never see one (an editor signed in gets the same cached answer as anyone), and nothing
  sets one.
- The sizing and search endpoints count each address's requests (config/api_rate.py), cached
  answers included, and answer 429 past the rate.
- A 200 to GET or HEAD carries Cache-Control as pages do (search's answers, which the page
  cache leaves to search's own cache, included); ETags and 304s come from the page cache and
  ConditionalGetMiddleware.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from caching.page_cache import BROWSER_MAX_AGE
from config.api_rate import over_the_limit
from config.api_views import ENDPOINTS

PREFIX = "/api/"
JSON_PREFIX = "/api/v1/"
METHODS = "GET, HEAD"
PREFLIGHT_MAX_AGE = 24 * 60 * 60
CACHE_CONTROL = f"public, max-age={BROWSER_MAX_AGE}, stale-while-revalidate=600"
LIMITED = [endpoint.pattern for endpoint in ENDPOINTS if endpoint.rate_limited]
# The sizing endpoints also read a config.json POSTed as application/json.
WITH_BODY = [endpoint.pattern for endpoint in ENDPOINTS if endpoint.body is not None]


def is_preflight(request: HttpRequest) -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers


def preflight(path: str) -> HttpResponse:
    response = HttpResponse(status=204)
    with_body = any(pattern.match(path) for pattern in WITH_BODY)
    response["Access-Control-Allow-Methods"] = f"{METHODS}, POST" if with_body else METHODS
    # Any header: no request carries credentials, so "*" means every header (Fetch standard).
    response["Access-Control-Allow-Headers"] = "*"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(PREFIX):
            return self.get_response(request)
        if is_preflight(request):
            response = preflight(path)
        else:
            if path.startswith(JSON_PREFIX):
                request.META.pop("HTTP_COOKIE", None)
                request.COOKIES = {}
            limited = over_the_limit(request) if any(p.match(path) for p in LIMITED) else None
            response = limited or self.get_response(request)
            if response.status_code == 200 and request.method in ("GET", "HEAD"):
                response.headers.setdefault("Cache-Control", CACHE_CONTROL)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response
