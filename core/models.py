from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField

# A read of identifying data is audited as "<app>.viewed"; every other action is a change.
READ_ACTION_SUFFIX = ".viewed"


class AuditEventQuerySet(models.QuerySet):
    def changes(self):
        """Every row but reads: what counts as activity, and as the last change of an object."""
        return self.exclude(action__endswith=READ_ACTION_SUFFIX)


class AuditEvent(models.Model):
    """One row per change of state and per read of identifying data. Append-only.

    Holds who, what and which object; never identifying content itself, never an IP
    address or a user agent. On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for the anonymous reporter and for the system."),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the periodic heartbeat: proof that worker and beat live."""

    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M}"


class DataKey(models.Model):
    """One report's or one case's own encryption key (core.datakeys), stored only wrapped by the
    master keys: `material` is an EncryptedTextField without an owner, so FIELD_ENCRYPTION_KEYS
    encrypts it and `rotate_encryption_keys` re-wraps it like any other column.

    Shredding empties `material` and sets `shredded_at`: every value and file encrypted under the
    key is unreadable from then on, in this database and in every backup (backups never hold the
    data keys; `manage.py export_keys` writes them apart).
    """

    material = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")
        constraints = [
            models.CheckConstraint(
                condition=(Q(material="") & Q(shredded_at__isnull=False))
                | (~Q(material="") & Q(shredded_at__isnull=True)),
                name="datakey_material_xor_shredded",
            )
        ]

    def __str__(self):
        return f"data key {self.pk}"
