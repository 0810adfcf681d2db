"""The security headers every answer carries, pages and static files alike.

Pages get them from config.middleware.SecurityHeadersMiddleware; static files are answered by
WhiteNoise before that middleware runs, so WhiteNoise adds them itself through
WHITENOISE_ADD_HEADERS_FUNCTION (once per file, when it scans them at start-up). Django's
SecurityMiddleware, outside WhiteNoise, adds nosniff, Referrer-Policy, COOP and HSTS to both.
No Django import: settings.py imports this module.
"""

from __future__ import annotations

from collections.abc import MutableMapping

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def add_static_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    """WhiteNoise's hook: an SVG opened on its own is a document, and a script in it would
    run under the site's origin without the CSP."""
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["X-Frame-Options"] = "DENY"
