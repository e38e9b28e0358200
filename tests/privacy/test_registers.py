"""The registers' services: recorded with their deadlines, every rule per field, the status moves,
the invariants in the database, the free text encrypted at rest, an audit row for each change."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEvent
from privacy.audit import PrivacyAction
from privacy.choices import BreachStatus, DataCategory, RequestKind, RequestStatus
from privacy.models import Breach, DataSubjectRequest
from privacy.services import (
    BreachUpdateInput,
    SubjectRequestUpdateInput,
    breach_close,
    breach_input_errors,
    breach_notification_record,
    breach_record,
    breach_update,
    subject_request_input_errors,
    subject_request_record,
    subject_request_update,
)

from .data import BREACH_TEXT, REQUESTER_TEXT, breach_input, subject_request_input

pytestmark = pytest.mark.django_db


def test_a_request_is_recorded_with_its_deadline_from_settings_and_audited(dpo, settings):
    settings.PRIVACY_REQUEST_DUE_HOURS = {**settings.PRIVACY_REQUEST_DUE_HOURS, "akses": 48}
    data = subject_request_input(kind=RequestKind.ACCESS)

    entry = subject_request_record(data=data, acting_user=dpo)

    assert entry.due_at == data.received_at + timedelta(hours=48)
    assert entry.status == RequestStatus.RECEIVED and entry.closed_at is None and entry.handled_by == dpo
    event = AuditEvent.objects.get(action=PrivacyAction.REQUEST_RECORDED)
    assert event.target_id == str(entry.pk) and REQUESTER_TEXT not in str(event.data)


def test_every_kind_is_due_in_three_times_24_hours_by_default(dpo):
    for kind in RequestKind.values:
        data = subject_request_input(kind=kind)
        assert subject_request_record(data=data, acting_user=dpo).due_at - data.received_at == timedelta(hours=72)


def test_a_request_form_tells_every_mistake_at_once_per_field():
    data = subject_request_input(
        kind="lupa",
        received_at=timezone.now() + timedelta(days=1),
        channel="merpati",
        description="   ",
        related_reference="X" * 41,
    )
    errors = subject_request_input_errors(data, now=timezone.now())

    assert set(errors) == {"kind", "received_at", "channel", "description", "related_reference"}
    assert errors["received_at"] == ["Waktu ini belum terjadi."]


def test_only_the_dpo_records_and_nothing_is_half_saved(officer, head, supervisor):
    for person in (officer, head, supervisor):
        with pytest.raises(DomainError) as refused:
            subject_request_record(data=subject_request_input(), acting_user=person)
        assert refused.value.code == "not_privacy_officer"
        with pytest.raises(DomainError):
            breach_record(data=breach_input(), acting_user=person)
    assert not DataSubjectRequest.objects.exists() and not Breach.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="privacy.").exists()


def test_a_request_moves_on_and_a_final_status_closes_it_with_a_decision(dpo):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)

    entry = subject_request_update(
        subject_request=entry, data=SubjectRequestUpdateInput(status=RequestStatus.IN_PROGRESS), acting_user=dpo
    )
    assert entry.status == RequestStatus.IN_PROGRESS and entry.closed_at is None

    with pytest.raises(DomainError) as no_reason:
        subject_request_update(
            subject_request=entry, data=SubjectRequestUpdateInput(status=RequestStatus.REFUSED), acting_user=dpo
        )
    assert no_reason.value.field == "decision_note"

    entry = subject_request_update(
        subject_request=entry,
        data=SubjectRequestUpdateInput(status=RequestStatus.REFUSED, decision_note="Membahayakan anak (Pasal 33)."),
        acting_user=dpo,
    )
    assert entry.status == RequestStatus.REFUSED and entry.closed_at is not None

    with pytest.raises(DomainError) as closed:
        subject_request_update(
            subject_request=entry,
            data=SubjectRequestUpdateInput(status=RequestStatus.DONE, decision_note="x"),
            acting_user=dpo,
        )
    assert closed.value.field == "status"
    assert list(
        AuditEvent.objects.filter(action=PrivacyAction.REQUEST_UPDATED).order_by("pk").values_list("data", flat=True)
    ) == [
        {"status": "diproses", "previous_status": "diterima"},
        {"status": "ditolak", "previous_status": "diproses"},
    ]


def test_a_request_in_progress_cannot_go_back_to_received(dpo):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)
    subject_request_update(
        subject_request=entry, data=SubjectRequestUpdateInput(status=RequestStatus.IN_PROGRESS), acting_user=dpo
    )

    with pytest.raises(DomainError) as refused:
        subject_request_update(
            subject_request=entry, data=SubjectRequestUpdateInput(status=RequestStatus.RECEIVED), acting_user=dpo
        )
    assert refused.value.field == "status"


def test_a_breach_is_due_72_hours_after_its_discovery(dpo):
    data = breach_input(data_categories=[DataCategory.CONTACT, DataCategory.CHILD_IDENTITY])

    breach = breach_record(data=data, acting_user=dpo)

    assert breach.notify_due_at == data.discovered_at + timedelta(hours=72)
    assert breach.data_categories == [DataCategory.CHILD_IDENTITY, DataCategory.CONTACT]
    assert breach.status == BreachStatus.OPEN
    assert AuditEvent.objects.filter(action=PrivacyAction.BREACH_RECORDED, target_id=str(breach.pk)).exists()


def test_a_breach_form_tells_every_mistake_at_once_per_field():
    data = breach_input(discovered_at=None, what_happened="", data_categories=["bocor"], subjects_estimate=0)

    errors = breach_input_errors(data, now=timezone.now())

    assert set(errors) == {"discovered_at", "what_happened", "data_categories", "subjects_estimate"}
    assert breach_input_errors(breach_input(data_categories=[]), now=timezone.now()).keys() == {"data_categories"}


def test_a_breach_closes_only_with_both_notifications_and_the_measures(dpo):
    breach = breach_record(data=breach_input(), acting_user=dpo)
    with pytest.raises(DomainError) as refused:
        breach_close(breach=breach, acting_user=dpo)
    assert refused.value.code == "notification_missing"

    now = timezone.now()
    breach_notification_record(breach=breach, whom="subjects", at=now, acting_user=dpo)
    with pytest.raises(DomainError) as twice:
        breach_notification_record(breach=breach, whom="subjects", at=now, acting_user=dpo)
    assert twice.value.code == "already_notified"
    with pytest.raises(DomainError) as before:
        breach_notification_record(
            breach=breach, whom="authority", at=breach.discovered_at - timedelta(hours=1), acting_user=dpo
        )
    assert before.value.field == "at"
    breach_notification_record(breach=breach, whom="authority", at=now, acting_user=dpo)
    with pytest.raises(DomainError) as no_measures:
        breach_close(breach=breach, acting_user=dpo)
    assert no_measures.value.code == "measures_missing"

    breach_update(
        breach=breach, data=BreachUpdateInput(measures="Sandi diganti.", subjects_estimate=15), acting_user=dpo
    )
    breach = breach_close(breach=breach, acting_user=dpo)

    assert breach.status == BreachStatus.CLOSED and breach.closed_at is not None
    assert breach.subjects_estimate == 15


def _raw_columns(model, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_the_free_text_is_encrypted_in_the_rows(dpo):
    entry = subject_request_record(data=subject_request_input(), acting_user=dpo)
    subject_request_update(
        subject_request=entry,
        data=SubjectRequestUpdateInput(status=RequestStatus.DONE, decision_note="Data Melati dihapus."),
        acting_user=dpo,
    )
    breach = breach_record(data=breach_input(), acting_user=dpo)
    breach_update(
        breach=breach, data=BreachUpdateInput(measures="Melati diberi tahu.", subjects_estimate=3), acting_user=dpo
    )

    raw = _raw_columns(DataSubjectRequest, entry.pk, "description", "decision_note") + _raw_columns(
        Breach, breach.pk, "what_happened", "measures"
    )

    assert all(value and "Melati" not in value for value in raw), raw
    assert DataSubjectRequest.objects.get().description == REQUESTER_TEXT
    assert Breach.objects.get().what_happened == BREACH_TEXT


# --- the invariants hold in the database, whatever code writes -------------------------------------------


def _request_row(dpo, **changes):
    now = timezone.now()
    values = {
        "uuid": "00000000-0000-0000-0000-000000000001",
        "kind": "akses",
        "received_at": now,
        "due_at": now + timedelta(hours=72),
        "channel": "email",
        "description": "x",
        "related_reference": "",
        "status": "diterima",
        "decision_note": "",
        "closed_at": None,
        "handled_by_id": None,
        "recorded_by_id": dpo.pk,
        "recorded_at": now,
        **changes,
    }
    return DataSubjectRequest._meta.db_table, values


def _breach_row(dpo, **changes):
    now = timezone.now()
    values = {
        "uuid": "00000000-0000-0000-0000-000000000002",
        "discovered_at": now,
        "notify_due_at": now + timedelta(hours=72),
        "what_happened": "x",
        "data_categories": '["kontak"]',
        "subjects_estimate": 1,
        "notified_subjects_at": None,
        "notified_authority_at": None,
        "measures": "",
        "status": "ditangani",
        "closed_at": None,
        "recorded_by_id": dpo.pk,
        "recorded_at": now,
        **changes,
    }
    return Breach._meta.db_table, values


def _insert(table, values):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",  # noqa: S608
            list(values.values()),
        )


def test_the_raw_rows_used_below_are_valid(dpo):
    _insert(*_request_row(dpo))
    _insert(*_breach_row(dpo))
    assert DataSubjectRequest.objects.count() == 1 and Breach.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "lupa"},
        {"status": "hilang"},
        {"channel": "merpati"},
        {"status": "selesai"},  # final without closed_at
        {"closed_at": timezone.now()},  # closed_at on an open request
        {"due_at": timezone.now() - timedelta(days=1)},
    ],
    ids=["kind", "status", "channel", "final-without-closed_at", "closed_at-while-open", "due-before-received"],
)
def test_the_database_refuses_a_bad_request_row(dpo, changes):
    with pytest.raises(IntegrityError):
        _insert(*_request_row(dpo, **changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "hilang"},
        {"status": "selesai"},
        {"closed_at": timezone.now()},
        {"subjects_estimate": 0},
        {"data_categories": '["bocor"]'},
        {"data_categories": "[]"},
        {"notify_due_at": timezone.now() - timedelta(days=1)},
    ],
    ids=["status", "closed-without-time", "time-while-open", "nobody", "unknown-category", "no-category", "due"],
)
def test_the_database_refuses_a_bad_breach_row(dpo, changes):
    with pytest.raises(IntegrityError):
        _insert(*_breach_row(dpo, **changes))
