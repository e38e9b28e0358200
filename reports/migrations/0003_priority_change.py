import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.fields
from core.crypto import UndecryptableError, decrypt_text, encrypt_text

ACTION = "reports.priority_changed"
# The audit trail is append-only (core 0002). Taking the encrypted reasons out of it, once, is the
# single exception: they are identifying text, which an audit row must not hold, and rotation cannot
# re-encrypt them there.
UNLOCK = "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
LOCK = "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only"


def _swap_detail(schema_editor, events, *, old_key: str, new_key: str, value_of) -> None:
    """In each event's details, replace `old_key` by `new_key` holding `value_of(event)`."""
    if not events.exists():
        return
    with schema_editor.connection.cursor() as cursor:
        # ALTER TABLE refuses while foreign-key checks of this transaction are still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(UNLOCK)
        for event in events.order_by("pk").iterator():
            cursor.execute(
                "UPDATE core_auditevent SET data = (data - %s::text) || jsonb_build_object(%s::text, %s) WHERE id = %s",
                [old_key, new_key, value_of(event), event.pk],
            )
        cursor.execute(LOCK)


def move_reasons_out_of_the_audit_trail(apps, schema_editor):
    """Each reason that an audit row held as a Fernet token becomes a PriorityChange row."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    PriorityChange = apps.get_model("reports", "PriorityChange")

    def change_for(event) -> int:
        try:
            reason = decrypt_text(event.data["reason_encrypted"])
        except UndecryptableError as exc:
            raise RuntimeError(
                f"Audit event {event.pk}: no key in FIELD_ENCRYPTION_KEYS decrypts its priority-change reason. "
                "Put the key that encrypted it back in the list, after the newest, and migrate again."
            ) from exc
        return PriorityChange.objects.create(
            report_id=int(event.target_id),
            old_priority=event.data["from"],
            new_priority=event.data["to"],
            reason=reason,
            changed_by_id=event.actor_id,
            changed_at=event.at,
        ).pk

    events = AuditEvent.objects.filter(action=ACTION, data__has_key="reason_encrypted")
    _swap_detail(schema_editor, events, old_key="reason_encrypted", new_key="change", value_of=change_for)


def put_reasons_back_into_the_audit_trail(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    reasons = dict(apps.get_model("reports", "PriorityChange").objects.values_list("pk", "reason"))
    events = AuditEvent.objects.filter(action=ACTION, data__has_key="change")
    _swap_detail(
        schema_editor,
        events,
        old_key="change",
        new_key="reason_encrypted",
        value_of=lambda event: encrypt_text(reasons[event.data["change"]]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("reports", "0002_report_waiting_order_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PriorityChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "old_priority",
                    models.CharField(
                        choices=[("darurat", "Urgent"), ("tinggi", "High"), ("biasa", "Normal")],
                        max_length=16,
                        verbose_name="previous priority",
                    ),
                ),
                (
                    "new_priority",
                    models.CharField(
                        choices=[("darurat", "Urgent"), ("tinggi", "High"), ("biasa", "Normal")],
                        max_length=16,
                        verbose_name="new priority",
                    ),
                ),
                ("reason", core.fields.EncryptedTextField(verbose_name="reason")),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                (
                    "changed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="priority_changes",
                        to="reports.report",
                    ),
                ),
            ],
            options={
                "verbose_name": "priority change",
                "verbose_name_plural": "priority changes",
                "ordering": ["changed_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("old_priority__in", ["darurat", "tinggi", "biasa"]),
                            ("new_priority__in", ["darurat", "tinggi", "biasa"]),
                        ),
                        name="report_priority_change_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="report_priority_change_has_reason"
                    ),
                ],
            },
        ),
        migrations.RunPython(move_reasons_out_of_the_audit_trail, put_reasons_back_into_the_audit_trail),
    ]
