"""/api/ (the documentation page), /api/v1/ (the JSON index) and /api/v1/formats."""

from __future__ import annotations

import shlex
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from config.api_views import ENDPOINTS, LICENCE
from sizing import DTYPES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_content")]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.code: list[str] = []
        self.ids: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if "id" in values:
            self.ids.append(values["id"])
        self._in_code = tag == "code"

    def handle_endtag(self, tag):
        self._in_code = False if tag == "code" else self._in_code

    def handle_data(self, data):
        if self._in_code:
            self.code.append(data)


def page(client: Client) -> tuple[str, _Page]:
    response = client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    parsed = _Page()
    parsed.feed(text)
    return text, parsed


@pytest.mark.parametrize("path", ["/", "/glossary/", "/api/"])
def test_the_footer_links_to_the_documentation(client: Client, path):
    parsed = _Page()
    parsed.feed(client.get(path).content.decode())
    assert "/api/" in parsed.links


def test_the_page_documents_every_endpoint_with_a_working_curl_line(client: Client):
    text, parsed = page(client)
    curls = [line for line in parsed.code if line.startswith("curl ")]
    assert len(curls) == len(ENDPOINTS)
    assert len(parsed.ids) == len(set(parsed.ids)), "an id is used twice"
    for endpoint in ENDPOINTS:
        assert endpoint.operation_id.replace("_", "-") in parsed.ids
        assert endpoint.summary in text
    for line in curls:
        url = shlex.split(line)[1]
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", "testserver")  # the configured origin
        answer = client.get(parts.path, dict(_pairs(parts.query)))
        assert answer.status_code == 200, url


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def test_the_page_states_the_rate_limit_and_the_licence(client: Client, settings):
    settings.API_RATE = "120/m"
    text, _ = page(client)
    assert "120 requests a minute" in text and "429" in text and "Retry-After" in text
    assert LICENCE.replace("'", "&#x27;") in text


def test_without_a_rate_the_page_says_so(client: Client, settings):
    settings.API_RATE = None
    text, _ = page(client)
    assert "This server sets no rate limit." in text


def test_the_page_shows_parameters_and_real_answers(client: Client):
    text, _ = page(client)
    assert "8030261248" in text  # Llama 3 8B's count, as the parameter counter answers it
    assert "q4_k_m" in text  # dtype's choices, from the form
    assert "Access-Control-Allow-Origin: *" in text


def test_the_index_lists_every_endpoint_with_a_request_to_try(client: Client):
    index = client.get("/api/v1/").json()
    assert [e["path"] for e in index["endpoints"]] == [e.path for e in ENDPOINTS]
    assert index["openapi"] == "http://testserver/api/v1/openapi.json"
    assert index["documentation"] == "http://testserver/api/"
    for entry in index["endpoints"]:
        parts = urlsplit(entry["example"])
        assert client.get(parts.path, dict(_pairs(parts.query))).status_code == 200, entry


def test_the_formats_are_sizings_own(client: Client):
    formats = client.get("/api/v1/formats").json()["formats"]
    assert [f["name"] for f in formats] == list(DTYPES)
    by_name = {f["name"]: f for f in formats}
    assert by_name["bf16"] == {
        "name": "bf16",
        "bits_per_weight": 16.0,
        "exact": True,
        "note": DTYPES["bf16"].note,
        "source": None,
    }
    assert by_name["q8_0"]["bits_per_weight"] == 8.5 and by_name["q8_0"]["exact"] is True
    assert by_name["q4_k_m"]["exact"] is False and by_name["q4_k_m"]["source"].startswith(
        "https://"
    )
    # Exact formats' bits are binary fractions: the float is the exact figure.
    for name, dtype in DTYPES.items():
        if dtype.exact:
            assert by_name[name]["bits_per_weight"] == dtype.bits
