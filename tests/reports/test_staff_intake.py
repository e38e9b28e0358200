"""Staff intake ("Catat pengaduan", issue 17): a complaint recorded by an officer or supervisor
from any door, through reports.services.report_submit like every report."""

import re
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from alerts.models import Alert
from cases.models import Case
from core.errors import DomainError
from core.models import AuditEvent
from reports.audit import ReportAction
from reports.choices import INTAKE_CHANNELS, Channel, Priority, Status
from reports.models import Report
from reports.selectors import report_by_receipt_code
from reports.services import IntakeInput, report_submit
from tests.conftest import login_as
from tests.factories import UserFactory
from tests.reporting import pdf_upload, report_input, report_post_data
from triage.services import report_accept, report_intake

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:intake")
API = reverse("api-report-intake")
REFERRAL = {
    "source_agency": "police",
    "source_agency_name": "Unit PPA Polresta Balikpapan",
    "source_letter_number": "B/123/XI/2026/Reskrim",
    "source_letter_date": date(2026, 11, 2),
    "source_contact_person": "Bripka Sari Wulandari",
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def intake_input(**overrides) -> IntakeInput:
    fields = {
        **vars(report_input(reporter_relation="other")),
        "reporter_role": "parent",
        "reporter_name": "Ibu Ratna Dewi",
        "reporter_contact": "0812 5555 1234",
        "contact_consent": True,
        "contact_consent_note": "Boleh ditelepon sore hari",
    }
    fields.update(overrides)
    return IntakeInput(**fields)


def page_data(**overrides) -> dict:
    data = report_post_data(
        channel="walk_in",
        reporter_role="parent",
        reporter_name="Ibu Ratna Dewi",
        reporter_contact="0812 5555 1234",
        contact_consent="on",
        reporter_relation=None,
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- the service ----------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [c for c in INTAKE_CHANNELS if c != Channel.REFERRAL])
def test_it_records_a_complaint_from_each_staff_channel(officer, channel):
    report = report_submit(data=intake_input(), channel=channel, acting_user=officer).report

    assert report.channel == channel and report.submitted_by == officer
    assert report.reporter_role == "parent" and report.reporter_relation == "family"
    assert report.status == Status.NEW


def test_a_referral_records_its_agency_and_letter(officer):
    report = report_submit(data=intake_input(**REFERRAL), channel=Channel.REFERRAL, acting_user=officer).report

    assert report.source_agency == "police" and report.source_letter_number == "B/123/XI/2026/Reskrim"
    assert report.source_letter_date == date(2026, 11, 2)
    assert report.source_contact_person == "Bripka Sari Wulandari"


@pytest.mark.parametrize("missing", ["source_agency", "source_letter_number", "source_letter_date"])
def test_a_referral_needs_its_agency_letter_number_and_date(officer, missing):
    fields = {**REFERRAL, missing: None if missing == "source_letter_date" else ""}

    with pytest.raises(DomainError) as refused:
        report_submit(data=intake_input(**fields), channel=Channel.REFERRAL, acting_user=officer)

    assert refused.value.field == missing
    assert not Report.objects.exists()


def test_a_letter_belongs_to_a_referral_only(officer):
    with pytest.raises(DomainError) as refused:
        report_submit(data=intake_input(**REFERRAL), channel=Channel.WALK_IN, acting_user=officer)

    assert refused.value.field == "source_agency"


def test_identities_are_encrypted_in_the_database(officer):
    report = report_submit(data=intake_input(**REFERRAL), channel=Channel.REFERRAL, acting_user=officer).report

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_contact, contact_consent_note, source_contact_person"
            " FROM reports_report WHERE id = %s",
            [report.pk],
        )
        raw = " ".join(cursor.fetchone())
    for secret in ("Ratna", "5555", "sore", "Wulandari"):
        assert secret not in raw


def test_priority_deadline_and_alert_are_those_of_a_public_report(officer, supervisor):
    public = report_submit(data=report_input(danger_now="yes"), channel=Channel.WEB, acting_user=None).report
    staff = report_submit(data=intake_input(danger_now="yes"), channel=Channel.PHONE, acting_user=officer).report

    assert staff.priority == public.priority == Priority.DARURAT
    assert round((staff.acknowledge_due_at - staff.received_at).total_seconds() / 60) == 60
    assert round((public.acknowledge_due_at - public.received_at).total_seconds() / 60) == 60
    assert Alert.objects.filter(report=staff).exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.HEAD, Role.ADMIN, None])
def test_only_officers_and_supervisors_record_complaints(role):
    user = UserFactory(role=role) if role else None

    with pytest.raises(DomainError):
        report_submit(data=intake_input(), channel=Channel.WALK_IN, acting_user=user)

    assert not Report.objects.exists()


def test_the_public_doors_take_no_intake_details(officer):
    with pytest.raises(DomainError):
        report_submit(data=intake_input(), channel=Channel.WEB, acting_user=None)
    with pytest.raises(DomainError):
        report_submit(data=report_input(), channel=Channel.WALK_IN, acting_user=officer)


def test_accepting_in_the_same_step_audits_both(officer):
    recorded = report_intake(data=intake_input(), channel=Channel.WALK_IN, acting_user=officer, accept=True)

    report = recorded.submitted.report
    assert report.status == Status.ACCEPTED and recorded.case.assigned_officer == officer
    actions = list(AuditEvent.objects.filter(target_id=str(report.pk)).values_list("action", flat=True))
    assert {ReportAction.SUBMITTED, ReportAction.ACKNOWLEDGED, ReportAction.ACCEPTED} <= set(actions)


def test_a_failed_acceptance_records_nothing(supervisor, head, settings):
    # The head of agency takes no case: naming them fails the acceptance, and so the whole intake.
    with pytest.raises(DomainError):
        report_intake(
            data=intake_input(),
            channel=Channel.WALK_IN,
            files=[pdf_upload()],
            acting_user=supervisor,
            accept=True,
            officer=head,
        )

    assert not Report.objects.exists() and not Case.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


# --- the page -------------------------------------------------------------------------------------


def test_an_officer_records_a_walk_in_and_accepts_it_in_one_step(client, officer):
    login_as(client, officer)
    response = client.post(PAGE, page_data(accept="on"))

    case = Case.objects.get()
    report = Report.objects.get()
    assert response.status_code == 200
    assert report.channel == Channel.WALK_IN and report.status == Status.ACCEPTED
    recorded = response.text
    assert reverse("cases:detail", args=[case.uuid]) in recorded and case.reference in recorded
    # The reporter's code is shown this once, to be handed over, and works on the status page.
    code = re.search(r'class="receipt-code"[^>]*>(\d[\d ]+)<', recorded).group(1)
    assert report_by_receipt_code(code).pk == report.pk
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("cases:detail", args=[case.uuid])).text
    assert "Datang langsung" in page or "Walk-in" in page


def test_a_police_referral_with_its_letter_goes_through_triage_to_a_case(client, officer):
    login_as(client, officer)
    referral = {**REFERRAL, "source_letter_date": "2026-11-02"}
    response = client.post(PAGE, page_data(channel="referral", attachments=pdf_upload(), **referral))

    report = Report.objects.get()
    assert response.status_code == 200 and reverse("triage:report", args=[report.uuid]) in response.text
    assert report.attachments.get().kind == "pdf" and report.status == Status.NEW
    inbox = client.get(reverse("triage:inbox")).text
    assert report.reference in inbox and "Polisi" in inbox
    detail = client.get(reverse("triage:report", args=[report.uuid])).text
    assert "B/123/XI/2026/Reskrim" in detail and "Bripka Sari Wulandari" in detail and "Ibu Ratna Dewi" in detail

    case = report_accept(report=report, acting_user=officer)
    assert case.case_reports.get().report == report


def test_the_page_says_what_a_referral_lacks(client, officer):
    login_as(client, officer)
    response = client.post(PAGE, page_data(channel="referral"))

    assert response.status_code == 400
    assert "nomor surat" in response.text.lower() or "letter" in response.text.lower()
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "head", "sysadmin"])
def test_others_may_not_open_the_page(client, request, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(PAGE).status_code in (403, 404)
    assert client.post(PAGE, page_data()).status_code in (403, 404)
    assert not Report.objects.exists()


# --- the API --------------------------------------------------------------------------------------


def api_payload(**overrides):
    data = page_data(kelurahan="Gunung Samarinda", contact_consent=True)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_api_records_a_complaint_and_accepts_it(client, officer):
    login_as(client, officer)
    response = client.post(API, api_payload(accept=True), content_type="application/json")

    body = response.json()
    assert response.status_code == 201, body
    assert body["channel"] == "walk_in" and body["status"] == "accepted" and body["case"].startswith("BPN-")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "web"}, "channel"),
        ({"reporter_role": "alien"}, "reporter_role"),
        ({"channel": "referral"}, "source_agency"),
        (
            {"channel": "referral", "source_agency": "police", "source_letter_date": "2026-11-02"},
            "source_letter_number",
        ),
        ({"narrative": "pendek"}, "narrative"),
        ({"reporter_contact": "0812", "contact_consent": False}, "contact_consent"),
    ],
)
def test_the_api_names_the_field_it_refuses(client, officer, overrides, field):
    login_as(client, officer)
    response = client.post(API, api_payload(**overrides), content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "head", "sysadmin"])
def test_the_api_refuses_others(client, request, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.post(API, api_payload(), content_type="application/json").status_code == 403
    assert not Report.objects.exists()


def test_the_api_refuses_a_visitor(client):
    assert client.post(API, api_payload(), content_type="application/json").status_code == 403


# --- who sees what ----------------------------------------------------------------------------------


def test_the_head_sees_channels_and_counts_never_identities(client, officer, head):
    recorded = report_intake(data=intake_input(**REFERRAL), channel=Channel.REFERRAL, acting_user=officer, accept=True)
    login_as(client, head)

    dashboard = client.get(reverse("dashboard_staff:index")).text
    assert 'id="dash-channel"' in dashboard
    case_page = client.get(reverse("cases:detail", args=[recorded.case.uuid])).text
    assert recorded.submitted.report.reference in case_page
    for page in (dashboard, case_page):
        for secret in ("Ratna", "5555", "Wulandari", "sore hari"):
            assert secret not in page
    assert client.get(reverse("triage:report", args=[recorded.submitted.report.uuid])).status_code in (403, 404)
