"""A realistic caseload for the demo (seed_demo): some of the fictional reports triaged, the
others accepted into cases that stand in every step of the case lifecycle; and complaints
recorded by staff from the agency's other doors."""

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from areas.models import Kelurahan
from cases import plans, services
from cases.choices import ClosureReason, ServiceStatus
from cases.models import Case, CasePlan, Provider
from reports.choices import INTAKE_CHANNELS, Channel, Status
from reports.models import Report
from reports.services import IntakeInput, report_message_add

from .services import report_accept, report_acknowledge, report_intake, report_reject

# How far each demo case gets, in order: the caseload then holds every status.
STEPS = ["registered", "assessment", "case_plan", "services", "monitoring", "closure_requested", "closed"]


def _walk(case, target, *, officer, supervisor, rng):
    today = timezone.localdate()
    providers = list(Provider.objects.filter(active=True))
    if STEPS.index(target) >= 1:
        case = services.case_record_assessment(
            case=case,
            risk_level=rng.choice(["rendah", "sedang", "tinggi"]),
            needs="[CONTOH FIKTIF] Pendampingan psikologis dan pemeriksaan kesehatan.",
            expected_version=case.version,
            acting_user=officer,
        )
    if STEPS.index(target) >= 2:
        case = services.case_advance(case=case, expected_version=case.version, acting_user=officer)
    if target == "case_plan":  # a plan waiting for the supervisor: their landing panel shows it
        plans.plan_goal_add(
            case=case,
            data=plans.GoalInput(
                domain="safety",
                goal="[CONTOH FIKTIF] Anak tinggal di tempat yang aman.",
                target_on=today + timedelta(days=30),
                responsible_officer=officer,
            ),
            acting_user=officer,
        )
        plans.plan_submit(case=case, expected_version=CasePlan.objects.get(case=case).version, acting_user=officer)
    if STEPS.index(target) >= 3:
        service = services.service_plan(
            case=case,
            data=services.ServiceInput(
                service_type=rng.choice(["kesehatan", "pendampingan_korban", "rehabilitasi_sosial", "bantuan_hukum"]),
                provider=rng.choice(providers),
                planned_on=today - timedelta(days=rng.randint(5, 40)),
            ),
            acting_user=officer,
        )
        plans.plan_goal_add(
            case=case,
            data=plans.GoalInput(
                domain="emotional_wellbeing",
                goal="[CONTOH FIKTIF] Anak kembali tenang dan mau bersekolah.",
                target_on=today + timedelta(days=60),
                responsible_officer=officer,
                services=[service],
            ),
            acting_user=officer,
        )
        plan = plans.plan_submit(
            case=case, expected_version=CasePlan.objects.get(case=case).version, acting_user=officer
        )
        plans.plan_decide(case=case, approve=True, expected_version=plan.version, acting_user=supervisor)
        case = services.case_advance(case=case, expected_version=case.version, acting_user=officer)
    if STEPS.index(target) >= 4:
        services.service_update(
            service=service,
            data=services.ServiceInput(
                service_type=service.service_type,
                provider=service.provider,
                planned_on=service.planned_on,
                status=ServiceStatus.DONE,
                started_on=service.planned_on,
                completed_on=min(today, service.planned_on + timedelta(days=3)),
                consent_recorded=True,
                outcome="[CONTOH FIKTIF] Layanan selesai.",
            ),
            expected_version=service.version,
            acting_user=officer,
        )
        case = services.case_advance(case=case, expected_version=case.version, acting_user=officer)
        for weeks_ago, base in ((6, 2), (2, 3)):
            services.follow_up_record(
                case=case,
                data=services.FollowUpInput(
                    visited_on=today - timedelta(weeks=weeks_ago),
                    safety=base + (weeks_ago < 4),
                    physical_health=base,
                    emotional_wellbeing=max(1, base - 1) + (weeks_ago < 4),
                    schooling=base,
                    family_support=base,
                    notes="[CONTOH FIKTIF] Anak tampak lebih tenang.",
                    next_follow_up_on=today + timedelta(days=14),
                ),
                acting_user=officer,
            )
    if STEPS.index(target) >= 5:
        case = services.case_request_closure(
            case=case, reason=ClosureReason.SAFE_AND_STABLE, expected_version=case.version, acting_user=officer
        )
    if STEPS.index(target) >= 6:
        case = services.case_decide_closure(
            case=case,
            approve=True,
            comment="",
            justification="[CONTOH FIKTIF] Keluarga mendampingi anak; pemantauan oleh kader RT.",
            expected_version=case.version,
            acting_user=supervisor,
        )
    return case


def seed_demo_cases(*, seed: int = 2026) -> int:
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, reproducible on purpose
    officers = list(User.objects.filter(username__in=["petugas", "petugas2"]).order_by("username"))
    supervisor = User.objects.get(username="koordinator")
    reports = list(Report.objects.filter(status=Status.NEW).order_by("received_at", "pk"))
    created = 0
    for index, report in enumerate(reports):
        officer = officers[index % len(officers)]
        if index % 6 == 5:
            report_acknowledge(report=report, acting_user=officer)
            report_message_add(
                report=report, body="[CONTOH FIKTIF] Terima kasih, bisa ceritakan lebih lanjut?", acting_user=officer
            )
            continue
        if index % 8 == 7:
            report_reject(report=report, reason="no_violence", acting_user=officer)
            continue
        if index >= 16:
            continue  # left in the inbox, new
        case = report_accept(report=report, acting_user=officer)
        _walk(case, STEPS[created % len(STEPS)], officer=officer, supervisor=supervisor, rng=rng)
        created += 1
    return created


# --- complaints recorded by staff ---------------------------------------------------------------


def _demo_letter() -> SimpleUploadedFile:
    """A one-page PDF standing for a scanned referral letter (blank: the demo holds no real letter)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return SimpleUploadedFile("surat-rujukan-contoh.pdf", body, content_type="application/pdf")


def _intake(**fields) -> IntakeInput:
    today = timezone.localdate()
    defaults = {
        "violence_types": ["fisik"],
        "danger_now": "no",
        "injured": "no",
        "reporter_relation": "other",  # follows from reporter_role (IntakeInput)
        "occurred_on": today - timedelta(days=3),
        "place": "rumah_tangga",
        "child_sex": "P",
        "perpetrator_relation": "orang_tua",
        "perpetrator_lives_with_child": "yes",
    }
    return IntakeInput(**(defaults | fields))


def seed_demo_intake() -> int:
    """A walk-in accepted into a case in the same step, a SAPA 129 hand-over and a police referral
    with its letter, left in the inbox: through triage.services.report_intake as an officer records
    them. Nothing is added once a staff-recorded complaint exists."""
    if Report.objects.filter(channel__in=INTAKE_CHANNELS).exists():
        return 0
    officer = User.objects.get(username="petugas")
    kelurahan = {k.name: k for k in Kelurahan.objects.filter(name__in=["Gunung Samarinda", "Sepinggan", "Manggar"])}
    today = timezone.localdate()
    complaints = [
        (
            Channel.WALK_IN,
            _intake(
                narrative="[CONTOH FIKTIF] Seorang ibu datang ke kantor: anaknya dipukul ayah tirinya semalam.",
                kelurahan=kelurahan["Gunung Samarinda"],
                child_age=9,
                reporter_role="parent",
                reporter_name="Contoh Ibu Pelapor",
                reporter_contact="0812 0000 0001",
                contact_consent=True,
                contact_consent_note="[CONTOH FIKTIF] Boleh ditelepon sore hari.",
            ),
            [],
            True,
        ),
        (
            Channel.SAPA_129,
            _intake(
                narrative="[CONTOH FIKTIF] Pelimpahan SAPA 129: anak kecil ditinggal sendirian berhari-hari.",
                violence_types=["penelantaran"],
                danger_now="unknown",
                injured="unknown",
                kelurahan=kelurahan["Manggar"],
                child_age=5,
                child_sex="L",
                reporter_role="agency_staff",
            ),
            [],
            False,
        ),
        (
            Channel.REFERRAL,
            _intake(
                narrative="[CONTOH FIKTIF] Rujukan Unit PPA: anak korban kekerasan oleh tetangga, perlu pendampingan.",
                kelurahan=kelurahan["Sepinggan"],
                child_age=12,
                perpetrator_relation="tetangga",
                perpetrator_lives_with_child="no",
                reporter_role="police",
                source_agency="police",
                source_agency_name="Unit PPA Polresta Balikpapan",
                source_letter_number="B/000/XII/2026/CONTOH",
                source_letter_date=today - timedelta(days=1),
                source_contact_person="Contoh Petugas Unit PPA",
            ),
            [_demo_letter()],
            False,
        ),
    ]
    for channel, data, files, accept in complaints:
        report_intake(data=data, channel=channel, acting_user=officer, files=files, accept=accept)
    return len(complaints)
