"""A report is never lost because something it depends on is down (issue 15).

The faults are real: the cache is a redis-server this test starts and then kills, and the
attachment storage is a folder the kernel refuses to create.
"""

import time

import pytest
import redis
from django.urls import reverse

from core import ratelimit
from core.models import AuditEvent
from reports.models import AuthorKind, Report, ReportMessage
from tests.reporting import jpeg_upload, pdf_upload, report_post_data
from tests.reports.test_report_web import code_on_page
from tests.services import RedisServer
from tests.system.test_hostile_input import FORM, MESSAGE_API, STATUS, STATUS_API
from tests.system.test_hostile_input import SUBMIT_API as SUBMIT

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_redis(settings, tmp_path):
    """The cache on a redis-server of this test's own (skipped without one, failed under
    REQUIRE_SERVICES=1), which the test can kill."""
    server = RedisServer().start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.MEDIA_ROOT = tmp_path / "private"
    yield server
    server.remove()


def narrative(n: int) -> str:
    return f"Laporan nomor {n}: anak tetangga sering dipukul dan menangis setiap malam."


def test_every_report_status_check_and_reply_goes_through_when_the_cache_redis_dies(
    client, cache_redis, settings, monkeypatch, caplog
):
    # The submission limits themselves are tested elsewhere: here a burst must be kept whole.
    settings.REPORT_SUBMIT_RATE_GLOBAL = "100/s"
    monkeypatch.setattr(ratelimit, "STORE_RETRY_SECONDS", 0)  # every request meets the dead server
    code = code_on_page(client.post(FORM, report_post_data(narrative=narrative(0))).content.decode())
    assert redis.Redis.from_url(cache_redis.url).dbsize() > 0, "the limits were counted in this Redis"

    cache_redis.stop()
    assert not cache_redis.answers()
    web = [
        client.post(FORM, report_post_data(narrative=narrative(n)), REMOTE_ADDR=f"192.0.2.{n}") for n in range(1, 21)
    ]
    api = [
        client.post(
            SUBMIT,
            report_post_data(narrative=narrative(n)),
            content_type="application/json",
            REMOTE_ADDR=f"192.0.2.{n}",
        )
        for n in range(21, 41)
    ]
    status_page = client.post(STATUS, {"receipt_code": code})
    status_api = client.post(STATUS_API, {"receipt_code": code}, content_type="application/json")
    wrong = client.post(STATUS, {"receipt_code": "0000000000000000"})
    reply_page = client.post(STATUS, {"receipt_code": code, "body": "Anaknya masih di sana."})
    reply_api = client.post(
        MESSAGE_API, {"receipt_code": code, "body": "Tolong cepat."}, content_type="application/json"
    )

    assert [response.status_code for response in web] == [200] * 20
    assert [response.status_code for response in api] == [201] * 20
    assert (status_page.status_code, status_api.status_code, wrong.status_code) == (200, 200, 404)
    assert (reply_page.status_code, reply_api.status_code) == (200, 201)
    for response in (*api, status_api, reply_api):
        assert response["Content-Type"] == "application/json"
    assert sorted(report.narrative for report in Report.objects.all()) == sorted(narrative(n) for n in range(41))
    assert ReportMessage.objects.filter(author_kind=AuthorKind.REPORTER).count() == 2
    assert time.time() - ratelimit.last_store_failure() < 60
    ready = client.get("/readyz")
    assert ready.status_code == 200, "a dead cache must not take the web out of the load balancer"
    assert {"cache_unreachable", "rate_limit_store_failing"} <= set(ready.json()["degraded"])
    assert "Rate-limit store (cache 'default') failed: ConnectionError" in caplog.text
    assert cache_redis.url not in caplog.text


def test_guessing_stays_limited_while_the_cache_redis_is_down(client, cache_redis, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "2/15m"
    cache_redis.stop()

    answers = [client.post(STATUS, {"receipt_code": "0000000000000000"}) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [404, 404, 429, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 15 * 60


def test_a_dead_store_is_tried_again_only_after_a_pause_and_logged_once(client, cache_redis, caplog):
    cache_redis.stop()

    for _ in range(5):
        assert client.post(STATUS, {"receipt_code": "0000000000000000"}).status_code == 404

    assert caplog.text.count("Rate-limit store") == 1


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """MEDIA_ROOT below a regular file: creating its folders fails with ENOTDIR, for root too
    (the tests may run as root, whom a chmod 0500 folder does not stop)."""
    blocker = tmp_path / "a-regular-file"
    blocker.write_bytes(b"")
    settings.MEDIA_ROOT = blocker / "private"
    return blocker


def test_a_report_whose_files_cannot_be_stored_is_kept_and_the_reporter_told_which(
    client, unwritable_media, officer, as_user, caplog
):
    data = report_post_data()
    data["attachments"] = [jpeg_upload(), pdf_upload()]

    response = client.post(FORM, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Laporanmu sudah terkirim, tetapi berkas nomor 1, 2 tidak bisa disimpan." in page
    assert code_on_page(page)
    report = Report.objects.get()
    assert report.attachments.count() == 0
    event = AuditEvent.objects.get(action="reports.submitted")
    assert (event.data["attachments"], event.data["attachments_not_saved"]) == (0, 2)
    assert "Attachment 1 of 2 could not be stored" in caplog.text
    assert unwritable_media.read_bytes() == b""
    staff_page = as_user(officer).get(reverse("triage:report", args=[report.uuid]))
    assert staff_page.status_code == 200
    assert report.narrative in staff_page.content.decode()


def test_the_api_keeps_the_report_and_lists_the_files_not_saved(client, unwritable_media):
    response = client.post(SUBMIT, {**report_post_data(), "attachments": [pdf_upload()]})

    assert response.status_code == 201
    assert response.json()["attachments_not_saved"] == [1]
    assert Report.objects.get().attachments.count() == 0


def test_a_reply_whose_files_cannot_be_stored_is_kept_and_the_reporter_told(client, unwritable_media):
    code = client.post(SUBMIT, report_post_data(), content_type="application/json").json()["receipt_code"]

    page = client.post(STATUS, {"receipt_code": code, "body": "Ini fotonya.", "attachments": [jpeg_upload()]})
    api = client.post(MESSAGE_API, {"receipt_code": code, "body": "Ini suratnya.", "attachments": [pdf_upload()]})

    assert page.status_code == 200
    assert "Pesanmu sudah terkirim, tetapi berkas nomor 1 tidak bisa disimpan." in page.content.decode()
    assert api.status_code == 201 and api.json()["attachments_not_saved"] == [1]
    assert [message.body for message in ReportMessage.objects.order_by("pk")] == ["Ini fotonya.", "Ini suratnya."]
