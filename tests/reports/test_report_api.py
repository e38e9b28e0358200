import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Report, ReportMessage
from reports.services import report_message_add
from tests.reporting import jpeg_upload, report_post_data

pytestmark = pytest.mark.django_db

SUBMIT = reverse("api-report-submit")
STATUS = reverse("api-report-status")
MESSAGES = reverse("api-report-message")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def api_payload(**overrides):
    return report_post_data(**{"kelurahan": "Gunung Samarinda", **overrides})


def test_it_accepts_a_json_report_and_answers_with_the_code_status_and_next_step(client):
    response = client.post(SUBMIT, api_payload(), content_type="application/json")

    body = response.json()
    assert response.status_code == 201, body
    assert len(body["receipt_code"]) == 16 and body["receipt_code"].isdigit()
    assert body["status"] == "received"
    assert "3 hari" in body["next_step"]
    assert Report.objects.get().channel == "api"
    assert not response.cookies


def test_api_answers_are_never_cached_and_send_no_referrer(client):
    response = client.post(SUBMIT, api_payload(), content_type="application/json")

    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("body", ["[]", '"x"', "3"])
def test_a_body_of_another_shape_gets_the_usual_answers_not_an_error(client, body):
    assert client.post(STATUS, body, content_type="application/json").status_code == 404
    assert client.post(SUBMIT, body, content_type="application/json").status_code == 400


def test_a_browser_post_from_another_site_is_refused(client):
    response = client.post(SUBMIT, api_payload(), content_type="application/json", HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_it_accepts_a_multipart_report_with_files(client):
    data = api_payload()
    data["attachments"] = [jpeg_upload()]

    response = client.post(SUBMIT, data)

    assert response.status_code == 201, response.json()
    assert Report.objects.get().attachments.count() == 1


def test_it_returns_errors_per_field_with_codes_and_stores_nothing(client):
    response = client.post(
        SUBMIT,
        api_payload(narrative="pendek", danger_now="maybe", kelurahan="Atlantis", child_age=40, violence_types=[]),
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 400
    assert set(body) >= {"danger_now", "kelurahan", "child_age", "violence_types"}
    assert all({"message", "code"} <= set(error) for errors in body.values() for error in errors)
    assert Report.objects.count() == 0


def test_cross_field_rules_come_back_per_field(client):
    response = client.post(
        SUBMIT, api_payload(narrative="pendek sekali", reporter_contact="0812"), content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 400
    assert {"narrative", "contact_consent"} <= set(body)


def test_a_bad_attachment_is_a_400_on_attachments_with_nothing_stored(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = api_payload()
    data["attachments"] = [SimpleUploadedFile("a.jpg", b"GIF89a-not-really")]

    response = client.post(SUBMIT, data)

    assert response.status_code == 400
    assert "attachments" in response.json()
    assert Report.objects.count() == 0


def test_status_and_messages_by_receipt_code(client, officer):
    code = client.post(SUBMIT, api_payload(), content_type="application/json").json()["receipt_code"]
    report_message_add(report=Report.objects.get(), body="Kami sedang menangani.", acting_user=officer)

    status = client.post(STATUS, {"receipt_code": code}, content_type="application/json")
    reply = client.post(MESSAGES, {"receipt_code": code, "body": "Terima kasih."}, content_type="application/json")
    again = client.post(STATUS, {"receipt_code": code}, content_type="application/json").json()

    assert status.status_code == 200
    assert status.json()["status"] == "received"
    assert status.json()["messages"][0]["body"] == "Kami sedang menangani."
    assert status.json()["messages"][0]["sender"] == "staff"
    assert reply.status_code == 201
    assert [m["sender"] for m in again["messages"]] == ["staff", "reporter"]
    assert ReportMessage.objects.count() == 2


@pytest.mark.parametrize("path", ["api", "page"])
def test_showing_a_status_reads_no_identifying_column(client, officer, path):
    """Only STATUS_FIELDS of the report, then its thread with each message's files counted: no
    encrypted column is read (or decrypted) to show a reporter where their report stands."""
    code = client.post(SUBMIT, api_payload(), content_type="application/json").json()["receipt_code"]
    report_message_add(
        report=Report.objects.get(), body="Kami sedang menangani.", files=[jpeg_upload()], acting_user=officer
    )
    url, kwargs = (STATUS, {"content_type": "application/json"}) if path == "api" else (reverse("reports:status"), {})

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"receipt_code": code}, **kwargs)

    assert response.status_code == 200
    assert "Kami sedang menangani." in response.content.decode()
    report_reads = [q["sql"] for q in queries.captured_queries if 'FROM "reports_report"' in q["sql"]]
    assert len(report_reads) == 1
    for column in ("narrative", "child_name", "address_detail", "reporter_contact", "kelurahan_id"):
        assert f'"reports_report"."{column}"' not in report_reads[0]
    # the report, then its messages with their files counted: nothing loaded afterwards
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 2
    if path == "api":
        assert response.json()["messages"][0]["attachments"] == 1
    else:
        assert "1 berkas terlampir" in response.content.decode()


@pytest.mark.parametrize("payload", [{"receipt_code": "0000000000000000"}, {"receipt_code": "x"}, {}])
def test_a_wrong_code_is_the_same_404_whatever_the_reason(client, payload):
    client.post(SUBMIT, api_payload(), content_type="application/json")

    status = client.post(STATUS, payload, content_type="application/json")
    message = client.post(MESSAGES, {**payload, "body": "halo"}, content_type="application/json")

    for response in (status, message):
        assert response.status_code == 404
        assert response.json() == {"detail": "Tidak ada laporan dengan kode ini.", "code": "not_found"}


def test_guessing_codes_is_limited_with_429(client, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "2/15m"
    for _ in range(2):
        client.post(STATUS, {"receipt_code": "1111111111111111"}, content_type="application/json")

    response = client.post(STATUS, {"receipt_code": "1111111111111111"}, content_type="application/json")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_submissions_are_limited_with_429(client, settings):
    settings.REPORT_SUBMIT_RATE_GLOBAL = "1/m"
    assert client.post(SUBMIT, api_payload(), content_type="application/json").status_code == 201

    response = client.post(SUBMIT, api_payload(), content_type="application/json", REMOTE_ADDR="192.0.2.55")

    assert response.status_code == 429
    assert Report.objects.count() == 1


def test_the_schema_and_docs_are_served_without_any_other_host(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    text = schema.content.decode()
    for operation in ("report_submit", "report_status", "report_message_add"):
        assert operation in text
    html = docs.content.decode()
    assert docs.status_code == 200
    for address in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert address.startswith("/"), address
