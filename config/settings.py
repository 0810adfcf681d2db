"""Settings for Weights & Measures, read from the environment (see README, "Configuration").

The defaults suit a laptop: a SQLite file, a local-memory cache, DEBUG off. Production sets
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CACHE_URL and HTTPS=true; nothing exists only there.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    cache_from_url,
    env_bool,
    env_int,
    env_list,
    env_origin,
    env_rate,
    env_str,
)
from config.security_headers import add_static_headers

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without one: "
            "set SECRET_KEY in the environment (`make run` makes a local one in var/), "
            "or set DEBUG=true for development."
        )
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only ever with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# The one origin every absolute URL starts with (canonical links, share cards, JSON-LD, the
# sitemap, the feed, the API's links). Never the request's Host: a page is cached for every
# reader, so nothing a client sends may end up in it (caching/origin.py).
SITE_URL = env_origin("SITE_URL")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL is not set. With DEBUG off the site refuses to start without it: set "
            "SITE_URL to the origin readers use, e.g. https://weights.example "
            "(`make run` sets http://127.0.0.1:$PORT), or set DEBUG=true for development."
        )
    SITE_URL = "http://127.0.0.1:8000"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = "Weights & Measures"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "axes",
    "caching",
    "calculators",
    "content",
    "glossary",
    "learning",
    "search",
    "config",  # the site: root URLs, site-wide views and management commands
]
# The apps whose saves and deletes move the content version (caching/content_version.py),
# retiring every cached page and each process's search copy.
CONTENT_APPS = ["glossary", "learning", "calculators"]

MIDDLEWARE = [
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The API's CORS, cookie-free requests and rate limit, cached answers included.
    "config.api_middleware.ApiMiddleware",
    # A cached page is answered here, before sessions, CSRF and the rest are set up for it;
    # ConditionalGet turns a matching If-None-Match or If-Modified-Since into a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "caching.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# How long a search's answer is kept in the cache (under the content version, so an edit
# retires it sooner); 0 keeps none (bench/run measures search that way).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 60 * 60)
# The least pg_trgm word similarity at which PostgreSQL's search looks at a name (typos).
SEARCH_WORD_SIMILARITY = 0.45
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database: tests can then close and reopen connections
    # (as the database-outage tests do) without losing it.
    # One per process, so two test runs on one machine never share it.
    test_db = BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(test_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Set on every connection as it opens: pg_trgm's index finds names as far from the query
    # as search compares (its own default, 0.6, would drop some typos before they are
    # scored). Behind a transaction-pooling PgBouncer, set it on the database instead.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        part
        for part in (
            _options.get("options", ""),
            f"-c pg_trgm.word_similarity_threshold={SEARCH_WORD_SIMILARITY}",
        )
        if part
    )
# Requests one address may make of the sizing and search APIs (config/api_rate.py), counted
# by django-ratelimit in the default cache; "off" for none (the test suite's default).
API_RATE = env_rate("API_RATE", "120/m")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # a cache that cannot count must not refuse every reader
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(env_str("CACHE_URL", "locmem://"))}
# Without a shared cache, the cached pages each process keeps in its own memory
# (caching/page_cache.py).
PAGE_CACHE_LOCAL_MB = env_int("PAGE_CACHE_LOCAL_MB", 32)
# Without Redis, the processes on this machine learn of an edit from this file (see
# caching/content_version.py); it must be on a disk they all share and can write.
CONTENT_VERSION_FILE = env_str("CONTENT_VERSION_FILE", str(BASE_DIR / "var" / "content-version"))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed logins and refuses locked-out ones
    "django.contrib.auth.backends.ModelBackend",
]
# Admin logins: 5 failures for one username from one address lock that pair out for an hour.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# How many proxies stand in front of the site: the lockout counts the address the outermost
# one got the request from (config/client_address.py), not a proxy's.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT={PROXY_COUNT}: use 0 or more.")
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("STATIC_PLAIN", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600
# WhiteNoise answers before the middleware that sets the CSP and Permissions-Policy.
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_headers

# Security headers. HTTPS=true is for a site served over TLS (directly or behind a proxy that
# sets X-Forwarded-Proto): it turns on the redirect, HSTS and secure cookies.
HTTPS = env_bool("HTTPS", default=False)
if HTTPS and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r}: with HTTPS on it must be https://.")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading puts the domain in the browsers' built-in HTTPS-only list, which takes months to
# undo: asked for by name (HSTS_PRELOAD=true), never implied by HTTPS. Django's deploy check
# warns when it is off (security.W021); off is the choice made here.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# bench/run's baseline view (a constant answer); never set in production.
BENCH_VIEWS = env_bool("BENCH_VIEWS", default=False)

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"at_warning": {"()": "config.logs.AtWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # The request middleware logs every request once; Django's own 4xx lines would repeat it.
        "django.request": {"level": "ERROR"},
        # A disallowed Host: one warning (the reader gets the designed 400).
        "django.security.DisallowedHost": {"filters": ["at_warning"]},
    },
}
