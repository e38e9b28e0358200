import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.db import value_in
from core.fields import EncryptedFileNameField, EncryptedTextField

from .choices import (
    COUNT_MAX,
    DURATION_MAX_MINUTES,
    SHORT_TEXT,
    ForumLevel,
    PartnerActivityKind,
    PartnerKind,
    Topic,
)


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
    """An activity of a Forum Anak (children's forum), at the level it happened: the city's Forum
    Anak Kota Balikpapan, a kecamatan's, a kelurahan's or an RT's. Exactly the place of that level
    is given (outreach_forum_place_matches_level)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    level = models.CharField(
        _("level"), max_length=12, choices=ForumLevel.choices, default=ForumLevel.RT, db_default=ForumLevel.RT
    )
    kecamatan = models.ForeignKey(
        "areas.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_activities",
        verbose_name=_("kecamatan"),
    )
    kelurahan = models.ForeignKey(
        "areas.Kelurahan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_activities",
        verbose_name=_("kelurahan"),
    )
    rt = models.ForeignKey(
        "areas.RT",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_activities",
        verbose_name=_("RT"),
    )
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
            models.CheckConstraint(condition=value_in("level", ForumLevel), name="outreach_forum_level_known"),
            models.CheckConstraint(
                condition=models.Q(
                    level=ForumLevel.KOTA, kecamatan__isnull=True, kelurahan__isnull=True, rt__isnull=True
                )
                | models.Q(level=ForumLevel.KECAMATAN, kecamatan__isnull=False, kelurahan__isnull=True, rt__isnull=True)
                | models.Q(level=ForumLevel.KELURAHAN, kecamatan__isnull=True, kelurahan__isnull=False, rt__isnull=True)
                | models.Q(level=ForumLevel.RT, kecamatan__isnull=True, kelurahan__isnull=True, rt__isnull=False),
                name="outreach_forum_place_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on})"

    @property
    def place_label(self) -> str:
        """Where it happened, e.g. "Kota Balikpapan", "Kelurahan Manggar, Balikpapan Timur"
        (needs the places selected: outreach.access.forum_activities_for)."""
        if self.level == ForumLevel.KECAMATAN:
            return f"Kecamatan {self.kecamatan.name}"
        if self.level == ForumLevel.KELURAHAN:
            return f"Kelurahan {self.kelurahan.name}, {self.kelurahan.kecamatan.name}"
        if self.level == ForumLevel.RT:
            return f"{self.rt.label}, {self.rt.kelurahan.name}"
        return "Kota Balikpapan"


class PartnerOrganisation(models.Model):
    """A partner of the agency (KLA cluster V: business, media, community, religious groups)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=SHORT_TEXT, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    # A person's name and number: encrypted like every contact.
    contact_person = EncryptedTextField(_("contact person"), blank=True)
    agreement = models.CharField(_("agreement (MoU/PKS number)"), max_length=SHORT_TEXT, blank=True)
    active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.CheckConstraint(condition=value_in("kind", PartnerKind), name="outreach_partner_kind_known"),
        ]

    def __str__(self):
        return self.name


class PartnerActivity(models.Model):
    """What a partner did with the agency for children."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="activities", verbose_name=_("partner")
    )
    held_on = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind of activity"), max_length=16, choices=PartnerActivityKind.choices)
    title = models.CharField(_("title"), max_length=SHORT_TEXT)
    # Where, when it was in one kecamatan; none for the whole city.
    kecamatan = models.ForeignKey(
        "areas.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_activities",
        verbose_name=_("kecamatan"),
    )
    children_reached = count_field(_("children reached"))
    notes = EncryptedTextField(_("notes"), blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("partner activity")
        verbose_name_plural = _("partner activities")
        constraints = [
            count_in_range("children_reached", name="outreach_partner_activity_children_0_10000"),
            models.CheckConstraint(
                condition=value_in("kind", PartnerActivityKind), name="outreach_partner_activity_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on})"
