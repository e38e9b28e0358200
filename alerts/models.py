from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Chat gateway (webhook)")
    IN_APP = "in_app", _("In the application")


class AlertKind(models.TextChoices):
    NEW_REPORT = "new_report", _("New report")
    ESCALATION_SUPERVISOR = "escalation_2", _("Not acknowledged in time: supervisor")
    ESCALATION_HEAD = "escalation_3", _("Not acknowledged in time: head of agency")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up overdue")
    SERVICE_DUE = "service_due", _("Service overdue")
    STILL_OVERDUE = "still_overdue", _("Still overdue: supervisor")
    CASE_INACTIVE = "case_inactive", _("Case without activity")
    REPORTER_MESSAGE = "reporter_msg", _("Message from the reporter")
    REPORTER_MESSAGE_UNREAD = "reporter_msg_2", _("Message from the reporter unread: supervisor")
    # UU 12/2022 TPKS Pasal 41: a sexual-violence report passed to the police within 3x24 hours.
    POLICE_DUE = "police_due", _("Pass to the police soon (TPKS)")
    POLICE_OVERDUE = "police_due_2", _("Not passed to the police in time (TPKS): supervisor")
    HEARING_SOON = "hearing_soon", _("Court hearing soon")
    REFERRAL_UNANSWERED = "referral_due", _("Referral without an answer")
    APPROVAL_WAITING = "approval_wait", _("Waiting for your approval")
    # UU 27/2022 PDP: a breach is notified within 3x24 hours (Pasal 46); a data subject's request is
    # answered in time (privacy.services).
    BREACH_RECORDED = "breach_new", _("Personal data breach recorded")
    BREACH_DUE = "breach_due", _("Breach notification due soon (UU PDP)")
    BREACH_OVERDUE = "breach_due_2", _("Breach not notified in time (UU PDP)")
    REQUEST_DUE = "pdp_request_due", _("Data subject request due soon")
    REQUEST_OVERDUE = "pdp_request_2", _("Data subject request overdue")
    # A WhatsApp message to the reporter could not be delivered (whatsapp.outbound): never silent.
    WHATSAPP_FAILED = "whatsapp_failed", _("WhatsApp message to the reporter not delivered")
    # A WhatsApp message from the reporter still not processed after WHATSAPP_MAX_ATTEMPTS
    # (whatsapp.inbound): it is kept and retried, and the report's officers know it is waiting.
    WHATSAPP_STUCK = "whatsapp_stuck", _("WhatsApp message from the reporter not yet processed")


# About a privacy register entry (a breach, a data subject's request), not a report or a case.
PRIVACY_KINDS = frozenset(
    {
        AlertKind.BREACH_RECORDED,
        AlertKind.BREACH_DUE,
        AlertKind.BREACH_OVERDUE,
        AlertKind.REQUEST_DUE,
        AlertKind.REQUEST_OVERDUE,
    }
)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class Alert(models.Model):
    """One event worth telling staff about. `key` makes each event fire once, whoever asks."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    breach = models.ForeignKey("privacy.Breach", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    subject_request = models.ForeignKey(
        "privacy.DataSubjectRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AlertKind.values), name="alert_kind_known"),
            models.CheckConstraint(
                condition=models.Q(report__isnull=False)
                | models.Q(case__isnull=False)
                | models.Q(breach__isnull=False)
                | models.Q(subject_request__isnull=False),
                name="alert_about_something",
            ),
        ]

    def __str__(self):
        return self.key


class Delivery(models.Model):
    """One alert to one person over one channel: the database, not the broker, says what is
    still to be sent, and the unique constraint means it is never sent twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="delivery_channel_known"),
            models.CheckConstraint(condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_known"),
            models.CheckConstraint(
                condition=~models.Q(status=DeliveryStatus.SENT) | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.alert_id}:{self.recipient_id}:{self.channel}"

    @property
    def state(self) -> str:
        """What staff are shown: "sent", "failed" (given up), "retrying" (waiting after a failed
        attempt), "sending" (a worker has it) or "waiting". alerts.health counts the same way."""
        if self.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            return self.status
        if self.attempts and self.last_error:
            return "retrying"
        return "sending" if self.status == DeliveryStatus.SENDING else "waiting"


class NotificationPreference(models.Model):
    """The channels a staff member wants; email and in-app are on by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("email"), default=True)
    webhook = models.BooleanField(_("chat gateway (WhatsApp, SMS, Telegram)"), default=False)
    in_app = models.BooleanField(_("in the application"), default=True)
    on_duty = models.BooleanField(_("on duty (receives new reports)"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id}"

    def channels(self) -> list[str]:
        wanted = {Channel.EMAIL: self.email, Channel.WEBHOOK: self.webhook, Channel.IN_APP: self.in_app}
        return [channel for channel, on in wanted.items() if on]
