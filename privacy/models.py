"""The registers UU 27/2022 (PDP) asks of the agency: data subjects' requests and breaches.

Free text (what was asked, what happened, the decision, the measures) can name a person: it is
encrypted like every narrative. The deadlines are columns, set once by the services from settings,
so the sweep that reminds (alerts.services.privacy_sweep) and the lists read them in SQL.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.db import value_in
from core.fields import EncryptedTextField

from .choices import (
    FINAL_REQUEST_STATUSES,
    REFERENCE_MAX,
    SUBJECTS_MAX,
    BreachStatus,
    DataCategory,
    RequestChannel,
    RequestKind,
    RequestStatus,
)


class DataSubjectRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=FINAL_REQUEST_STATUSES)

    def overdue(self, now):
        return self.open().filter(due_at__lt=now)

    def overdue_first(self, now):
        """Open and late first, then open by deadline, then the closed ones, newest first."""
        rank = Case(
            When(Q(due_at__lt=now) & ~Q(status__in=FINAL_REQUEST_STATUSES), then=Value(0)),
            When(~Q(status__in=FINAL_REQUEST_STATUSES), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return self.annotate(rank=rank).order_by("rank", "due_at", "-pk")


class DataSubjectRequest(models.Model):
    """A request to exercise a right over one's personal data: access, correction, erasure, objection."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of request"), max_length=16, choices=RequestKind.choices)
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=RequestChannel.choices)
    # Who asks and what: it can name the person or a child.
    description = EncryptedTextField(_("what is asked"))
    # A case or report reference (BPN-2026-00012, a report's reference), as given: not a key.
    related_reference = models.CharField(_("related case or report"), max_length=REFERENCE_MAX, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    decision_note = EncryptedTextField(_("decision"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DataSubjectRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        constraints = [
            models.CheckConstraint(condition=value_in("kind", RequestKind), name="privacy_request_kind_known"),
            models.CheckConstraint(condition=value_in("channel", RequestChannel), name="privacy_request_channel_known"),
            models.CheckConstraint(condition=value_in("status", RequestStatus), name="privacy_request_status_known"),
            models.CheckConstraint(condition=Q(due_at__gt=models.F("received_at")), name="privacy_request_due_after"),
            # closed_at exactly when the request is done or refused
            models.CheckConstraint(
                condition=Q(status__in=FINAL_REQUEST_STATUSES, closed_at__isnull=False)
                | (~Q(status__in=FINAL_REQUEST_STATUSES) & Q(closed_at__isnull=True)),
                name="privacy_request_closed_iff_final",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"PSD-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_REQUEST_STATUSES


class BreachQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=BreachStatus.OPEN)

    def notification_missing(self):
        """Open breaches where the data subjects or the authority have not been told yet."""
        return self.open().filter(Q(notified_subjects_at__isnull=True) | Q(notified_authority_at__isnull=True))


class Breach(models.Model):
    """A failure of personal data protection (kegagalan pelindungan data pribadi, UU PDP Pasal 46):
    the data subjects and the authority are told in writing within 3x24 hours of its discovery."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    discovered_at = models.DateTimeField(_("discovered"))
    notify_due_at = models.DateTimeField(_("notification due"), db_index=True)
    # What happened, how and when: it can name people.
    what_happened = EncryptedTextField(_("what happened"))
    data_categories = models.JSONField(_("data affected"), default=list)
    subjects_estimate = models.PositiveIntegerField(_("people affected (estimate)"))
    notified_subjects_at = models.DateTimeField(_("data subjects told"), null=True, blank=True)
    notified_authority_at = models.DateTimeField(_("authority told"), null=True, blank=True)
    measures = EncryptedTextField(_("measures taken"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=BreachStatus.choices, default=BreachStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = _("personal data breach")
        verbose_name_plural = _("personal data breaches")
        constraints = [
            models.CheckConstraint(condition=value_in("status", BreachStatus), name="privacy_breach_status_known"),
            models.CheckConstraint(
                condition=Q(notify_due_at__gt=models.F("discovered_at")), name="privacy_breach_due_after"
            ),
            models.CheckConstraint(
                condition=Q(subjects_estimate__gte=1, subjects_estimate__lte=SUBJECTS_MAX),
                name="privacy_breach_subjects_in_range",
            ),
            models.CheckConstraint(
                condition=Q(data_categories__contained_by=DataCategory.values) & ~Q(data_categories=[]),
                name="privacy_breach_categories_known",
            ),
            models.CheckConstraint(
                condition=Q(status=BreachStatus.CLOSED, closed_at__isnull=False)
                | Q(status=BreachStatus.OPEN, closed_at__isnull=True),
                name="privacy_breach_closed_iff_closed",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"KDP-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status == BreachStatus.OPEN
