"""Throughput of a page against a minimal Django view, both served by one real server.

`make bench` starts gunicorn (a requirement of the portal, as in production) on the bench
profile's database with benchmarks.settings, which adds a minimal view to the portal's URLs,
then drives each URL with a simple concurrent client for a fixed time and counts the
responses. The ratio of the two rates says what the page costs beyond Django's own
request handling on the same server, machine and connection setup.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The minimal view's path (benchmarks.urls mounts it).
MINIMAL_PATH = "/__bench__/minimal/"
ROOT = Path(__file__).resolve().parent.parent
WORKERS = max(2, os.cpu_count() or 2)
CONCURRENCY = 2 * WORKERS
SECONDS = 5.0


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def server() -> Iterator[int]:
    """A gunicorn serving the portal (and the minimal view) on a free local port."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cal_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own interpreter
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, MINIMAL_PATH, "")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rate(port: int, path: str, *, cookie: str = "", seconds: float = SECONDS) -> Rate:
    """Requests per second over ``seconds`` with CONCURRENCY clients, each waiting for its
    response before sending the next (a closed loop), after a short warm-up."""
    for _ in range(WORKERS * 2):
        _get(port, path, cookie)
    counts = [0] * CONCURRENCY
    errors = [0] * CONCURRENCY
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            try:
                status = _get(port, path, cookie)
            except OSError:
                errors[index] += 1
                continue
            if status == 200:
                counts[index] += 1
            else:
                errors[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Rate(requests=sum(counts), seconds=time.monotonic() - started, errors=sum(errors))


def compare(path: str, *, cookie: str) -> tuple[Rate, Rate]:
    """(the page's rate, the minimal view's rate) on one server."""
    with server() as port:
        baseline = rate(port, MINIMAL_PATH, cookie=cookie)
        page = rate(port, path, cookie=cookie)
    return page, baseline
