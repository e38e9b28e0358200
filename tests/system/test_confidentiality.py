"""The design's confidentiality rules, checked against the real stores: every table of the
database, the captured logs and the cache."""

import logging

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from tests.reporting import report_post_data

pytestmark = pytest.mark.django_db

DISTINCT_IP = "203.0.113.77"
DISTINCT_AGENT = "DistinctiveAgent/9.9 (KLA-confidentiality-test)"
SECRETS = {
    "narrative": "Narasi rahasia unik Zebrakuda menceritakan kejadian di rumah.",
    "child_name": "Anak Bernama Kunangkunang",
    "address_detail": "Jalan Rahasia Gang Merpati Nomor 77",
    "reporter_contact": "081299988877",
}
MESSAGE = "Pesan balasan rahasia Cendrawasih dari pelapor."


def every_row_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def cache_as_text() -> str:
    backend = cache._cache if hasattr(cache, "_cache") else None
    client = getattr(backend, "get_client", None)
    if client is None:  # local memory: keys and pickled values in a dict
        return repr(getattr(cache, "_cache", {}))
    redis_client = backend.get_client()
    parts = []
    for key in redis_client.scan_iter(count=1000):
        parts.append(repr(key))
        if redis_client.type(key) == b"string":
            parts.append(repr(redis_client.get(key)))
    return "\n".join(parts)


@pytest.fixture
def journey(client, settings, tmp_path, caplog):
    """A whole anonymous journey, on the web and the API, from one distinctive client."""
    settings.MEDIA_ROOT = tmp_path / "private"
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": DISTINCT_IP, "HTTP_USER_AGENT": DISTINCT_AGENT, "HTTP_X_FORWARDED_FOR": DISTINCT_IP}
    data = report_post_data(**SECRETS, contact_consent="on")

    web = client.post(reverse("reports:form"), data, **headers)
    api = client.post(
        reverse("api-report-submit"),
        {**data, "kelurahan": "Gunung Samarinda", "contact_consent": True},
        content_type="application/json",
        **headers,
    )
    code = api.json()["receipt_code"]
    client.post(reverse("reports:status"), {"receipt_code": code}, **headers)
    client.post(reverse("reports:status"), {"receipt_code": code, "body": MESSAGE}, **headers)
    client.post(reverse("reports:status"), {"receipt_code": "9999999999999999"}, **headers)
    client.post(reverse("api-report-status"), {"receipt_code": code}, content_type="application/json", **headers)
    assert web.status_code == 200 and api.status_code == 201
    return {"code": code, "responses": [web, api], "logs": caplog.text}


def test_no_address_or_user_agent_is_kept_in_any_table_log_or_cache(journey):
    stores = {"database": every_row_as_text(), "logs": journey["logs"], "cache": cache_as_text()}

    for name, text in stores.items():
        assert DISTINCT_IP not in text, f"the client's address is in the {name}"
        assert DISTINCT_AGENT not in text, f"the user agent is in the {name}"
        assert "DistinctiveAgent" not in text


def test_identifying_fields_and_messages_are_not_readable_in_the_database(journey):
    rows = every_row_as_text()

    for field, value in SECRETS.items():
        assert value not in rows, f"{field} is stored in plain text"
    assert MESSAGE not in rows
    assert "Zebrakuda" not in rows and "Kunangkunang" not in rows
    assert journey["code"] not in rows, "the receipt code itself is stored"


def test_the_receipt_code_never_appears_in_the_logs(journey):
    assert journey["code"] not in journey["logs"]


def test_the_anonymous_journey_sets_no_cookie(journey):
    for response in journey["responses"]:
        assert not response.cookies
