"""Safe by default: deploy checks, headers, admin lockout, configurable admin address."""

from __future__ import annotations

import logging
import secrets
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from manage_command import run_manage

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_manage(*args, drop={"DEBUG", "HTTPS", "ADMIN_URL"}, **env)


@pytest.mark.slow
def test_the_deploy_check_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        HTTPS="true",
        ALLOWED_HOSTS="weights.example",
        SITE_URL="https://weights.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "preload,expected", [(None, "True 31536000 False"), ("true", "True 31536000 True")]
)
def test_hsts_preload_is_off_unless_asked_for(preload, expected):
    env = {"SECRET_KEY": secrets.token_urlsafe(60), "HTTPS": "true"}
    env["SITE_URL"] = "https://weights.example"
    if preload is not None:
        env["HSTS_PRELOAD"] = preload
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        " print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)",
        drop={"DEBUG", "HTTPS", "HSTS_PRELOAD"},
        **env,
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


@pytest.mark.slow
def test_the_admin_address_comes_from_the_environment():
    result = _manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        ADMIN_URL="backstage-7f3/",
    )
    assert result.stdout.strip().splitlines()[-1] == "/backstage-7f3/", result.stderr


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_login_out(client):
    User.objects.create_user("editor", password="the right long passphrase", is_staff=True)
    statuses = [
        client.post(
            "/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    # Four times the form again, with its error; the fifth failure locks the pair out.
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "the right long passphrase"},
    )
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()


@pytest.mark.django_db
def test_a_right_password_signs_in_before_the_limit(client):
    User.objects.create_user("editor", password="the right long passphrase", is_staff=True)
    client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "the right long passphrase"},
    )
    assert response.status_code == 302


def test_weak_staff_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password123", "12345678901234", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


@pytest.mark.django_db
def test_the_embed_alone_may_be_framed(client):
    from content.catalog_files import import_catalog
    from content.gpu_files import import_gpus

    import_catalog(ROOT / "fixtures" / "models.yaml")
    import_gpus(ROOT / "fixtures" / "gpus.yaml")
    embed = client.get("/embed/calculators/parameters/")
    page = client.get("/calculators/parameters/")
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    for response in (embed, page):
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["Permissions-Policy"].startswith("camera=()")


# --- A disallowed Host (issue 16, item 10) -------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/glossary/parameters/", "/api/v1/terms", "/nowhere/"])
def test_a_disallowed_host_answers_the_designed_400_and_logs_one_warning(
    client, caplog, settings, path
):
    from factories import make_term

    assert settings.DEBUG is False
    make_term(slug="parameters")
    client.get(path)  # a reader's copy in the cache must not answer for the wrong host
    caplog.clear()
    with caplog.at_level("INFO"):
        response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()
    assert "X-Cache" not in response
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelname) for r in warnings] == [
        ("django.security.DisallowedHost", "WARNING")
    ]
    assert "evil.example" in warnings[0].getMessage()


# --- The lockout behind a proxy (issue 16, item 11) ----------------------------------------
PROXY = "10.0.0.1"  # the load balancer: every request reaches the site from its address


def _sign_in(client, password: str, forwarded_for: str | None) -> int:
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": password}, **extra
    ).status_code


@pytest.mark.django_db
def test_behind_one_proxy_each_reader_is_locked_out_on_their_own(client, settings):
    settings.PROXY_COUNT = 1
    User.objects.create_user("editor", password="the right long passphrase", is_staff=True)
    assert [_sign_in(client, "wrong", "203.0.113.5") for _ in range(5)] == [200] * 4 + [429]
    # Another reader behind the same proxy still has every try.
    assert _sign_in(client, "wrong", "198.51.100.7") == 200
    assert _sign_in(client, "the right long passphrase", "198.51.100.7") == 302


@pytest.mark.django_db
def test_behind_one_proxy_a_spoofed_forwarded_for_cannot_dodge_the_lockout(client, settings):
    settings.PROXY_COUNT = 1
    User.objects.create_user("editor", password="the right long passphrase", is_staff=True)
    for _ in range(5):
        _sign_in(client, "wrong", "203.0.113.5")
    # The reader sends X-Forwarded-For themselves; the proxy appends the address it saw.
    for spoofed in ("192.0.2.1, 203.0.113.5", "198.51.100.7,203.0.113.5", "nonsense, 203.0.113.5"):
        assert _sign_in(client, "the right long passphrase", spoofed) == 429


@pytest.mark.django_db
def test_with_no_proxy_a_forwarded_for_is_ignored(client, settings):
    settings.PROXY_COUNT = 0
    User.objects.create_user("editor", password="the right long passphrase", is_staff=True)
    statuses = [_sign_in(client, "wrong", f"192.0.2.{n}") for n in range(5)]
    assert statuses == [200] * 4 + [429]
    assert _sign_in(client, "the right long passphrase", "198.51.100.7") == 429


@pytest.mark.parametrize(
    "count,forwarded_for,expected",
    [
        (0, "192.0.2.1", PROXY),
        (1, None, PROXY),  # came round the proxy: nothing else to go on
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (1, "2001:db8::5", "2001:db8::5"),
        (1, "192.0.2.1, not-an-address", PROXY),
        (1, "203.0.113.5:4711", PROXY),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "10.0.0.2", PROXY),  # fewer hops than proxies
    ],
)
def test_the_lockout_reads_the_address_the_outermost_proxy_saw(
    rf, settings, count, forwarded_for, expected
):
    from config.client_address import client_address

    settings.PROXY_COUNT = count
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_address(rf.get("/", **extra)) == expected


# --- Headers on static files too (issue 16, item 12) ---------------------------------------
@pytest.mark.django_db
def test_static_files_carry_the_same_security_headers_as_pages(settings, tmp_path):
    from django.test import Client

    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: black; }\n")
    client = Client()  # a fresh handler, so WhiteNoise finds the file it was given
    static = client.get("/static/css/site.css")
    page = client.get("/robots.txt")
    assert static.status_code == 200 and "X-Cache" not in static  # WhiteNoise answered
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert static.get(header) == page[header], header
