"""seed_demo's complaints recorded by staff (issue 17): a walk-in accepted at once, a SAPA 129
hand-over and a police referral with its letter, recorded through triage.services.report_intake
as an officer would, once."""

import io

import pytest
from django.core.management import call_command

from cases.models import Case, CaseReport
from core.encrypted_files import read_decrypted
from core.models import AuditEvent
from reports.audit import ReportAction
from reports.choices import INTAKE_CHANNELS, Channel, Status
from reports.models import Report
from triage.demo import seed_demo_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def staff_recorded():
    return Report.objects.filter(channel__in=INTAKE_CHANNELS).order_by("pk")


def test_it_records_a_walk_in_a_sapa_129_call_and_a_police_referral(seeded):
    reports = {report.channel: report for report in staff_recorded()}

    assert set(reports) == {Channel.WALK_IN, Channel.SAPA_129, Channel.REFERRAL}
    assert {report.submitted_by.username for report in reports.values()} == {"petugas"}
    assert all(report.narrative.startswith("[CONTOH FIKTIF]") for report in reports.values())
    assert "Staff intake: 3" in seeded or "Pengaduan yang dicatat petugas: 3" in seeded


def test_the_walk_in_is_accepted_into_a_case_in_the_same_step(seeded):
    walk_in = Report.objects.get(channel=Channel.WALK_IN)
    case = CaseReport.objects.get(report=walk_in).case

    assert walk_in.status == Status.ACCEPTED and walk_in.acknowledged_by.username == "petugas"
    assert case.assigned_officer.username == "petugas"
    assert walk_in.reporter_name and walk_in.contact_consent
    actions = set(
        AuditEvent.objects.filter(target_type="reports.report", target_id=str(walk_in.pk)).values_list(
            "action", flat=True
        )
    )
    assert {ReportAction.SUBMITTED, ReportAction.ACKNOWLEDGED, ReportAction.ACCEPTED} <= actions


def test_the_referral_has_its_agency_letter_and_attached_pdf_and_waits_in_the_inbox(seeded):
    referral = Report.objects.get(channel=Channel.REFERRAL)
    sapa = Report.objects.get(channel=Channel.SAPA_129)
    letter = referral.attachments.get()

    assert (referral.source_agency, referral.source_agency_name) == ("police", "Unit PPA Polresta Balikpapan")
    assert referral.source_letter_number and referral.source_letter_date and referral.source_contact_person
    assert letter.kind == "pdf" and read_decrypted(letter.stored_name).startswith(b"%PDF-")
    assert referral.status == Status.NEW and sapa.status == Status.NEW
    assert not sapa.source_agency and not sapa.attachments.exists()


def test_running_it_again_adds_nothing(seeded, settings):
    before = (Report.objects.count(), Case.objects.count(), list(staff_recorded().values_list("pk", flat=True)))
    out = io.StringIO()

    call_command("seed_demo", force=True, stdout=out)

    assert (Report.objects.count(), Case.objects.count(), list(staff_recorded().values_list("pk", flat=True))) == (
        before
    )
    assert seed_demo_intake() == 0
