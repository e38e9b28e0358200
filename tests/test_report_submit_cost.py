"""What one report submission costs, pinned so it cannot creep back up (issue 9).

Queries per API submission do not grow with the number of staff told; a rate-limit check is
one Redis round trip for the client and the global counter together; an alert is delivered
most urgent first.
"""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from alerts import services, tasks
from alerts.models import Alert, Delivery, NotificationPreference
from core.ratelimit import over_limit
from tests.cases_data import new_report
from tests.factories import UserFactory
from tests.reporting import report_post_data
from tests.services import redis_url_or_skip

pytestmark = pytest.mark.django_db

SUBMIT = reverse("api-report-submit")

# Kelurahan lookup, receipt-code check, report, violence types, audit event, recipients with
# their preferences, alert, deliveries: 8 statements, plus the savepoint pair of the report's
# transaction inside the test's own transaction.
QUERIES_PER_API_SUBMISSION = 10


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def _staff(officers: int, supervisors: int) -> list:
    people = []
    for _ in range(officers):
        user = UserFactory(role=Role.OFFICER)
        NotificationPreference.objects.create(user=user, on_duty=True, webhook=True)
        people.append(user)
    people += [UserFactory(role=Role.SUPERVISOR) for _ in range(supervisors)]
    return people


@pytest.mark.parametrize("officers,supervisors", [(1, 1), (4, 3)])
def test_one_api_submission_takes_a_fixed_number_of_queries(client, django_assert_num_queries, officers, supervisors):
    _staff(officers, supervisors)
    payload = report_post_data(kelurahan="Gunung Samarinda", danger_now="yes")  # urgent: everybody is told

    with django_assert_num_queries(QUERIES_PER_API_SUBMISSION):
        response = client.post(SUBMIT, payload, content_type="application/json")

    assert response.status_code == 201, response.content
    alert = Alert.objects.get()
    # email + webhook + in-app per officer on duty, email + in-app per supervisor
    assert Delivery.objects.filter(alert=alert).count() == 3 * officers + 2 * supervisors


def test_raising_the_same_alert_twice_still_does_nothing_the_second_time(supervisor):
    report = new_report()

    assert services.report_alert_new(report) is None
    assert Alert.objects.filter(key=f"report:{report.pk}:new").count() == 1


def test_deliveries_go_out_most_urgent_first(officer, supervisor, monkeypatch):
    """The officer on duty before supervisors; the chat gateway, then in-app, then email."""
    NotificationPreference.objects.create(user=officer, on_duty=True, webhook=True)
    report = new_report(danger_now="yes")
    alert = Alert.objects.get(report=report)
    sent = []
    monkeypatch.setattr(services, "delivery_send", lambda *, delivery_id: sent.append(delivery_id))

    tasks.deliver_alert(alert.pk)

    order = [Delivery.objects.values_list("recipient_id", "channel").get(pk=pk) for pk in sent]
    channels = [channel for _recipient, channel in order]
    assert len(order) == 5
    assert order[0] == (officer.pk, "webhook")
    assert channels == sorted(channels, key=["webhook", "in_app", "email"].index)
    assert order.index((officer.pk, "in_app")) < order.index((supervisor.pk, "in_app"))
    assert order.index((officer.pk, "email")) < order.index((supervisor.pk, "email"))


def _request(address="203.0.113.7"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.fixture
def redis_cache():
    redis_url_or_skip()
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("the cache is not Redis (CACHE_REDIS_URL / REDIS_URL unset)")
    cache.clear()
    return cache


def test_a_rate_limit_check_is_one_redis_round_trip(redis_cache, monkeypatch):
    import redis

    calls = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        calls.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    request = _request()
    rates = {"group": "test.cost", "client_rate": "2/h", "global_rate": "100/m"}
    over_limit(request, increment=True, **rates)  # loads the script once

    for increment in (False, True, False):
        calls.clear()
        over_limit(request, increment=increment, **rates)
        assert len(calls) == 1, calls


def test_the_redis_counters_keep_the_tested_semantics(redis_cache):
    client, other = _request("203.0.113.7"), _request("198.51.100.9")
    rates = {"group": "test.semantics", "client_rate": "2/h", "global_rate": "3/m"}

    assert not over_limit(client, increment=False, **rates)
    assert not over_limit(client, increment=True, **rates)  # 1
    assert not over_limit(client, increment=True, **rates)  # 2: at the limit, not past it
    assert over_limit(client, increment=False, **rates)  # looking: the next one would be too many
    assert over_limit(client, increment=True, **rates)  # 3: past it
    # Another client is over the global limit only (3 of 3 used, so looking says no more).
    assert over_limit(other, increment=False, **rates)
    assert over_limit(other, increment=False, group="test.semantics", client_rate="2/h", global_rate=None) is False


def test_the_redis_counters_are_django_ratelimits_counters(redis_cache):
    """Same keys and values as django-ratelimit, so either can read what the other counted,
    and they expire."""
    cache = redis_cache
    from django_ratelimit.core import get_usage

    from core.ratelimit import client_fingerprint

    request = _request()
    for _ in range(2):
        over_limit(request, group="test.shared", client_rate="5/h", global_rate=None, increment=True)

    usage = get_usage(request, group="test.shared", key=client_fingerprint, rate="5/h", increment=False)
    assert usage["count"] == 2
    keys = list(cache._cache.get_client().scan_iter(match="*rl:*"))
    assert keys and all(0 < cache._cache.get_client().ttl(key) <= 3600 + 60 for key in keys)
    # Nothing about the client in the keys or values: only hashes and counts.
    raw = b" ".join(keys + [cache._cache.get_client().get(key) or b"" for key in keys])
    assert b"203.0.113.7" not in raw


def test_a_refused_submission_says_when_to_try_again(client, settings):
    settings.REPORT_SUBMIT_RATE_GLOBAL = "1/m"
    payload = report_post_data(kelurahan="Gunung Samarinda")
    assert client.post(SUBMIT, payload, content_type="application/json").status_code == 201

    response = client.post(SUBMIT, payload, content_type="application/json", REMOTE_ADDR="192.0.2.55")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    form = client.post(reverse("reports:form"), report_post_data(), REMOTE_ADDR="192.0.2.56")
    assert form.status_code == 429 and 1 <= int(form["Retry-After"]) <= 60
