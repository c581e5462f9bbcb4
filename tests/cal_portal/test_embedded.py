"""The embedded servers are started once and reused by every process."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from cal_portal import embedded


def test_redis_is_reused_not_restarted():
    if not settings.REDIS_URL.startswith("unix://"):
        pytest.skip("REDIS_URL names a server: nothing embedded to reuse")
    folder = Path(settings.REDIS_URL.removeprefix("unix://")).parent
    pid_before = (folder / "redis.pid").read_text()

    url = embedded.redis_url(folder)

    assert url == settings.REDIS_URL
    assert (folder / "redis.pid").read_text() == pid_before
    assert redis.Redis.from_url(url).ping() is True


def test_postgres_is_real_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000
