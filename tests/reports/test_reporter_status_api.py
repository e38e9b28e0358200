"""POST /api/v1/reports/status/ says what the status page says (issue 17): one source of wording,
reports.wording.reporter_status, as a code and text in the reporter's language, with the
officer's closing message and what to do if it happens again."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, ClosureReason
from cases.models import Case
from reports.choices import Channel, RejectionReason
from reports.services import report_message_add, report_submit
from reports.wording import REPORTER_STATUS_KEYS
from tests.reporting import report_input
from triage import services as ts

pytestmark = pytest.mark.django_db

API = reverse("api-report-status")
PAGE = reverse("reports:status")
CLOSING = "Kasus ini kami tutup. Hubungi kami kapan saja."


@pytest.fixture
def submitted():
    return report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)


def ask(client, code, language="id") -> dict:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(API, {"receipt_code": code}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def page(client, code, language="id") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(PAGE, {"receipt_code": code}).content.decode()


def close(case):
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now(), closure_reason=ClosureReason.GOALS_MET
    )


def assert_same_as_the_page(client, code, body, language):
    html = page(client, code, language)
    assert f"status-{body['status']}" in html
    assert body["status_label"] in html and body["status_text"] in html and body["if_it_happens_again"] in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_follows_the_report_and_its_case_as_the_page_does(client, officer, submitted, language):
    code, report = submitted.receipt_code, submitted.report
    steps = []

    steps.append(ask(client, code, language))
    ts.report_acknowledge(report=report, acting_user=officer)
    steps.append(ask(client, code, language))
    case = ts.report_accept(report=report, acting_user=officer)
    steps.append(ask(client, code, language))
    report_message_add(report=report, body=CLOSING, acting_user=officer)
    close(case)
    steps.append(ask(client, code, language))

    assert [step["status"] for step in steps] == ["received", "in_progress", "case_open", "closed"]
    assert [step["closing_message"] for step in steps[:3]] == [None, None, None]
    closed = steps[-1]
    assert closed["closing_message"]["body"] == CLOSING and closed["closing_message"]["sender"] == "staff"
    assert_same_as_the_page(client, code, closed, language)
    if language == "en":
        assert [step["status_label"] for step in steps] == [
            "Received",
            "Being handled",
            "An officer is helping",
            "Finished",
        ]
        assert closed["if_it_happens_again"].startswith("If it happens again")
    else:
        assert closed["status_label"] != "Finished" and closed["if_it_happens_again"]


def test_a_report_rejected_outside_any_case_is_closed_without_a_closing_message(client, officer, submitted):
    ts.report_reject(report=submitted.report, reason=RejectionReason.SPAM, acting_user=officer)
    body = ask(client, submitted.receipt_code, "en")

    assert (body["status"], body["closing_message"]) == ("closed", None)
    assert_same_as_the_page(client, submitted.receipt_code, body, "en")


def test_a_reopened_case_is_open_again(client, officer, submitted):
    case = ts.report_accept(report=submitted.report, acting_user=officer)
    close(case)
    assert ask(client, submitted.receipt_code)["status"] == "closed"
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MONITORING, closed_at=None, closure_reason="")
    assert ask(client, submitted.receipt_code)["status"] == "case_open"


def test_the_schema_documents_the_codes(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]
    output = schema["ReportStatusOutput"]["properties"]

    assert schema["ReporterStatusEnum"]["enum"] == list(REPORTER_STATUS_KEYS)
    assert {"status", "status_label", "status_text", "closing_message", "if_it_happens_again"} <= set(output)
