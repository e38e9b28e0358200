"""What one report submission costs, pinned so it cannot creep back up (issue 9).

Queries per API submission do not grow with the number of staff told; a rate-limit check is
one Redis round trip for the client and the global counter together; an alert is delivered
most urgent first, an in-app delivery in one statement and one sent out in three, reading only
the chain its alert is about and never a report's encrypted columns.
"""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from alerts import services, tasks
from alerts.content import alert_content
from alerts.models import Alert, AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference
from cases import services as case_services
from cases.models import Case
from core.fields import EncryptedFileNameField, EncryptedTextField
from core.ratelimit import guess_right, guess_try, over_limit
from reports.models import Report
from tests.alerts.test_alerts_reliability import webhook_receiver
from tests.cases_data import new_report
from tests.factories import UserFactory
from tests.reporting import report_post_data
from tests.services import redis_db_url
from triage import services as triage_services

pytestmark = pytest.mark.django_db

SUBMIT = reverse("api-report-submit")

# Kelurahan lookup, receipt-code check, the report's data key (core.datakeys), report, violence
# types, audit event, recipients with their preferences, alert, deliveries: 9 statements, plus the
# savepoint pair of the report's transaction inside the test's own transaction.
QUERIES_PER_API_SUBMISSION = 11


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


# --- what sending one delivery costs -----------------------------------------------------------------


@pytest.fixture
def recipient(db):
    user = UserFactory(username="petugas_piket", email="piket@example.org", phone="0811-2222-3333")
    NotificationPreference.objects.create(user=user, email=True, webhook=True, in_app=True)
    return user


@pytest.fixture
def gateway(settings):
    with webhook_receiver() as receiver:
        settings.ALERT_WEBHOOK_URLS = [receiver.url]
        yield receiver


def _alert_about(about: str, level: int, recipient, officer) -> Alert:
    if about == "report":
        thing = {"report": new_report(child_age=4)}
        kind = AlertKind.NEW_REPORT if level == 1 else AlertKind.ESCALATION_SUPERVISOR
    else:
        case = triage_services.report_accept(report=new_report(), acting_user=officer)
        case = case_services.case_record_assessment(
            case=case, risk_level="tinggi", needs="Pendampingan", expected_version=case.version, acting_user=officer
        )
        thing = {"case": case}
        kind = AlertKind.FOLLOW_UP_DUE if level == 1 else AlertKind.STILL_OVERDUE
    key = f"cost:{about}:{level}"
    return services.alert_raise(key=key, kind=kind, level=level, recipients=[recipient], **thing)


def _tables(queries) -> set[str]:
    return {table for query in queries for table in re.findall(r'(?:FROM|JOIN|UPDATE) "(\w+)"', query["sql"])}


def _secret_columns() -> set[str]:
    """The encrypted columns of reports and cases, and the user's password hash: what sending
    an alert must neither read nor decrypt."""
    encrypted = (EncryptedTextField, EncryptedFileNameField)
    columns = {
        f'"{model._meta.db_table}"."{field.column}"'
        for model in (Report, Case)
        for field in model._meta.concrete_fields
        if isinstance(field, encrypted)
    }
    return columns | {'"accounts_user"."password"'}


def test_an_in_app_delivery_is_marked_sent_in_one_statement(recipient, officer, django_assert_num_queries):
    alert = _alert_about("report", 1, recipient, officer)
    in_app = Delivery.objects.get(alert=alert, channel=Channel.IN_APP)
    now = timezone.now()

    with django_assert_num_queries(1):
        assert services.delivery_send(delivery_id=in_app.pk, now=now) == DeliveryStatus.SENT
    with django_assert_num_queries(2):  # not claimed, then its status
        assert services.delivery_send(delivery_id=in_app.pk, now=now) == DeliveryStatus.SENT

    in_app.refresh_from_db()
    assert (in_app.status, in_app.attempts, in_app.last_error, in_app.claimed_at) == ("sent", 1, "", now)
    assert now <= in_app.sent_at <= timezone.now()


def test_an_in_app_delivery_held_by_a_worker_is_left_until_its_claim_is_stale(recipient, officer, settings):
    alert = _alert_about("report", 1, recipient, officer)
    in_app = Delivery.objects.get(alert=alert, channel=Channel.IN_APP)
    now = timezone.now()
    Delivery.objects.filter(pk=in_app.pk).update(status=DeliveryStatus.SENDING, claimed_at=now - timedelta(seconds=5))

    assert services.delivery_send(delivery_id=in_app.pk, now=now) == DeliveryStatus.SENDING
    later = now + timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT_SECONDS)
    assert services.delivery_send(delivery_id=in_app.pk, now=later) == DeliveryStatus.SENT
    in_app.refresh_from_db()
    assert (in_app.status, in_app.attempts, in_app.claimed_at) == ("sent", 1, later)


@pytest.mark.parametrize("about", ["report", "case"])
@pytest.mark.parametrize("level", [1, 2])
def test_a_webhook_delivery_takes_three_queries_and_says_what_the_full_alert_says(
    recipient, officer, gateway, django_assert_num_queries, about, level
):
    alert = _alert_about(about, level, recipient, officer)
    webhook = Delivery.objects.get(alert=alert, channel=Channel.WEBHOOK)
    now = timezone.now() + timedelta(days=10)  # a level 2 report alert is then hours late

    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(3):
        assert services.delivery_send(delivery_id=webhook.pk, now=now) == DeliveryStatus.SENT

    other_chain = {"report": Case, "case": Report}[about]._meta.db_table
    assert other_chain not in _tables(queries)
    read = " ".join(query["sql"] for query in queries)
    assert not [column for column in _secret_columns() if column in read]
    # The same content as from the whole alert, loaded as the staff pages load it.
    with translation.override("id"):
        expected = alert_content(Alert.objects.get(pk=alert.pk), now=now).as_payload()
    ((_headers, body),) = gateway.posts
    payload = json.loads(body)
    assert payload.pop("recipient") == {"username": "petugas_piket", "phone": "0811-2222-3333"}
    assert payload.pop("delivery_id") == webhook.pk and payload.pop("sent_at")
    assert payload == expected
    if about == "report" and level == 2:
        assert expected["late_minutes"] > 0 and expected["late_text"]


@pytest.mark.parametrize("about", ["report", "case"])
def test_an_email_delivery_takes_three_queries(recipient, officer, mailoutbox, django_assert_num_queries, about):
    alert = _alert_about(about, 1, recipient, officer)
    email = Delivery.objects.get(alert=alert, channel=Channel.EMAIL)

    with django_assert_num_queries(3):
        assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.SENT

    (mail,) = mailoutbox
    assert mail.to == ["piket@example.org"]
    reference = alert.report.reference if about == "report" else alert.case.reference
    assert reference in mail.subject


def test_a_failed_webhook_delivery_takes_three_queries_too(recipient, officer, gateway, django_assert_num_queries):
    gateway.status = 500
    webhook = Delivery.objects.get(alert=_alert_about("report", 1, recipient, officer), channel=Channel.WEBHOOK)

    with django_assert_num_queries(3):
        assert services.delivery_send(delivery_id=webhook.pk) == DeliveryStatus.PENDING


def _request(address="203.0.113.7"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.fixture
def redis_cache(settings):
    """The production cache: Redis (REDIS_URL's, or one this test session started)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_db_url(9)}
    }
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.clear()
    return cache


@pytest.fixture
def redis_calls(redis_cache, monkeypatch):
    """The commands sent to Redis (one each a round trip), from now on."""
    import redis

    calls = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        calls.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return calls


def test_a_rate_limit_check_is_one_redis_round_trip(redis_calls):
    request = _request()
    rates = {"group": "test.cost", "client_rate": "2/h", "global_rate": "100/m"}
    over_limit(request, increment=True, **rates)  # loads the script once

    for increment in (False, True, False):
        redis_calls.clear()
        over_limit(request, increment=increment, **rates)
        assert len(redis_calls) == 1, redis_calls


def test_a_receipt_code_try_is_one_redis_round_trip_and_giving_it_back_another(redis_calls):
    request = _request()
    rates = {"group": "test.guess", "client_rate": "2/h", "global_rate": "100/m"}
    guess_try(request, **rates)  # loads the script once

    redis_calls.clear()
    attempt = guess_try(request, **rates)
    assert attempt.allowed and len(redis_calls) == 1, redis_calls
    guess_right(attempt)  # a right code is not counted
    assert len(redis_calls) == 2, redis_calls


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
