"""The download benchmark: a complete CSV and NDJSON download from a real gunicorn process,
its time and the server process's peak memory (VmHWM, the kernel's high-water mark)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PATIENCE = 120.0


@dataclass(frozen=True)
class DownloadRun:
    label: str
    seconds: float
    bytes: int
    rows: int
    peak_mb: float  # the serving worker's peak resident memory since it started


def run(queries: list[tuple[str, str]]) -> list[DownloadRun]:
    """Start gunicorn (one sync worker, as production serves), download each (label, query
    string) in full, and read the worker's peak memory after each download."""
    port = _free_port()
    env = {**os.environ, "EXPORT_RATE": "1000000/m", "SEARCH_RATE": "1000000/m"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsarchive.wsgi", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "3600"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        worker = _worker_pid(server.pid)
        runs = []
        for label, query in queries:
            start = time.perf_counter()
            size = rows = 0
            with urllib.request.urlopen(f"{base}/search/download/?{query}", timeout=3600) as r:
                while chunk := r.read(256 * 1024):
                    size += len(chunk)
                    rows += chunk.count(b"\n")
            seconds = time.perf_counter() - start
            runs.append(DownloadRun(label, seconds, size, rows, _peak_mb(worker)))
        return runs
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            server.kill()


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: the benchmark needs Linux")


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=PATIENCE):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
