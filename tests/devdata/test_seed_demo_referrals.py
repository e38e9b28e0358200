"""seed_demo's referrals (issue 18): a few more providers, referrals on the demo cases through the
services, one of them unanswered past REFERRAL_ANSWER_DAYS so that the hourly reminder raises it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Alert, AlertKind
from alerts.services import reminder_sweep
from cases.audit import CaseAction
from cases.choices import ReferralStatus
from cases.demo import DEMO_PROVIDERS, seed_demo_referrals
from cases.models import Provider, Referral
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def test_it_adds_providers_and_referrals_in_every_state_once(seeded):
    assert {name for name, _kind in DEMO_PROVIDERS} <= set(Provider.objects.values_list("name", flat=True))
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE} <= statuses
    assert AuditEvent.objects.filter(action=CaseAction.REFERRAL_SENT).count() == Referral.objects.count()
    assert f"Rujukan: {Referral.objects.count()} rujukan fiktif dicatat" in seeded
    assert seed_demo_referrals() == 0


def test_the_unanswered_demo_referral_reminds_its_officer(seeded):
    reminder_sweep(now=timezone.now())
    assert Alert.objects.filter(kind=AlertKind.REFERRAL_UNANSWERED).exists()
