import pytest

from balikpapan_kla.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat
from tests.services import postgres_or_skip, redis_url_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_services(settings):
    postgres_or_skip()
    redis_url_or_skip()
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert celery_app.conf.broker_url.startswith("redis://")


def test_it_is_ready_when_database_cache_and_broker_answer(client, real_services):
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert body["worker_last_seen_seconds"] is None


def test_it_reports_how_long_ago_a_worker_beat(client, real_services):
    record_heartbeat()

    body = client.get("/readyz").json()

    assert WorkerHeartbeat.objects.count() == 1
    assert 0 <= body["worker_last_seen_seconds"] < 5


def test_it_is_not_ready_and_names_the_broker_when_the_broker_is_unreachable(client, real_services, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_it_is_not_ready_and_names_the_cache_when_the_cache_is_unreachable(client, real_services, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
