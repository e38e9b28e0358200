"""The DPO's pages: the registers and the audit trail; the head of agency reads the registers without
their free text; nobody else gets in; forms say every mistake per field; lists keep a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_log
from core.models import AuditEvent
from privacy.audit import PrivacyAction
from privacy.choices import RequestStatus
from privacy.models import Breach, DataSubjectRequest
from privacy.services import breach_record, subject_request_record
from tests.cases_data import new_report
from tests.conftest import login_as
from triage.services import report_accept

from .data import BREACH_TEXT, REQUESTER_TEXT, breach_input, subject_request_input

pytestmark = pytest.mark.django_db

REQUESTS, BREACHES, AUDIT = "/staf/privasi/permintaan/", "/staf/privasi/insiden/", "/staf/privasi/audit/"


def test_the_urls_are_the_documented_ones():
    assert reverse("privacy:requests") == REQUESTS
    assert reverse("privacy:breaches") == BREACHES
    assert reverse("privacy:audit") == AUDIT


def test_the_dpo_lands_on_the_requests_and_reads_registers_and_audit_but_never_a_case(client, dpo, officer):
    case = report_accept(report=new_report(child_name="Melati Rahasia"), acting_user=officer)
    login_as(client, dpo)

    assert client.get("/staf/")["Location"] == REQUESTS
    for url in (REQUESTS, BREACHES, AUDIT):
        assert client.get(url).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 403
    assert client.get(reverse("triage:inbox")).status_code == 403
    assert client.get(reverse("dashboard_staff:index")).status_code == 403


def test_the_audit_list_shows_who_what_and_which_record_never_the_details(client, dpo, officer):
    audit_log(actor=officer, action="cases.note_added", target=dpo, data={"secret": "Melati Rahasia"})
    login_as(client, dpo)

    page = client.get(AUDIT).text

    assert "cases.note_added" in page and f"accounts.user #{dpo.pk}" in page
    assert (officer.get_full_name() or officer.username) in page
    assert "Melati" not in page and "secret" not in page
    only_privacy = client.get(AUDIT, {"app": "privacy"}).text
    assert "cases.note_added" not in only_privacy


def test_the_head_reads_the_registers_without_their_free_text(client, dpo, head):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)
    breach = breach_record(data=breach_input(), acting_user=dpo)
    login_as(client, head)

    pages = [
        client.get(REQUESTS),
        client.get(BREACHES),
        client.get(reverse("privacy:request", args=[entry.uuid])),
        client.get(reverse("privacy:breach", args=[breach.uuid])),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert entry.reference in pages[0].text and breach.reference in pages[1].text
    for page in pages:
        assert "Sulastri" not in page.text and "Melati" not in page.text
    assert client.get(reverse("privacy:request_create")).status_code == 403
    assert client.post(reverse("privacy:breach_close", args=[breach.uuid])).status_code == 403
    assert client.get(AUDIT).status_code == 403
    assert not AuditEvent.objects.filter(action=PrivacyAction.VIEWED).exists()


def test_the_dpo_reads_the_text_and_each_reading_is_audited(client, dpo):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)
    breach = breach_record(data=breach_input(), acting_user=dpo)
    login_as(client, dpo)

    assert REQUESTER_TEXT in client.get(reverse("privacy:request", args=[entry.uuid])).text
    assert BREACH_TEXT in client.get(reverse("privacy:breach", args=[breach.uuid])).text
    viewed = AuditEvent.objects.filter(action=PrivacyAction.VIEWED, actor=dpo)
    assert sorted(viewed.values_list("target_type", flat=True)) == ["privacy.breach", "privacy.datasubjectrequest"]


def test_the_dpo_records_a_request_and_a_breach_from_the_forms(client, dpo, head):
    login_as(client, dpo)
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        reverse("privacy:request_create"),
        {"kind": "akses", "received_at": when, "channel": "email", "description": REQUESTER_TEXT},
    )
    entry = DataSubjectRequest.objects.get()
    assert response["Location"] == reverse("privacy:request", args=[entry.uuid])

    response = client.post(
        reverse("privacy:breach_create"),
        {"discovered_at": when, "what_happened": BREACH_TEXT, "data_categories": ["kontak"], "subjects_estimate": "4"},
    )
    breach = Breach.objects.get()
    assert response["Location"] == reverse("privacy:breach", args=[breach.uuid])
    assert breach.alerts.get().deliveries.filter(recipient=head).exists()

    client.post(reverse("privacy:request_update", args=[entry.uuid]), {"status": "diproses"})
    entry.refresh_from_db()
    assert entry.status == RequestStatus.IN_PROGRESS


def test_bad_input_is_told_per_field_in_indonesian_and_nothing_is_saved(client, dpo):
    login_as(client, dpo)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    request_page = client.post(
        reverse("privacy:request_create"),
        {"kind": "lupa", "received_at": future, "channel": "", "description": " "},
    )
    breach_page = client.post(
        reverse("privacy:breach_create"),
        {"discovered_at": future, "what_happened": "", "subjects_estimate": "0"},
    )

    assert request_page.status_code == 400 and breach_page.status_code == 400
    form = request_page.context["form"]
    assert set(form.errors) == {"kind", "received_at", "channel", "description"}
    assert form.errors["received_at"] == ["Waktu ini belum terjadi."]
    assert set(breach_page.context["form"].errors) == {
        "discovered_at",
        "what_happened",
        "data_categories",
        "subjects_estimate",
    }
    assert "Waktu ini belum terjadi." in request_page.text
    assert not DataSubjectRequest.objects.exists() and not Breach.objects.exists()


def test_a_refusal_without_a_reason_is_told_next_to_the_decision(client, dpo):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)
    login_as(client, dpo)

    response = client.post(reverse("privacy:request_update", args=[entry.uuid]), {"status": "ditolak"})

    assert response.status_code == 400
    assert "decision_note" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.status == RequestStatus.RECEIVED


def test_closing_a_breach_too_early_says_why(client, dpo):
    breach = breach_record(data=breach_input(), acting_user=dpo)
    login_as(client, dpo)

    response = client.post(reverse("privacy:breach_close", args=[breach.uuid]))

    assert response.status_code == 400 and "Catat dulu" in response.text


def test_the_lists_put_overdue_first_and_say_when_empty(client, dpo, head):
    login_as(client, dpo)
    assert "Belum ada permintaan" in client.get(REQUESTS).text
    assert "Belum ada kegagalan" in client.get(BREACHES).text
    fresh = subject_request_record(data=subject_request_input(), acting_user=dpo)
    late = subject_request_record(
        data=subject_request_input(received_at=timezone.now() - timedelta(hours=80)), acting_user=dpo
    )

    page = client.get(REQUESTS).text

    assert page.index(late.reference) < page.index(fresh.reference)
    assert "Terlambat" in page
    assert fresh.reference not in client.get(REQUESTS, {"status": "selesai"}).text


@pytest.mark.parametrize("url", [REQUESTS, BREACHES, AUDIT])
def test_the_lists_keep_a_fixed_number_of_queries(client, dpo, url, django_assert_max_num_queries):
    for _ in range(30):
        subject_request_record(data=subject_request_input(), acting_user=dpo)
        breach_record(data=breach_input(), acting_user=dpo)
    login_as(client, dpo)
    client.get(url)  # the session and the menu warm up

    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "Sulastri" not in response.text and "Melati" not in response.text
