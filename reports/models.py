import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import blank_or_in, value_in
from core.fields import EncryptedFileNameField, EncryptedTextField

from .choices import (
    CHILD_AGE_MAX,
    INTAKE_CHANNELS,
    AuthorKind,
    Channel,
    ChildSex,
    LocationKind,
    PerpetratorRelation,
    Place,
    Priority,
    RejectionReason,
    ReporterKind,
    ReporterRelation,
    ReporterRole,
    SourceAgency,
    Status,
    ViolenceType,
    YesNoUnknown,
)
from .priority import overdue_for_acknowledgement, response_time_passed

# Most urgent first; an unknown priority (there is none, a constraint says so) would sort last.
# The staff inbox's order (triage.selectors.report_inbox), and the key of the index that serves it.
PRIORITY_RANK = models.Case(
    models.When(priority=Priority.DARURAT, then=models.Value(0)),
    models.When(priority=Priority.TINGGI, then=models.Value(1)),
    models.When(priority=Priority.BIASA, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)
# Still to be accepted, marked a duplicate or rejected: the inbox, and what triage may still decide on.
WAITING_STATUSES = (Status.NEW, Status.ACKNOWLEDGED)


class PublicStatus(models.TextChoices):
    """What the reporter is told: three plain states, never the internal workflow."""

    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    CLOSED = "closed", _("Closed")


PUBLIC_STATUS = {
    Status.NEW: PublicStatus.RECEIVED,
    Status.ACKNOWLEDGED: PublicStatus.IN_PROGRESS,
    Status.ACCEPTED: PublicStatus.IN_PROGRESS,
    Status.DUPLICATE: PublicStatus.IN_PROGRESS,
    Status.REJECTED: PublicStatus.CLOSED,
    Status.CLOSED: PublicStatus.CLOSED,
}


class ReportQuerySet(models.QuerySet):
    """The words pages, alerts, the dashboard and the API use about reports, defined once."""

    def waiting(self):
        """New or acknowledged: no decision yet (see WAITING_STATUSES)."""
        return self.filter(status__in=WAITING_STATUSES)

    def unacknowledged(self):
        """New and never looked at: what the escalation ladder climbs for."""
        return self.filter(status=Status.NEW, acknowledged_at__isnull=True)

    def past(self, step: str, now):
        """Received longer ago than `step`'s response time ("acknowledge", "supervisor", "head")."""
        return self.filter(response_time_passed(step, now))

    def overdue(self, now):
        """Not acknowledged by its deadline (see priority.overdue_for_acknowledgement)."""
        return self.filter(overdue_for_acknowledgement(now))


class Report(models.Model):
    """A report of violence against a child. Identifying fields are encrypted at rest; the
    reporter is known only by the HMAC of their receipt code."""

    # Encrypted under its own data key (core.datakeys).
    data_key_owner = "self"

    # Staff URLs and the API name a report by this, never by its sequential id.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A submission is accepted once: the HMAC of the form's one-time token or of the API's
    # Idempotency-Key (reports.receipt.submission_key_hash); a repeat finds this report instead of
    # filing a second one. The fingerprint (a hash of what was sent) tells an API client that
    # reused a key for another body.
    submission_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    submission_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # The RT volunteer of the volunteer channel, the officer who recorded a staff intake.
        verbose_name=_("submitted or recorded by"),
    )
    # A referral or hand-over (Channel.REFERRAL): who sent it, and their letter. The agency's name
    # and the letter name no child; the contact person is a person, so encrypted.
    source_agency = models.CharField(_("referring agency"), max_length=16, choices=SourceAgency.choices, blank=True)
    source_agency_name = models.CharField(_("name of the agency"), max_length=200, blank=True)
    source_letter_number = models.CharField(_("letter number"), max_length=100, blank=True)
    source_letter_date = models.DateField(_("letter date"), null=True, blank=True)
    source_contact_person = EncryptedTextField(_("contact person at the agency"), blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    priority_reason = models.CharField(_("why this priority"), max_length=200, blank=True)
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=32, choices=RejectionReason.choices, blank=True
    )

    narrative = EncryptedTextField(_("what happened"))
    danger_now = models.CharField(_("child in danger now"), max_length=8, choices=YesNoUnknown.choices)
    injured = models.CharField(_("child injured, needs care"), max_length=8, choices=YesNoUnknown.choices)
    occurred_on = models.DateField(_("date it happened"), null=True, blank=True)
    ongoing = models.BooleanField(_("still going on"), default=False)

    # Where it happened: a kelurahan, or a way out of that question (not known, outside the city,
    # online); the kelurahan is given exactly when the kind says so (report_location_matches_kind).
    location_kind = models.CharField(
        _("where"),
        max_length=16,
        choices=LocationKind.choices,
        default=LocationKind.KELURAHAN,
        db_default=LocationKind.KELURAHAN,  # rows written without the ORM (devdata's COPY) too
    )
    kelurahan = models.ForeignKey(
        "areas.Kelurahan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("kelurahan"),
    )
    rt = models.ForeignKey(
        "areas.RT", on_delete=models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("RT")
    )
    place = models.CharField(_("kind of place"), max_length=32, choices=Place.choices, blank=True)
    address_detail = EncryptedTextField(_("address details"), blank=True)
    # A landmark ("dekat masjid ..."): it can point to a house, so encrypted.
    landmark = EncryptedTextField(_("landmark"), blank=True)

    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    child_sex = models.CharField(_("child's sex"), max_length=1, choices=ChildSex.choices, blank=True)
    child_name = EncryptedTextField(_("child's name"), blank=True)
    child_disability = models.CharField(
        _("child has a disability"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )

    perpetrator_relation = models.CharField(
        _("suspected perpetrator"), max_length=16, choices=PerpetratorRelation.choices, blank=True
    )
    perpetrator_lives_with_child = models.CharField(
        _("perpetrator lives with the child"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )

    reporter_relation = models.CharField(_("who is reporting"), max_length=16, choices=ReporterRelation.choices)
    # The public form's first question (about me / another child / an adult for a child); blank
    # from the staff doors and before it was asked.
    reporter_kind = models.CharField(_("report is about"), max_length=16, choices=ReporterKind.choices, blank=True)
    reporter_contact = EncryptedTextField(_("reporter's contact"), blank=True)
    contact_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    # What a staff intake knows about the reporter; the public form asks none of it.
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_role = models.CharField(_("reporter is"), max_length=16, choices=ReporterRole.choices, blank=True)
    contact_consent_note = EncryptedTextField(_("note on consent to contact"), blank=True)
    # When the retention schedule erased it (reports.retention): every value blank, its key
    # shredded; the receipt code then finds it only to say so.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # Last of the fields: a new report's first encrypted value creates the key (core.datakeys),
    # and the insert reads this column after them.
    data_key = models.OneToOneField(
        "core.DataKey", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "priority", "acknowledge_due_at"], name="report_inbox_idx"),
            # The inbox in its own order, waiting reports only: a page is read straight from this
            # index, however many reports wait (issue 9 benchmarks).
            models.Index(
                PRIORITY_RANK,
                "acknowledge_due_at",
                "id",
                condition=models.Q(status__in=WAITING_STATUSES),
                name="report_waiting_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=value_in("status", Status), name="report_status_known"),
            models.CheckConstraint(
                condition=models.Q(status=Status.REJECTED, rejection_reason__in=RejectionReason.values)
                | (~models.Q(status=Status.REJECTED) & models.Q(rejection_reason="")),
                name="report_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | ~models.Q(status=Status.NEW),
                name="report_acknowledged_is_not_new",
            ),
            models.CheckConstraint(condition=value_in("priority", Priority), name="report_priority_known"),
            models.CheckConstraint(condition=value_in("channel", Channel), name="report_channel_known"),
            models.CheckConstraint(
                condition=value_in("danger_now", YesNoUnknown)
                & value_in("injured", YesNoUnknown)
                & value_in("child_disability", YesNoUnknown)
                & value_in("perpetrator_lives_with_child", YesNoUnknown),
                name="report_tristate_known",
            ),
            models.CheckConstraint(condition=blank_or_in("place", Place), name="report_place_known"),
            models.CheckConstraint(condition=blank_or_in("child_sex", ChildSex), name="report_child_sex_known"),
            models.CheckConstraint(
                condition=blank_or_in("perpetrator_relation", PerpetratorRelation), name="report_perpetrator_known"
            ),
            models.CheckConstraint(
                condition=value_in("reporter_relation", ReporterRelation), name="report_reporter_known"
            ),
            models.CheckConstraint(
                condition=models.Q(child_age__isnull=True) | models.Q(child_age__lte=CHILD_AGE_MAX),
                name="report_child_age_0_17",
            ),
            models.CheckConstraint(
                condition=models.Q(reporter_contact="") | models.Q(contact_consent=True),
                name="report_contact_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=[Channel.VOLUNTEER, *INTAKE_CHANNELS], submitted_by__isnull=False)
                | (~models.Q(channel__in=[Channel.VOLUNTEER, *INTAKE_CHANNELS]) & models.Q(submitted_by__isnull=True))
                # WhatsApp is a staff intake channel (an officer records it) and a door of its own
                # (the whatsapp app's conversation files it, nobody submits it).
                | models.Q(channel=Channel.WHATSAPP, submitted_by__isnull=True),
                name="report_submitter_matches_channel",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel=Channel.REFERRAL)
                | (
                    ~models.Q(source_agency="")
                    & ~models.Q(source_letter_number="")
                    & models.Q(source_letter_date__isnull=False)
                ),
                name="report_referral_has_source",
            ),
            models.CheckConstraint(
                condition=blank_or_in("source_agency", SourceAgency) & blank_or_in("reporter_role", ReporterRole),
                name="report_intake_choices_known",
            ),
            models.CheckConstraint(condition=value_in("location_kind", LocationKind), name="report_location_known"),
            models.CheckConstraint(
                condition=models.Q(location_kind=LocationKind.KELURAHAN, kelurahan__isnull=False)
                | (~models.Q(location_kind=LocationKind.KELURAHAN) & models.Q(kelurahan__isnull=True, rt__isnull=True)),
                name="report_location_matches_kind",
            ),
            models.CheckConstraint(
                condition=blank_or_in("reporter_kind", ReporterKind)
                & (
                    ~models.Q(reporter_kind=ReporterKind.CHILD_SELF) | models.Q(reporter_relation=ReporterRelation.SELF)
                ),
                name="report_reporter_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(submission_key_hash__isnull=True) | ~models.Q(submission_fingerprint=""),
                name="report_submission_key_has_fingerprint",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """Read over the phone and used in alerts: never the receipt code."""
        return f"LP-{timezone.localtime(self.received_at):%Y}-{self.pk:06d}"

    @property
    def place_label(self) -> str:
        """Where, for staff pages and alerts: "Kelurahan, Kecamatan" or the way out chosen."""
        if self.kelurahan_id is None:
            return str(LocationKind(self.location_kind).label)
        return f"{self.kelurahan.name}, {self.kelurahan.kecamatan.name}"

    @property
    def public_status(self) -> PublicStatus:
        return PUBLIC_STATUS[self.status]

    @property
    def is_waiting(self) -> bool:
        """As `Report.objects.waiting()` decides it, for a report already loaded."""
        return self.status in WAITING_STATUSES

    def is_overdue(self, now) -> bool:
        """As `Report.objects.overdue(now)` decides it, for a report already loaded."""
        return self.acknowledged_at is None and self.acknowledge_due_at < now

    @property
    def acknowledged_late(self) -> bool:
        return self.acknowledged_at is not None and self.acknowledged_at > self.acknowledge_due_at


class ReportViolenceType(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="violence_types")
    violence_type = models.CharField(_("form of violence"), max_length=16, choices=ViolenceType.choices)

    class Meta:
        verbose_name = _("form of violence")
        verbose_name_plural = _("forms of violence")
        constraints = [
            models.UniqueConstraint(fields=["report", "violence_type"], name="report_violence_type_once"),
            models.CheckConstraint(
                condition=value_in("violence_type", ViolenceType), name="report_violence_type_known"
            ),
        ]
        indexes = [models.Index(fields=["violence_type", "report"], name="report_violence_type_idx")]

    def __str__(self):
        return self.violence_type


class PriorityChange(models.Model):
    """Staff changed a report's priority, and said why.

    The reason is free text that may name a child, so it lives here, in an encrypted column that
    `rotate_encryption_keys` re-encrypts; the audit row of the change holds only the priorities.
    """

    data_key_owner = "report"
    erased_by_deleting = True  # a change of priority without its reason says nothing

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="priority_changes")
    old_priority = models.CharField(_("previous priority"), max_length=16, choices=Priority.choices)
    new_priority = models.CharField(_("new priority"), max_length=16, choices=Priority.choices)
    reason = EncryptedTextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("priority change")
        verbose_name_plural = _("priority changes")
        constraints = [
            models.CheckConstraint(
                condition=value_in("old_priority", Priority) & value_in("new_priority", Priority),
                name="report_priority_change_known",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="report_priority_change_has_reason"),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.old_priority} → {self.new_priority}"


class ReportMessage(models.Model):
    """A message between the reporter (known only by the code) and the agency."""

    data_key_owner = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("from"), max_length=16, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    # Not stored: set by report_message_add on the message it returns, the positions (from 1) of
    # files that could not be stored, so that the sender can be told.
    files_not_saved: tuple[int, ...] = ()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author_kind=AuthorKind.REPORTER, author__isnull=True)
                | models.Q(author_kind=AuthorKind.STAFF, author__isnull=False),
                name="report_message_author_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.report_id}/{self.pk}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Sound recording")


class ReportAttachment(models.Model):
    """An uploaded file, encrypted on disk outside any public folder. No original file name
    is kept: names like "budi_rumah.jpg" identify people."""

    data_key_owner = "report"
    erased_by_deleting = True  # with its file gone, nothing is left to keep

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ReportMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    stored_name = EncryptedFileNameField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=value_in("kind", AttachmentKind), name="report_attachment_kind_known")
        ]

    def __str__(self):
        return f"{self.report_id}/{self.pk}.{self.extension}"
