"""Health of the database, the broker and the workers, for `/healthz` and monitoring."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "worker-heartbeat"


def heartbeat_record() -> datetime:
    now = timezone.now()
    # Kept a day: an absent key means no worker has beaten for a day, or ever.
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=60 * 60 * 24)
    return now


def heartbeat_last() -> datetime | None:
    value = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(value) if value else None


def _database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _broker() -> dict[str, object]:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _worker(broker_ok: bool) -> dict[str, object]:
    if not broker_ok:
        return {"ok": False, "error": "broker down", "last_heartbeat": None}
    try:
        last = heartbeat_last()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__, "last_heartbeat": None}
    if last is None:
        return {"ok": False, "error": "no heartbeat", "last_heartbeat": None}
    # Three missed beats mean the worker or beat is gone.
    age = timezone.now() - last
    ok = age <= timedelta(seconds=3 * settings.HEARTBEAT_INTERVAL)
    result: dict[str, object] = {
        "ok": ok,
        "last_heartbeat": last.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }
    if not ok:
        result["error"] = "heartbeat too old"
    return result


def health_status() -> dict[str, object]:
    """Status of every dependency; ``ok`` is true only when all are."""
    database = _database()
    broker = _broker()
    worker = _worker(bool(broker["ok"]))
    checks = {"database": database, "broker": broker, "worker": worker}
    down = [name for name, check in checks.items() if not check["ok"]]
    return {"ok": not down, "down": down, **checks}
