"""The WhatsApp channel's own rows. The phone number is stored only encrypted (`Contact.phone`)
and found by a keyed hash (`Contact.number_hash`); it never leaves this app but to be sent to."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class Contact(models.Model):
    """A WhatsApp number that wrote to the agency. Under its own data key (core.datakeys), with
    its conversations and outgoing messages: forgetting the number (whatsapp.retention) shreds the
    key, so the number is gone from backups taken before too."""

    data_key_owner = "self"

    phone = EncryptedTextField(_("WhatsApp number"))
    # HMAC-SHA256 of the number as WhatsApp gives it (wa_id) under a key of ours: finds the
    # contact again without decrypting anything (whatsapp.numbers).
    number_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The last message from them: within 24 hours we may write freely (the customer-service
    # window), after it only an approved template.
    last_inbound_at = models.DateTimeField(_("last message from them"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last of the fields: see reports.Report.data_key.
    data_key = models.OneToOneField(
        "core.DataKey", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = _("WhatsApp contact")
        verbose_name_plural = _("WhatsApp contacts")

    def __str__(self):
        return f"WhatsApp contact {self.pk}"


class ConversationStep(models.TextChoices):
    DANGER = "danger", _("Is a child in danger now?")
    WHAT = "what", _("What happened")
    WHERE = "where", _("Where")
    AGE = "age", _("The child's age")
    CONTACT = "contact", _("May we contact you")
    FILED = "filed", _("Filed as a report")


class Conversation(models.Model):
    """The guided conversation that becomes a report. At most one unfiled per contact; "batal"
    deletes it; one left for WHATSAPP_DRAFT_HOURS is filed as it is, marked incomplete."""

    data_key_owner = "contact"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    step = models.CharField(max_length=16, choices=ConversationStep.choices, default=ConversationStep.DANGER)
    # The answers so far as JSON (free text included), encrypted as one value.
    answers = EncryptedTextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    report = models.OneToOneField(
        "reports.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="whatsapp_conversation"
    )
    incomplete = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("WhatsApp conversation")
        verbose_name_plural = _("WhatsApp conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(report__isnull=True), name="whatsapp_one_draft_per_contact"
            ),
            models.CheckConstraint(
                condition=Q(report__isnull=True) | Q(step=ConversationStep.FILED), name="whatsapp_filed_has_report"
            ),
            models.CheckConstraint(condition=Q(step__in=ConversationStep.values), name="whatsapp_step_known"),
        ]

    def __str__(self):
        return f"WhatsApp conversation {self.pk} ({self.step})"


class ReportContact(models.Model):
    """The WhatsApp number a report's messages go to and come from."""

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="whatsapp")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="reports")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report's WhatsApp contact")
        verbose_name_plural = _("reports' WhatsApp contacts")

    def __str__(self):
        return f"report {self.report_id} <-> contact {self.contact_id}"


class Inbound(models.Model):
    """One message WhatsApp delivered to the webhook, stored before the webhook answers and
    processed once (the WhatsApp message id is unique: Meta's retries change nothing)."""

    wa_message_id = models.CharField(max_length=128, unique=True)
    # The message object of the webhook body, JSON, encrypted (it holds the number and the text);
    # blanked once processed.
    payload = EncryptedTextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed, without content (an exception class, an HTTP status).
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("incoming WhatsApp message")
        verbose_name_plural = _("incoming WhatsApp messages")
        indexes = [
            models.Index(fields=["received_at"], condition=Q(processed_at__isnull=True), name="whatsapp_inbound_todo")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_at__isnull=True) | Q(payload=""), name="whatsapp_processed_payload_blank"
            )
        ]

    def __str__(self):
        return f"inbound {self.pk}"


class OutboundKind(models.TextChoices):
    TEXT = "text", _("Text")
    BUTTONS = "buttons", _("Text with quick-reply buttons")
    TEMPLATE = "template", _("Approved template")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


class Outbound(models.Model):
    """One message to send, with retries as alert deliveries have (alerts.services)."""

    data_key_owner = "contact"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="outbound")
    report = models.ForeignKey("reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    # What to send, JSON (text, buttons, template name and parameters), encrypted: it may hold a
    # receipt code. Blanked once sent.
    content = EncryptedTextField(blank=True)
    status = models.CharField(max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that takes it (as alerts.Delivery.claimed_at): a claim older than
    # ALERT_CLAIM_TIMEOUT_SECONDS belonged to a worker that died, and the sweep hands it out again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    wa_message_id = models.CharField(max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing WhatsApp message")
        verbose_name_plural = _("outgoing WhatsApp messages")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="whatsapp_outbound_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(status="failed") | Q(content=""),
                name="whatsapp_sent_content_blank",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OutboundStatus.values), name="whatsapp_outbound_status_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=OutboundKind.values), name="whatsapp_outbound_kind_known"),
        ]

    def __str__(self):
        return f"outbound {self.pk} ({self.status})"
