import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedFileNameField, EncryptedTextField

from .choices import COUNT_MAX, DURATION_MAX_MINUTES, SHORT_TEXT, Topic


def count_field(label):
    return models.PositiveIntegerField(label, default=0)


def count_in_range(*fields: str, name: str) -> models.CheckConstraint:
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__gte": 0, f"{field}__lte": COUNT_MAX})
    return models.CheckConstraint(condition=condition, name=name)


class OutreachSession(models.Model):
    """A socialisation session run in one RT (sosialisasi)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rt = models.ForeignKey("areas.RT", on_delete=models.PROTECT, related_name="outreach_sessions", verbose_name=_("RT"))
    held_on = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    topics = models.JSONField(_("topics"), default=list)
    other_topic = models.CharField(_("other topic"), max_length=SHORT_TEXT, blank=True)
    # Volunteers' free text names people (and may name a child): encrypted like case content.
    facilitators = EncryptedTextField(_("facilitators"), max_length=SHORT_TEXT)
    boys = count_field(_("boys"))
    girls = count_field(_("girls"))
    men = count_field(_("men"))
    women = count_field(_("women"))
    materials = models.CharField(_("materials handed out"), max_length=SHORT_TEXT, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A supervisor may reopen a session after the edit window: until when.
    unlocked_until = models.DateTimeField(_("editable again until"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-start_time", "-pk"]
        verbose_name = _("socialisation session")
        verbose_name_plural = _("socialisation sessions")
        indexes = [models.Index(fields=["rt", "held_on"], name="outreach_session_rt_date_idx")]
        constraints = [
            count_in_range("boys", "girls", "men", "women", name="outreach_session_counts_0_10000"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=DURATION_MAX_MINUTES),
                name="outreach_session_duration_range",
            ),
            models.CheckConstraint(condition=~models.Q(facilitators=""), name="outreach_session_facilitators_given"),
        ]

    def __str__(self):
        return f"{self.rt} {self.held_on}"

    @property
    def children(self) -> int:
        return self.boys + self.girls

    @property
    def adults(self) -> int:
        return self.men + self.women

    @property
    def people(self) -> int:
        return self.children + self.adults

    def topic_labels(self) -> list[str]:
        labels = [Topic(code).label for code in self.topics if code in Topic.values and code != Topic.LAINNYA]
        if Topic.LAINNYA in self.topics:
            labels.append(self.other_topic or Topic.LAINNYA.label)
        return labels


class OutreachPhoto(models.Model):
    """A photo of a session, re-encoded without metadata and stored encrypted."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="photos")
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    stored_name = EncryptedFileNameField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")

    def __str__(self):
        return f"{self.session_id}/{self.pk}"


class ChildCareGroup(models.Model):
    """A kelompok peduli anak in one RT."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rt = models.ForeignKey("areas.RT", on_delete=models.PROTECT, related_name="child_care_groups", verbose_name=_("RT"))
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    formed_on = models.DateField(_("date formed"))
    members = models.PositiveIntegerField(_("members"), default=0)
    contact_person = EncryptedTextField(_("contact person"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rt__kelurahan__name", "rt__number", "name"]
        verbose_name = _("child-care group")
        verbose_name_plural = _("child-care groups")
        constraints = [
            count_in_range("members", name="outreach_group_members_0_10000"),
            models.UniqueConstraint(fields=["rt", "name"], name="outreach_group_unique_name_per_rt"),
            models.CheckConstraint(
                condition=models.Q(last_activity_on__isnull=True)
                | models.Q(last_activity_on__gte=models.F("formed_on")),
                name="outreach_group_activity_after_forming",
            ),
        ]

    def __str__(self):
        return self.name


class ForumAnakActivity(models.Model):
    """An activity of the Forum Anak (children's forum) in one RT."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rt = models.ForeignKey("areas.RT", on_delete=models.PROTECT, related_name="forum_activities", verbose_name=_("RT"))
    held_on = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    children = models.PositiveIntegerField(_("children taking part"), default=0)
    topics = models.JSONField(_("topics"), default=list)
    other_topic = models.CharField(_("other topic"), max_length=SHORT_TEXT, blank=True)
    suggestions = EncryptedTextField(_("the children's own suggestions"), blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("Forum Anak activity")
        verbose_name_plural = _("Forum Anak activities")
        constraints = [
            count_in_range("children", name="outreach_forum_children_0_10000"),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on})"
