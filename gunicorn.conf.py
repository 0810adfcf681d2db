"""gunicorn settings for production (the container starts `gunicorn config.wsgi`)."""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# The usual rule for sync workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The app is loaded once, before the workers fork: they share its memory, start in
# milliseconds, and a recycled worker costs a fork, not a second of imports. Nothing touches
# the database or Redis at import time; post_fork below makes sure no connection is shared.
preload_app = True
# Recycle workers now and then so a slow leak cannot grow without bound. (At 2,000 requests
# a busy worker was recycled every second or two, which cost a third of the throughput.)
max_requests = 50_000
max_requests_jitter = 5_000


def post_fork(server: object, worker: object) -> None:
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


# Request lines and headers past these sizes are refused with a 4xx before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The access log is Django's: config.logs writes one JSON line per request to stdout. A second,
# plain gunicorn access line per request would only repeat it.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
