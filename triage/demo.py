"""A realistic caseload for the demo (seed_demo): some of the fictional reports triaged, the
others accepted into cases that stand in every step of the case lifecycle."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases import services
from cases.choices import ClosureReason, ServiceStatus
from cases.models import Case, Provider
from reports.choices import Status
from reports.models import Report
from reports.services import report_message_add

from .services import report_accept, report_acknowledge, report_reject

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
            case=case, approve=True, comment="", expected_version=case.version, acting_user=supervisor
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
