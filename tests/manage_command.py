"""Run manage.py in a child process, as an operator would, with the environment given."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(
    *args: str, drop: Iterable[str] = (), timeout: int = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`manage.py *args` with this process's environment, less `drop`, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in set(drop)}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
