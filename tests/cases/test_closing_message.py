"""The closing message (issue 17): asking for or approving a case's closure may carry a message to
the reporter(s). The officer's is held with the request; on approval the supervisor's (or else the
officer's) is written as a staff message on each of the case's reports in the same transaction,
and a send-back drops it. The reporter's status page and status API show it as the closing message."""

import pytest
from django.conf import settings
from django.urls import reverse

from cases import services as cs
from cases.choices import RECOVERY_DIMENSIONS, SCORE_MAX, CaseStatus
from cases.models import Case
from core.errors import DomainError
from core.models import AuditEvent
from reports.choices import AuthorKind, Channel
from reports.models import ReportMessage
from reports.services import report_submit
from tests.cases_data import follow_up_input
from tests.conftest import login_as
from tests.reporting import report_input
from triage import services as ts

pytestmark = pytest.mark.django_db

CLOSING = "Terima kasih sudah melapor. Kami selesai mendampingi; tulis lagi kapan saja."


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def reported(officer):
    """A case in monitoring with one follow-up, holding two reports (two reporters): their codes."""
    first = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    second = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    case = ts.report_accept(report=first.report, acting_user=officer)
    ts.report_accept(report=second.report, case=case, acting_user=officer)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MONITORING)
    case.refresh_from_db()
    # A child doing well: nothing for the supervisor to justify when closing.
    well = dict.fromkeys(RECOVERY_DIMENSIONS, SCORE_MAX)
    cs.follow_up_record(case=case, data=follow_up_input(**well), acting_user=officer)
    case.refresh_from_db()
    return case, [first, second]


def closing_messages(case) -> list[tuple[int, str, str]]:
    messages = ReportMessage.objects.filter(report__case_link__case=case, author_kind=AuthorKind.STAFF)
    return sorted((m.report_id, m.body, m.author.username) for m in messages.select_related("author"))


def requested(case, officer) -> Case:
    return cs.case_request_closure(case=case, reason="goals_met", expected_version=case.version, acting_user=officer)


def status_api(client, code) -> dict:
    return client.post(reverse("api-report-status"), {"receipt_code": code}, content_type="application/json").json()


def status_page(client, code) -> str:
    return client.post(reverse("reports:status"), {"receipt_code": code}).content.decode()


# --- the services -------------------------------------------------------------------------------------


def test_approving_with_a_closing_message_writes_it_on_every_report_of_the_case(officer, supervisor, reported):
    case, submitted = reported
    case = requested(case, officer)
    cs.case_decide_closure(
        case=case, approve=True, closing_message=f"  {CLOSING} ", expected_version=case.version, acting_user=supervisor
    )

    assert closing_messages(case) == sorted((s.report.pk, CLOSING, "koordinator") for s in submitted)
    approved = AuditEvent.objects.get(action="cases.closure_approved")
    assert approved.data["closing_message_to"] == 2
    assert AuditEvent.objects.filter(action="reports.message_added", actor=supervisor).count() == 2


def test_an_officer_asking_for_closure_may_write_the_closing_message_sent_on_approval(officer, supervisor, reported):
    case, submitted = reported
    case = cs.case_request_closure(
        case=case, reason="goals_met", closing_message=CLOSING, expected_version=case.version, acting_user=officer
    )
    assert closing_messages(case) == [], "nothing reaches the reporter before a supervisor approves"
    assert AuditEvent.objects.get(action="cases.closure_requested").data["closing_message"] is True

    cs.case_decide_closure(case=case, approve=True, expected_version=case.version, acting_user=supervisor)

    # Sent in the supervisor's name, who approved it: the officer's words, once per report.
    assert closing_messages(case) == sorted((s.report.pk, CLOSING, "koordinator") for s in submitted)
    assert AuditEvent.objects.get(action="cases.closure_approved").data["closing_message_to"] == 2


def test_the_supervisors_closing_message_replaces_the_officers(officer, supervisor, reported):
    case, submitted = reported
    case = cs.case_request_closure(
        case=case,
        reason="goals_met",
        closing_message="Draf petugas",
        expected_version=case.version,
        acting_user=officer,
    )
    cs.case_decide_closure(
        case=case, approve=True, closing_message=CLOSING, expected_version=case.version, acting_user=supervisor
    )

    assert closing_messages(case) == sorted((s.report.pk, CLOSING, "koordinator") for s in submitted)


def test_sending_back_drops_the_officers_closing_message(officer, supervisor, reported):
    case, _submitted = reported
    case = cs.case_request_closure(
        case=case, reason="goals_met", closing_message=CLOSING, expected_version=case.version, acting_user=officer
    )
    cs.case_decide_closure(
        case=case, approve=False, comment="Belum aman", expected_version=case.version, acting_user=supervisor
    )

    assert closing_messages(case) == []
    assert Case.objects.get(pk=case.pk).closing_message == ""


def test_without_a_closing_message_nothing_is_written(officer, supervisor, reported):
    case, _submitted = reported
    case = requested(case, officer)
    cs.case_decide_closure(
        case=case, approve=True, closing_message="  ", expected_version=case.version, acting_user=supervisor
    )

    assert closing_messages(case) == []


def test_a_closure_sent_back_carries_no_closing_message(officer, supervisor, reported):
    case, _submitted = reported
    case = requested(case, officer)
    with pytest.raises(DomainError) as error:
        cs.case_decide_closure(
            case=case,
            approve=False,
            comment="Belum aman",
            closing_message=CLOSING,
            expected_version=case.version,
            acting_user=supervisor,
        )

    assert error.value.field == "closing_message"
    assert closing_messages(case) == [] and Case.objects.get(pk=case.pk).status == CaseStatus.CLOSURE_REQUESTED


def test_a_refused_closure_sends_nothing(officer, supervisor, reported):
    case, _submitted = reported
    case = requested(case, officer)
    with pytest.raises(DomainError):  # a stale version: the whole decision is rolled back
        cs.case_decide_closure(
            case=case, approve=True, closing_message=CLOSING, expected_version=case.version - 1, acting_user=supervisor
        )
    with pytest.raises(DomainError):  # an officer does not decide
        cs.case_decide_closure(
            case=case, approve=True, closing_message=CLOSING, expected_version=case.version, acting_user=officer
        )

    assert closing_messages(case) == []


def test_a_too_long_closing_message_closes_nothing(officer, supervisor, reported):
    case, _submitted = reported
    case = requested(case, officer)
    with pytest.raises(DomainError):
        cs.case_decide_closure(
            case=case, approve=True, closing_message="x" * 3001, expected_version=case.version, acting_user=supervisor
        )

    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSURE_REQUESTED and closing_messages(case) == []


# --- the page and the API -------------------------------------------------------------------------------


def test_the_page_prompts_for_it_and_the_reporter_reads_it_as_the_closing_message(
    client, officer, supervisor, reported
):
    case, submitted = reported
    detail = reverse("cases:detail", args=[case.uuid])
    login_as(client, officer)
    assert 'name="closure-closing_message"' in client.get(detail).content.decode()
    requested(case, officer)

    login_as(client, supervisor)
    page = client.get(detail).content.decode()
    assert 'name="decision-closing_message"' in page and "Closing message to the reporter" in page
    response = client.post(
        reverse("cases:decide_closure", args=[case.uuid]),
        {
            "decision-decision": "approve",
            "decision-comment": "",
            "decision-closing_message": CLOSING,
            "decision-version": str(Case.objects.get(pk=case.pk).version),
        },
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert "closing message sent to the reporter" in client.get(detail).content.decode()
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for each in submitted:
        html = status_page(client, each.receipt_code)
        closing = html[html.index('class="chat chat-staff"') :]
        assert "last message" in closing[:200] and CLOSING in closing[:300]
        body = status_api(client, each.receipt_code)
        assert body["status"] == "closed" and body["closing_message"]["body"] == CLOSING


def test_the_page_refuses_a_closing_message_with_a_send_back(client, officer, supervisor, reported):
    case, _submitted = reported
    requested(case, officer)
    login_as(client, supervisor)
    response = client.post(
        reverse("cases:decide_closure", args=[case.uuid]),
        {
            "decision-decision": "send_back",
            "decision-comment": "Belum aman",
            "decision-closing_message": CLOSING,
            "decision-version": str(Case.objects.get(pk=case.pk).version),
        },
    )

    assert response.status_code == 400
    assert "A closing message goes to the reporter only when the case is closed." in response.content.decode()
    assert closing_messages(case) == []


def test_the_api_carries_it_at_request_and_at_approval(client, officer, supervisor, reported):
    case, submitted = reported
    url = reverse("api-case-transitions", args=[case.uuid])
    login_as(client, officer)
    asked = client.post(
        url,
        {
            "action": "request_closure",
            "reason": "goals_met",
            "closing_message": "Kami akan menutup kasus.",
            "version": case.version,
        },
        content_type="application/json",
    )
    assert asked.status_code == 200, asked.json()

    login_as(client, supervisor)
    closed = client.post(
        url,
        {"action": "approve_closure", "closing_message": CLOSING, "version": asked.json()["version"]},
        content_type="application/json",
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    sent_back = client.post(
        url,
        {"action": "send_back", "comment": "x", "closing_message": CLOSING, "version": 1},
        content_type="application/json",
    )
    assert sent_back.status_code == 400

    client.logout()
    for each in submitted:
        body = status_api(client, each.receipt_code)
        assert body["closing_message"]["body"] == CLOSING
        # The supervisor's message replaced the officer's: one closing message reaches the reporter.
        assert [m["body"] for m in body["messages"]] == [CLOSING]


def test_the_schema_documents_it(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]
    assert "closing_message" in schema["CaseTransitionInput"]["properties"]


def test_a_transfer_is_not_asked_for_as_a_closure_reason(client, officer, reported):
    case, _submitted = reported
    with pytest.raises(DomainError) as error:
        cs.case_request_closure(case=case, reason="transferred", expected_version=case.version, acting_user=officer)

    assert error.value.field == "reason"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MONITORING
    login_as(client, officer)
    page = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert 'value="goals_met"' in page and 'value="transferred"' not in page
