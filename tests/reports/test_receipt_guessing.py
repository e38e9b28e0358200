"""Guessing receipt codes is limited, and cannot lock the reporter with the right code out.

Only wrong codes use up the limits (a try is counted before the code is looked at and given
back when it was right); a client gets one more try after its last "not found"; once the
city-wide budget is spent, only a client without a wrong guess in its window is looked up.
Every 429 says when to try again.
"""

import threading

import pytest
from django.test import Client
from django.urls import reverse

from reports import views
from tests.reporting import report_post_data
from tests.services import RedisServer

pytestmark = pytest.mark.django_db

FORM = reverse("reports:form")
STATUS = reverse("reports:status")
STATUS_API = reverse("api-report-status")
MESSAGE_API = reverse("api-report-message")
WRONG = "0000000000000000"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def code(client):
    response = client.post(reverse("api-report-submit"), report_post_data(), content_type="application/json")
    return response.json()["receipt_code"]


@pytest.fixture
def lookups(monkeypatch):
    """Every receipt code the status page looked up."""
    looked_up = []
    real = views.report_status_by_receipt_code

    def counting(raw_code):
        looked_up.append(raw_code)
        return real(raw_code)

    monkeypatch.setattr(views, "report_status_by_receipt_code", counting)
    return looked_up


def guess(client, receipt_code, address, url=STATUS):
    if url == STATUS:
        return client.post(url, {"receipt_code": receipt_code}, REMOTE_ADDR=address)
    return client.post(url, {"receipt_code": receipt_code}, content_type="application/json", REMOTE_ADDR=address)


def test_a_flood_of_wrong_codes_from_many_addresses_does_not_lock_out_the_right_code(client, code, settings):
    # The reproduction of issue 15: wrong codes from 70 addresses, default limits, until the
    # global limit trips (about 700; more if its one-minute window turns meanwhile).
    assert (settings.RECEIPT_GUESS_RATE_CLIENT, settings.RECEIPT_GUESS_RATE_GLOBAL) == ("10/15m", "600/m")
    for n in range(1400):
        if guess(client, WRONG, f"198.51.100.{n % 70}").status_code == 429:
            break
    else:
        pytest.fail("the global limit never tripped")

    for url in (STATUS, STATUS_API):
        assert guess(client, code, "203.0.113.5", url).status_code == 200
        assert guess(client, code, "203.0.113.6", url).status_code == 200
    reply = client.post(MESSAGE_API, {"receipt_code": code, "body": "Masih ada."}, content_type="application/json")
    assert reply.status_code == 201
    # A flooding address is refused now, and told when to come back.
    flooder = guess(client, WRONG, "198.51.100.7")
    assert flooder.status_code == 429 and 1 <= int(flooder["Retry-After"]) <= 15 * 60


def test_when_the_budget_is_spent_each_address_gets_one_guess(client, settings, lookups):
    settings.RECEIPT_GUESS_RATE_GLOBAL = "5/m"
    for n in range(5):
        assert guess(client, WRONG, f"198.51.100.{n}").status_code == 404

    first = guess(client, WRONG, "198.51.100.50")
    second = guess(client, WRONG, "198.51.100.50")
    again = guess(client, WRONG, "198.51.100.1")

    assert first.status_code == 404, "an address without a wrong guess is still looked up"
    assert second.status_code == again.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 60 and 1 <= int(again["Retry-After"]) <= 60
    assert len(lookups) == 6


@pytest.mark.parametrize("url", [STATUS, STATUS_API])
def test_ten_wrong_codes_then_the_right_one_gets_in(client, code, url):
    address = "192.0.2.10"
    for _ in range(10):
        assert guess(client, WRONG, address, url).status_code == 404

    assert guess(client, code, address, url).status_code == 200
    assert guess(client, code, address, url).status_code == 200, "a right code never uses up a try"


@pytest.mark.parametrize("url", [STATUS, STATUS_API])
def test_after_the_last_try_even_the_right_code_waits_with_retry_after(client, code, url, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "3/15m"
    address = "192.0.2.11"
    answers = [guess(client, WRONG, address, url) for _ in range(4)]
    refused = guess(client, code, address, url)

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    assert refused.status_code == 429
    for answer in (answers[-1], refused):
        assert 1 <= int(answer["Retry-After"]) <= 15 * 60
    assert answers[-1].content == refused.content, "a refusal says nothing about the code"


def test_a_refused_try_never_looks_at_the_code(client, code, settings, lookups):
    settings.RECEIPT_GUESS_RATE_CLIENT = "1/15m"
    address = "192.0.2.12"
    guess(client, WRONG, address)
    guess(client, WRONG, address)  # the one more try
    lookups.clear()

    right, wrong = guess(client, code, address), guess(client, WRONG, address)

    assert right.status_code == wrong.status_code == 429
    assert right.content == wrong.content
    assert lookups == [], "the answer and its timing depend on the counters only"


def test_a_reply_is_limited_like_a_status_check(client, code, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "1/15m"
    address = "192.0.2.13"
    guess(client, WRONG, address)
    wrong_reply = client.post(
        MESSAGE_API, {"receipt_code": WRONG, "body": "Halo"}, content_type="application/json", REMOTE_ADDR=address
    )
    assert wrong_reply.status_code == 429 and int(wrong_reply["Retry-After"]) >= 1
    assert wrong_reply.json()["code"] == "rate_limited"


@pytest.fixture(scope="module")
def redis_of_our_own():
    server = RedisServer().start()
    yield server
    server.remove()


@pytest.fixture
def redis_cache(redis_of_our_own, settings):
    import redis

    redis.Redis.from_url(redis_of_our_own.url).flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_of_our_own.url}
    }


def test_a_concurrent_burst_gets_no_more_tries_than_the_limit(redis_cache, lookups):
    from django.db import connection

    answers = []
    start = threading.Barrier(40)

    def one_guess():
        try:
            start.wait()
            answers.append(guess(Client(), WRONG, "192.0.2.99"))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [answer.status_code for answer in answers]
    assert len(statuses) == 40 and set(statuses) <= {404, 429}
    assert statuses.count(404) <= 10, statuses
    assert len(lookups) <= 11, "ten 'not found' and the one more try, at the most"
    assert all(1 <= int(answer["Retry-After"]) <= 15 * 60 for answer in answers if answer.status_code == 429)
