"""Through real gunicorn: a worker killed under load costs no request beyond the ones it was
serving, and oversized requests are refused quickly."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # every test here starts gunicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(tmp_path: Path, workers: int) -> Iterator[tuple[int, int]]:
    """A migrated SQLite database and gunicorn with production settings; yields (port, pid)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "resilience-test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_PLAIN": "true",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn serving our own app
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def test_killing_a_worker_under_load_fails_at_most_the_requests_in_flight(tmp_path):
    results: list[int] = []
    clients = 4
    with gunicorn(tmp_path, workers=3) as (port, master):
        url = (f"http://127.0.0.1:{port}/api/v1/sizing/parameters"
               "?layers=32&hidden=4096&heads=32&vocab=128256")  # fmt: skip
        lock = threading.Lock()
        stop = time.monotonic() + 4

        def client() -> None:
            while time.monotonic() < stop:
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = 0
                with lock:
                    results.append(status)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        os.kill(_worker_pids(master)[0], signal.SIGKILL)
        for thread in threads:
            thread.join()
    failures = [status for status in results if status != 200]
    assert len(results) > 50  # it really was under load
    # Only the requests the dead worker was serving can fail: at most one per client thread.
    assert len(failures) <= clients, failures
    assert results[-clients * 3 :].count(200) == clients * 3  # and it serves fully afterwards


def post_huge_body(port: int, path: str, size: int) -> tuple[int, float]:
    """POST a body of `size` bytes; the server may answer (and close) before it is all sent."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    chunk = b"1" * 65536
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        # The server may refuse before reading the body, which is what we want.
        for _ in range(size // len(chunk)):
            connection.send(chunk)
    code = connection.getresponse().status
    connection.close()
    return code, time.monotonic() - started


def _status(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            code = response.status
    except urllib.error.HTTPError as error:
        code = error.code
    return code, time.monotonic() - started


def test_oversized_requests_are_refused_quickly_with_a_4xx(tmp_path):
    with gunicorn(tmp_path, workers=2) as (port, _):
        base = f"http://127.0.0.1:{port}"
        huge_query, took_query = _status(f"{base}/search/?q={'x' * 20_000}")
        huge_body, took_body = post_huge_body(port, "/learn/g/l/", 5_000_000)
        huge_number, _ = _status(f"{base}/api/v1/sizing/parameters?layers={'9' * 4000}")
    assert 400 <= huge_query < 500 and took_query < 2
    assert 400 <= huge_body < 500 and took_body < 5
    assert huge_number == 400
