from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Channel, Delivery, DeliveryStatus
from balikpapan_kla.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat
from tests.alerts.test_alerts_web import beat, smtp_down  # noqa: F401 (smtp_down: a fixture)
from tests.cases_data import new_report
from tests.services import redis_url

pytestmark = pytest.mark.django_db

NO_ALERT_TROUBLE = {"pending_over_threshold": 0, "failing": 0, "oldest_pending_seconds": None}


@pytest.fixture
def real_services(settings, monkeypatch):
    """A real Redis as cache and broker, as in production: REDIS_URL's, or one of the session's."""
    url = redis_url()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    monkeypatch.setattr(celery_app.conf, "broker_url", url)


def send_all(*, now=None):
    """What the worker's sweep does with every delivery that is due."""
    now = now or timezone.now()
    for delivery_id in alert_services.due_deliveries(now=now):
        alert_services.delivery_send(delivery_id=delivery_id, now=now)


def readyz(client):
    response = client.get("/readyz")
    return response.status_code, response.json()


def test_it_is_ready_when_database_cache_and_broker_answer_and_the_worker_beats(client, real_services, supervisor):
    supervisor.email = "koordinator@example.org"
    supervisor.save()
    record_heartbeat()
    new_report()  # alerts the supervisor by email and in the application
    send_all()

    status, body = readyz(client)

    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert body["failed"] == [] and body["degraded"] == []
    assert 0 <= body["worker_last_seen_seconds"] < 5
    assert body["alerts"] == NO_ALERT_TROUBLE


def test_it_is_degraded_but_serving_when_no_worker_ever_beat(client, real_services):
    status, body = readyz(client)

    assert status == 200
    assert body["status"] == "degraded" and body["degraded"] == ["worker_never_seen"]
    assert body["worker_last_seen_seconds"] is None
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_it_reports_how_long_ago_a_worker_beat(client, real_services):
    record_heartbeat()

    body = client.get("/readyz").json()

    assert WorkerHeartbeat.objects.count() == 1
    assert 0 <= body["worker_last_seen_seconds"] < 5


def test_it_is_degraded_when_the_last_heartbeat_is_older_than_the_limit(client, real_services, settings):
    settings.WORKER_STALE_AFTER_SECONDS = 150
    beat(seconds_ago=140)
    assert readyz(client)[1]["status"] == "ok"

    beat(seconds_ago=160)
    status, body = readyz(client)

    assert status == 200
    assert body["status"] == "degraded" and body["degraded"] == ["worker_stale"]
    assert 160 <= body["worker_last_seen_seconds"] < 165


def test_it_is_degraded_when_deliveries_wait_past_the_threshold(client, real_services, supervisor, settings):
    beat()
    settings.ALERT_STUCK_AFTER_MINUTES = 3
    waiting = new_report()
    new_report()  # raised a moment ago: not stuck yet
    Delivery.objects.filter(alert__report=waiting).update(created_at=timezone.now() - timedelta(minutes=4))

    status, body = readyz(client)

    assert status == 200
    assert body["status"] == "degraded" and body["degraded"] == ["alerts_pending"]
    assert body["alerts"]["pending_over_threshold"] == 2  # email and in-app to the supervisor
    assert body["alerts"]["failing"] == 0
    assert 240 <= body["alerts"]["oldest_pending_seconds"] < 250


def test_it_is_ok_while_new_deliveries_wait_less_than_the_threshold(client, real_services, supervisor):
    beat()
    new_report()

    body = readyz(client)[1]

    assert body["status"] == "ok" and body["degraded"] == []
    assert body["alerts"]["pending_over_threshold"] == 0
    assert 0 <= body["alerts"]["oldest_pending_seconds"] < 5


@pytest.mark.usefixtures("smtp_down")
def test_it_is_degraded_while_a_delivery_is_retried_after_an_error(client, real_services, supervisor):
    beat()
    new_report()
    send_all()

    status, body = readyz(client)

    assert Delivery.objects.get(channel=Channel.EMAIL).last_error == "smtp down"
    assert status == 200
    assert body["status"] == "degraded" and body["degraded"] == ["alerts_failing"]
    assert body["alerts"]["failing"] == 1 and body["alerts"]["pending_over_threshold"] == 0


@pytest.mark.usefixtures("smtp_down")
def test_it_is_degraded_by_a_delivery_given_up_recently_not_long_ago(client, real_services, supervisor, settings):
    beat()
    settings.ALERT_MAX_ATTEMPTS = 1
    settings.ALERT_FAILED_RECENT_MINUTES = 60
    new_report()
    send_all()
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 1

    body = readyz(client)[1]
    assert body["status"] == "degraded" and body["degraded"] == ["alerts_failing"]
    assert body["alerts"] == {"pending_over_threshold": 0, "failing": 1, "oldest_pending_seconds": None}

    Delivery.objects.filter(status=DeliveryStatus.FAILED).update(claimed_at=timezone.now() - timedelta(minutes=61))
    body = readyz(client)[1]
    assert body["status"] == "ok" and body["alerts"] == NO_ALERT_TROUBLE


@pytest.mark.usefixtures("smtp_down")
def test_it_names_every_reason_at_once(client, real_services, supervisor):
    new_report()
    send_all()
    Delivery.objects.update(created_at=timezone.now() - timedelta(hours=1))

    body = readyz(client)[1]

    assert body["status"] == "degraded"
    assert body["degraded"] == ["worker_never_seen", "alerts_failing", "alerts_pending"]
    assert body["alerts"]["pending_over_threshold"] == 1  # the email; the in-app one was delivered


def test_it_reads_the_same_three_queries_whatever_the_number_of_deliveries(client, real_services, supervisor):
    beat()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/readyz").status_code == 200
        return [query["sql"] for query in captured]

    few = queries()
    for _ in range(10):
        new_report()
    send_all()
    new_report()

    many = queries()
    # SELECT 1; the last heartbeat; one pass over the deliveries not yet sent or failed; one count
    # of the WhatsApp messages stuck unprocessed (whatsapp.inbound.inbound_degradation).
    assert len(few) == len(many) == 4
    assert "alerts_delivery" in many[2] and "alerts_delivery" not in many[1]
    assert "whatsapp_inbound" in many[3]


def test_it_keeps_serving_but_is_degraded_when_the_broker_is_unreachable(client, real_services, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    status, body = readyz(client)

    # Reports are still kept (their alerts wait in the database for the sweep): no 503.
    assert status == 200, body
    assert body["status"] == "degraded" and body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["degraded"] == ["broker_unreachable", "worker_never_seen"]


def test_it_keeps_serving_but_is_degraded_when_the_cache_is_unreachable(client, real_services, settings):
    record_heartbeat()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    status, body = readyz(client)

    assert status == 200, body
    assert body["status"] == "degraded" and body["failed"] == ["cache"]
    assert body["degraded"] == ["cache_unreachable"]


def test_it_says_when_the_rate_limit_store_failed_lately(client, real_services, monkeypatch):
    from core import ratelimit

    record_heartbeat()
    monkeypatch.setattr(ratelimit, "_last_failure", timezone.now().timestamp() - 30)

    status, body = readyz(client)

    assert status == 200 and body["status"] == "degraded"
    assert body["degraded"] == ["rate_limit_store_failing"]
    assert 30 <= body["rate_limits"]["store_failed_seconds_ago"] < 40

    monkeypatch.setattr(ratelimit, "_last_failure", timezone.now().timestamp() - 3600)
    assert readyz(client)[1]["status"] == "ok"
