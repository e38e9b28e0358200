import pytest
from django.db import DatabaseError, transaction

from core.audit import audit_log
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_log_records_actor_action_and_target(officer):
    event = audit_log(actor=officer, action="test.did", target=officer, data={"n": 1})

    assert (event.actor, event.action, event.target_type, event.target_id) == (
        officer,
        "test.did",
        "accounts.user",
        str(officer.pk),
    )


def test_the_database_refuses_to_change_or_delete_an_audit_row(officer):
    event = audit_log(actor=officer, action="test.did")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.get(pk=event.pk).action == "test.did"
