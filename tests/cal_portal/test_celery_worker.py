"""A real Celery worker, in its own process, against the real (embedded or given) Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from cal_portal import health
from cal_portal.tasks import heartbeat_task

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_worker():
    """Starts a worker process on demand; stops it after the test."""
    processes = []

    def start():
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cal_portal.settings.test",
            "REDIS_URL": settings.REDIS_URL,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cal_portal",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.celery_worker
def test_worker_runs_the_heartbeat_and_healthz_reports_it(start_worker, client, db):
    # Given no worker and no heartbeat: /healthz names the worker as down
    cache.delete(health.HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["worker"]

    # When the beat's task is queued through Redis and a real worker starts
    heartbeat_task.delay()
    worker = start_worker()

    # Then the worker records the beat, and /healthz is green
    deadline = time.monotonic() + 60
    while health.heartbeat_last() is None:
        if worker.poll() is not None:
            output = worker.stdout.read().decode() if worker.stdout else ""
            pytest.fail(f"worker exited with {worker.returncode}:\n{output}")
        assert time.monotonic() < deadline, "the worker did not run the heartbeat within 60 s"
        time.sleep(0.2)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["down"] == []


def test_worker_settings_make_tasks_retry_safe():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_TIME_LIMIT == 900
    assert settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["task"] == "cal_portal.tasks.heartbeat_task"
