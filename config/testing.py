"""The test run's environment, loaded as a pytest plugin (`-p config.testing` in pyproject).

It runs before pytest-django reads config.settings, so the suite uses the same settings module
as production and only its environment differs: a throwaway secret, plain static storage
(no collectstatic needed) and the test client's origin as SITE_URL. DATABASE_URL is left
alone, so CI can point the same suite at PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("STATIC_PLAIN", "true")
# No rate limit unless a test sets one (tests/api/test_rate_limit.py).
os.environ.setdefault("API_RATE", "off")

# WhiteNoise warns when STATIC_ROOT is missing; the suite serves static files from finders.
os.makedirs(
    os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "staticfiles"), exist_ok=True
)
# The test client's own host, so absolute URLs in pages point where its requests go.
os.environ.setdefault("SITE_URL", "http://testserver")
