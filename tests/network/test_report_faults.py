"""Fault tolerance of the network reports, with real Celery workers (separate processes)
against a real Redis and the test run's PostgreSQL database.

Each test starts a Redis server of its own (the redis-server of the embedded profile, on a
private socket), so that killing or restarting it disturbs no other test run, and points
the workers at the test database through DATABASE_URL. The builder pauses between figures
(CAL_REPORT_STEP_DELAY) so that a worker can be killed, or Redis restarted, mid-build.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from cal_portal import embedded
from cal_portal.celery import app as celery_app
from network.models import NetworkReport, NetworkReportStatus
from tests.factories import ActivityFactory, CentreFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WARSAW = ZoneInfo("Europe/Warsaw")
BUILD = "network.tasks.network_report_build_task"
CATCH_UP = "network.tasks.network_report_catch_up_task"


@pytest.fixture
def redis_folder() -> Iterator[Path]:
    """A private Redis (short path: a unix socket's name is limited to 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="calr-"))
    embedded._start_redis(folder)
    yield folder
    embedded._kill_pidfile(folder / "redis.pid")
    shutil.rmtree(folder, ignore_errors=True)


def _redis_url(folder: Path) -> str:
    return f"unix://{folder / 'redis.sock'}"


def _database_url() -> str:
    """The test database (test_cal_<pid>), not the profile's default one."""
    s = connection.settings_dict
    socket_dir = s["OPTIONS"].get("host") or ""
    if socket_dir:  # the embedded server: a unix socket
        return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@/{s['NAME']}?host={socket_dir}"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{s['HOST']}{port}/{s['NAME']}"


@pytest.fixture
def start_worker(redis_folder: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start(*, step_delay: float = 0.0) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cal_portal.settings.test",
            "REDIS_URL": _redis_url(redis_folder),
            "DATABASE_URL": _database_url(),
            "CAL_REPORT_STEP_DELAY": str(step_delay),
        }
        log = (redis_folder / f"worker-{len(processes)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cal_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for log_file in sorted(redis_folder.glob("worker-*.log")):
        print(log_file.name, log_file.read_text(errors="replace")[-3000:])
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _send(redis_folder: Path, name: str, *args: Any) -> None:
    """Queue a task on the private Redis, as the portal (or beat) would on its own."""
    url = "redis+socket://" + str(redis_folder / "redis.sock")
    with celery_app.connection_for_write(url) as conn:
        celery_app.send_task(name, args=args, connection=conn)


def _wait(condition: Callable[[], bool], *, seconds: float, what: str, workers: list[Any]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for worker in workers:
            assert worker.poll() is None, f"a worker exited with {worker.returncode} while waiting for {what}"
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.2)


def _status(pk: int) -> tuple[str, int]:
    row = NetworkReport.objects.filter(pk=pk).values_list("status", "progress").get()
    return row[0], row[1]


def _activities(*months: int) -> None:
    centre = CentreFactory(slug="cal-faults")
    for month in months:
        ActivityFactory(
            centre=centre,
            start=datetime(2026, month, 10, 10, tzinfo=WARSAW),
            end=datetime(2026, month, 10, 12, tzinfo=WARSAW),
            participants_0_12=month,
        )


def test_a_worker_killed_mid_build_leaves_one_complete_report(start_worker: Any, redis_folder: Path) -> None:
    # Given a report being built by a worker that pauses between figures
    _activities(1)
    report = NetworkReport.objects.create(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    first = start_worker(step_delay=1.0)
    _send(redis_folder, BUILD, report.pk)
    _wait(
        lambda: _status(report.pk)[0] == "building" and _status(report.pk)[1] > 0,
        seconds=90,
        what="the build to start",
        workers=[first],
    )

    # When the worker is killed outright
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert _status(report.pk)[0] == NetworkReportStatus.BUILDING

    # And a new worker runs the catch-up, as beat does every night
    second = start_worker()
    _send(redis_folder, CATCH_UP, "2026-02-15")
    _wait(lambda: _status(report.pk)[0] == "complete", seconds=90, what="the report", workers=[second])

    # Then there is exactly one report of that period, complete, built on the second attempt
    reports = list(NetworkReport.objects.values_list("period_start", "period_end", "status", "attempts"))
    assert reports == [(date(2026, 1, 1), date(2026, 1, 31), "complete", 2)]
    figures = NetworkReport.objects.get().figures
    assert {item["key"]: item["value"] for item in figures["headline"]}["activities"] == 1


def test_redis_restarted_during_a_run_the_worker_reconnects(start_worker: Any, redis_folder: Path) -> None:
    _activities(1, 2)
    january = NetworkReport.objects.create(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    worker = start_worker(step_delay=0.5)
    _send(redis_folder, BUILD, january.pk)
    _wait(lambda: _status(january.pk)[0] == "building", seconds=90, what="the build", workers=[worker])

    # Redis goes away and comes back (empty: it keeps nothing on disk)
    embedded._kill_pidfile(redis_folder / "redis.pid")
    time.sleep(1)
    embedded._start_redis(redis_folder)

    # The report under way is finished, and the worker takes new work from the new Redis
    _wait(lambda: _status(january.pk)[0] == "complete", seconds=90, what="January", workers=[worker])
    february = NetworkReport.objects.create(period_start=date(2026, 2, 1), period_end=date(2026, 2, 28))
    _send(redis_folder, BUILD, february.pk)
    _wait(lambda: _status(february.pk)[0] == "complete", seconds=120, what="February", workers=[worker])
    assert NetworkReport.objects.filter(status="complete").count() == 2


def test_beat_catch_up_builds_every_missing_month_once(start_worker: Any, redis_folder: Path) -> None:
    # Given activities from January; March already has its report
    _activities(1, 2, 3)
    workers = [start_worker(), start_worker()]

    # When two catch-up runs happen at once (two workers, one run each)
    _send(redis_folder, CATCH_UP, "2026-04-15")
    _send(redis_folder, CATCH_UP, "2026-04-15")
    _wait(
        lambda: NetworkReport.objects.filter(status="complete").count() == 3,
        seconds=120,
        what="three complete reports",
        workers=workers,
    )
    time.sleep(2)  # let the slower run finish

    # Then each closed month has one report, built once
    rows = list(
        NetworkReport.objects.order_by("period_start").values_list("period_start", "status", "attempts")
    )
    assert rows == [
        (date(2026, 1, 1), "complete", 1),
        (date(2026, 2, 1), "complete", 1),
        (date(2026, 3, 1), "complete", 1),
    ]
