from datetime import timedelta

from django.utils import timezone

from cases.choices import ConsentItem, ProviderKind
from cases.models import CasePlan, Provider
from cases.referrals import ReferralInput
from cases.services import FollowUpInput, ServiceInput
from reports.choices import Channel
from reports.services import report_submit
from tests.reporting import report_input


def new_report(**overrides):
    return report_submit(data=report_input(**overrides), channel=Channel.WEB, acting_user=None).report


def provider(name="RSUD Kanujoso Djatiwibowo", kind=ProviderKind.HOSPITAL):
    return Provider.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def service_input(**overrides) -> ServiceInput:
    fields = {"service_type": "kesehatan", "provider": provider(), "planned_on": timezone.localdate()}
    fields.update(overrides)
    return ServiceInput(**fields)


def follow_up_input(**overrides) -> FollowUpInput:
    fields = {
        "visited_on": timezone.localdate(),
        "safety": 3,
        "physical_health": 3,
        "emotional_wellbeing": 2,
        "schooling": 3,
        "family_support": 2,
        "next_follow_up_on": timezone.localdate() + timedelta(days=14),
    }
    fields.update(overrides)
    return FollowUpInput(**fields)


def plan_approved(case, *, officer, supervisor, domain="safety"):
    """A case plan with one goal, submitted by `officer` and approved by `supervisor`: what a case
    needs before it moves from the case plan to services (cases.plans)."""
    from cases import plans

    plans.plan_goal_add(
        case=case,
        data=plans.GoalInput(
            domain=domain,
            goal="Anak merasa aman di rumah",
            target_on=timezone.localdate() + timedelta(days=30),
            responsible_officer=officer,
        ),
        acting_user=officer,
    )
    version = CasePlan.objects.get(case=case).version
    plan = plans.plan_submit(case=case, expected_version=version, acting_user=officer)
    return plans.plan_decide(case=case, approve=True, expected_version=plan.version, acting_user=supervisor)


def referral_input(**overrides) -> ReferralInput:
    fields = {
        "provider": provider("RS Bhayangkara Balikpapan"),
        "request": "Pemeriksaan kesehatan dan visum.",
        "consent_items": [ConsentItem.CHILD_IDENTITY, ConsentItem.HEALTH],
        "consent_given_by": "Ibu kandung",
        "letter_number": "400.2/001/UPTD-PPA/2026",
        "sent_on": timezone.localdate(),
    }
    fields.update(overrides)
    return ReferralInput(**fields)
