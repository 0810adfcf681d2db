"""gunicorn settings for production (the container starts `gunicorn config.wsgi`)."""

import multiprocessing

# The same strict parsing as the settings: GUNICORN_TIMEOUT=soon stops gunicorn at start-up with
# a message naming the variable. (gunicorn itself reads WEB_CONCURRENCY too, with a bare int(),
# before this file: a malformed one fails there first, with a ValueError.)
from config.env import env_int, env_str

bind = f"0.0.0.0:{env_int('PORT', 8000)}"
# The usual rule for sync workers: two per core, plus one.
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = env_int("GUNICORN_TIMEOUT", 30)
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
# Should one be switched on (--access-logfile -), it keeps what config.logs keeps: the path
# (%(U)s) but never the query string, which can carry what a reader searched for (gunicorn's
# default has the whole request line), nor the reader's address or user agent.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
