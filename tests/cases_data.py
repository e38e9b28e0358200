from datetime import timedelta

from django.utils import timezone

from cases.choices import ProviderKind
from cases.models import Provider
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
