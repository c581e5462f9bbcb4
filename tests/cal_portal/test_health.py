import pytest
from django.core.cache import cache

from cal_portal import health


@pytest.mark.django_db
def test_healthz_is_503_naming_the_worker_when_no_heartbeat(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["down"] == ["worker"]
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True}


@pytest.mark.django_db
def test_healthz_is_200_after_a_heartbeat(client):
    health.heartbeat_record()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["worker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_names_the_broker_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    health.heartbeat_record()  # the cache still works; the broker does not answer

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["broker", "worker"]
    cache.clear()
