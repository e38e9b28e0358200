"""Fictional referrals for the demo (seed_demo): a few more providers in the managed list, and
referrals on the demo cases in every state, one of them waiting past REFERRAL_ANSWER_DAYS so
that the hourly reminder has something to say. Through the services, like the rest of the demo."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .choices import OPEN_STATUSES, CaseStatus, ConsentItem, ProviderKind, ReferralStatus
from .models import Case, Provider, Referral
from .referrals import ReferralAnswerInput, ReferralInput, referral_answer, referral_send

# Added to the starting list of cases/migrations/0003_providers.py; the administrator keeps it.
DEMO_PROVIDERS = [
    ("RS Bhayangkara Balikpapan", ProviderKind.HOSPITAL),
    ("UPTD PPA Kota Samarinda", ProviderKind.UPTD_PPA),
    ("UPTD PPA Provinsi Kalimantan Timur", ProviderKind.UPTD_PPA),
]


def seed_demo_providers() -> int:
    created = 0
    for name, kind in DEMO_PROVIDERS:
        created += Provider.objects.get_or_create(name=name, defaults={"kind": kind})[1]
    return created


def seed_demo_referrals() -> int:
    """One referral on each demo case past registration, answered to a different point."""
    if Referral.objects.exists():
        return 0
    seed_demo_providers()
    today = timezone.localdate()
    hospital = Provider.objects.get(name="RS Bhayangkara Balikpapan")
    police = Provider.objects.filter(kind=ProviderKind.POLICE).order_by("pk").first() or hospital
    cases = (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .exclude(status=CaseStatus.REGISTERED)
        .select_related("assigned_officer")
        .order_by("pk")
    )
    created = 0
    for index, case in enumerate(cases):
        officer = case.assigned_officer
        to_police = index % 2 == 1
        referral = referral_send(
            case=case,
            data=ReferralInput(
                provider=police if to_police else hospital,
                request="[CONTOH FIKTIF] Pendampingan pelaporan."
                if to_police
                else "[CONTOH FIKTIF] Visum et repertum.",
                consent_items=[ConsentItem.CHILD_IDENTITY, ConsentItem.CHRONOLOGY]
                if to_police
                else [ConsentItem.CHILD_IDENTITY, ConsentItem.HEALTH],
                consent_given_by="[CONTOH FIKTIF] Ibu kandung",
                letter_number=f"400.2/{100 + index:03d}/UPTD-PPA/{today:%Y}",
                sent_on=today - timedelta(days=settings.REFERRAL_ANSWER_DAYS + 3 + index),
            ),
            acting_user=officer,
        )
        created += 1
        if index % 3 == 0:
            continue  # still unanswered: the reminder sweep raises it
        answered_on = referral.sent_on + timedelta(days=2)
        referral = referral_answer(
            referral=referral,
            data=ReferralAnswerInput(status=ReferralStatus.ACCEPTED, answered_on=answered_on),
            expected_version=referral.version,
            acting_user=officer,
        )
        if index % 3 == 2:
            referral_answer(
                referral=referral,
                data=ReferralAnswerInput(
                    status=ReferralStatus.DONE,
                    answered_on=answered_on,
                    done_on=answered_on + timedelta(days=1),
                    feedback="[CONTOH FIKTIF] Layanan selesai; hasil dikirim ke UPTD PPA.",
                ),
                expected_version=referral.version,
                acting_user=officer,
            )
    return created
