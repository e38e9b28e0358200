"""The retention rule for WhatsApp numbers (whatsapp.retention), through the schedule's runner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from core.retention import run
from reports.choices import Channel
from reports.services import report_submit
from tests.reporting import report_input
from whatsapp.models import Contact, Conversation, Outbound, ReportContact
from whatsapp.numbers import number_hash

pytestmark = pytest.mark.django_db

NUMBER = "6281255501234"


def contact(number: str, *, silent_days: int = 0) -> Contact:
    created = Contact.objects.create(phone=number, number_hash=number_hash(number))
    moment = timezone.now() - timedelta(days=silent_days)
    Contact.objects.filter(pk=created.pk).update(last_inbound_at=moment, created_at=moment)
    return created


def with_report(number: str, *, erased: bool) -> tuple[Contact, int]:
    who = contact(number)
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    ReportContact.objects.create(report=report, contact=who)
    Outbound.objects.create(contact=who, report=report, kind="text", content='{"text": "Kode tanda terima"}')
    if erased:
        type(report).objects.filter(pk=report.pk).update(erased_at=timezone.now())
    return who, report.pk


def forget() -> list[str]:
    [outcome] = run(only=["whatsapp.numbers"])
    assert outcome.error == ""
    return [item.reference for item in outcome.erased]


def test_a_number_whose_every_report_is_erased_is_forgotten_at_once_with_what_tied_it():
    who, report_pk = with_report(NUMBER, erased=True)

    key = Contact.objects.get(pk=who.pk).data_key
    assert key is not None and key.shredded_at is None

    assert len(forget()) == 1
    assert not Contact.objects.filter(pk=who.pk).exists()
    key.refresh_from_db()
    assert key.shredded_at is not None and key.material == ""  # gone from old backups too
    assert not ReportContact.objects.filter(report_id=report_pk).exists()
    assert not Outbound.objects.filter(contact_id=who.pk).exists()
    audit = AuditEvent.objects.get(action="whatsapp.number_forgotten")
    assert audit.target_id == str(who.pk) and audit.data == {"rule": "whatsapp.numbers", "reports": [report_pk]}
    assert NUMBER not in str(audit.data)


def test_a_number_with_a_report_still_kept_stays_and_so_does_one_mid_conversation():
    kept, _report = with_report(NUMBER, erased=False)
    talking = contact("6281255509999", silent_days=400)
    Conversation.objects.create(contact=talking, answers='{"story": ["halo"]}')

    assert forget() == []
    assert Contact.objects.filter(pk__in=[kept.pk, talking.pk]).count() == 2


def test_a_number_that_never_reported_goes_after_the_days_of_silence(settings):
    settings.RETENTION_SPAM_AND_REJECTED_DAYS = 90
    old = contact("6281255501111", silent_days=91)
    recent = contact("6281255502222", silent_days=89)

    forgotten = forget()

    assert len(forgotten) == 1
    assert not Contact.objects.filter(pk=old.pk).exists()
    assert Contact.objects.filter(pk=recent.pk).exists()


def test_the_dry_run_lists_without_forgetting():
    who, _report = with_report(NUMBER, erased=True)

    [outcome] = run(only=["whatsapp.numbers"], dry_run=True)

    assert [item.record.pk for item in outcome.due] == [who.pk] and outcome.erased == []
    assert Contact.objects.filter(pk=who.pk).exists()
