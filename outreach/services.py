import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from areas.models import RT, Kecamatan, Kelurahan
from core.audit import audit_log
from core.encrypted_files import delete_quietly, save_encrypted
from core.errors import DomainError, input_values, raise_first
from reports.attachments import prepare_attachments

from .access import may_log_forum_at, may_log_in, session_editable
from .audit import OutreachAction
from .choices import (
    COUNT_MAX,
    DURATION_MAX_MINUTES,
    EDIT_WINDOW_DAYS,
    ForumLevel,
    PartnerActivityKind,
    PartnerKind,
    Topic,
)
from .models import (
    ChildCareGroup,
    ForumAnakActivity,
    OutreachPhoto,
    OutreachSession,
    PartnerActivity,
    PartnerOrganisation,
)

PHOTO_FOLDER = "outreach"


@dataclass
class SessionInput:
    rt: RT
    held_on: date
    start_time: time
    duration_minutes: int
    topics: list[str]
    facilitators: str
    other_topic: str = ""
    boys: int = 0
    girls: int = 0
    men: int = 0
    women: int = 0
    materials: str = ""
    notes: str = ""


@dataclass
class GroupInput:
    rt: RT
    name: str
    formed_on: date
    members: int = 0
    contact_person: str = ""
    active: bool = True
    last_activity_on: date | None = None


@dataclass
class ForumActivityInput:
    """A Forum Anak activity at its level, with exactly the place of that level (none for the city)."""

    level: str
    held_on: date
    title: str
    kecamatan: Kecamatan | None = None
    kelurahan: Kelurahan | None = None
    rt: RT | None = None
    children: int = 0
    topics: list[str] = field(default_factory=list)
    other_topic: str = ""
    suggestions: str = ""


@dataclass
class PartnerInput:
    name: str
    kind: str
    contact_person: str = ""
    agreement: str = ""


@dataclass
class PartnerActivityInput:
    held_on: date
    kind: str
    title: str
    kecamatan: Kecamatan | None = None  # None: the whole city
    children_reached: int = 0
    notes: str = ""


def _count_errors(data, names, errors):
    for name in names:
        value = getattr(data, name)
        if value is None:
            continue
        if not isinstance(value, int) or not 0 <= value <= COUNT_MAX:
            errors[name] = [_("Enter a whole number from 0 to %(max)s.") % {"max": f"{COUNT_MAX:,}".replace(",", ".")}]


def _topic_errors(data, errors, *, required: bool):
    if data.topics is None:
        return
    unknown = [code for code in data.topics if code not in Topic.values]
    if unknown:
        errors["topics"] = [_("Choose topics from the list.")]
    elif required and not data.topics:
        errors["topics"] = [_("Choose at least one topic.")]
    elif Topic.LAINNYA in data.topics and not (data.other_topic or "").strip():
        errors["other_topic"] = [_("Say what the other topic was.")]


def _not_future(value, name, errors, today):
    if value and value > today:
        errors[name] = [_("The date cannot be in the future.")]


def session_input_errors(data: SessionInput, *, today: date) -> dict[str, list[str]]:
    """Every rule of a session, for the form, the API and the service alike.

    Each rule is checked whatever the others found, so that every mistake is told at once; a
    value that is None failed its own check in the form (and is the form's to tell)."""
    errors: dict[str, list[str]] = {}
    _not_future(data.held_on, "held_on", errors, today)
    if data.duration_minutes is not None and not 1 <= data.duration_minutes <= DURATION_MAX_MINUTES:
        errors["duration_minutes"] = [
            _("Enter the duration in minutes, from 1 to %(max)d.") % {"max": DURATION_MAX_MINUTES}
        ]
    _topic_errors(data, errors, required=True)
    if not (data.facilitators or "").strip():
        errors["facilitators"] = [_("Name who led the session.")]
    _count_errors(data, ("boys", "girls", "men", "women"), errors)
    return errors


def group_input_errors(data: GroupInput, *, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (data.name or "").strip():
        errors["name"] = [_("Give the group's name.")]
    _not_future(data.formed_on, "formed_on", errors, today)
    _not_future(data.last_activity_on, "last_activity_on", errors, today)
    if data.last_activity_on and data.formed_on and data.last_activity_on < data.formed_on:
        errors["last_activity_on"] = [_("The last activity cannot be before the group was formed.")]
    _count_errors(data, ("members",), errors)
    return errors


# The place field of each level: a level's own is required, the others must stay empty
# (outreach_forum_place_matches_level). The city level has none.
FORUM_PLACE_FIELDS = ("kecamatan", "kelurahan", "rt")


def forum_place_missing(level: str) -> str:
    """What to say when a level's place is missing (the form marks the field with it too)."""
    return {
        ForumLevel.KECAMATAN: _("Choose the kecamatan of this Forum Anak Kecamatan activity."),
        ForumLevel.KELURAHAN: _("Choose the kelurahan of this Forum Anak Kelurahan activity."),
        ForumLevel.RT: _("Choose the RT of this activity."),
    }[level]


def _forum_place_errors(data: ForumActivityInput, errors: dict) -> None:
    if data.level is None:
        return
    if data.level not in ForumLevel.values:
        errors["level"] = [_("Choose the level of the Forum Anak from the list.")]
        return
    for name in FORUM_PLACE_FIELDS:
        given = getattr(data, name) is not None
        if name == data.level and not given:
            errors[name] = [forum_place_missing(data.level)]
        elif name != data.level and given:
            errors[name] = [
                _("Leave this empty: the activity is at the level %(level)s.") % {"level": ForumLevel(data.level).label}
            ]


def forum_activity_input_errors(data: ForumActivityInput, *, today: date) -> dict[str, list[str]]:
    """Every rule of a Forum Anak activity: its place matches its level, and the usual checks."""
    errors: dict[str, list[str]] = {}
    _forum_place_errors(data, errors)
    _not_future(data.held_on, "held_on", errors, today)
    if not (data.title or "").strip():
        errors["title"] = [_("Give the activity a title.")]
    _topic_errors(data, errors, required=False)
    _count_errors(data, ("children",), errors)
    return errors


def _kind_error(value, choices, name, message, errors):
    if value is not None and value not in choices.values:
        errors[name] = [message]


def partner_input_errors(data: PartnerInput, *, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (data.name or "").strip():
        errors["name"] = [_("Give the partner's name.")]
    _kind_error(data.kind, PartnerKind, "kind", _("Choose the kind of partner from the list."), errors)
    return errors


def partner_activity_input_errors(data: PartnerActivityInput, *, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _not_future(data.held_on, "held_on", errors, today)
    _kind_error(data.kind, PartnerActivityKind, "kind", _("Choose the kind of activity from the list."), errors)
    if not (data.title or "").strip():
        errors["title"] = [_("Give the activity a title.")]
    _count_errors(data, ("children_reached",), errors)
    return errors


def _require_volunteer_of(user: User, rt: RT) -> None:
    if not may_log_in(user, rt):
        raise DomainError(_("You can only log activities in your own RTs."), code="not_your_rt", field="rt")


def _clean(data):
    """Strip free text so that "  " never passes for an answer, in NFC so that a name typed with
    a combining accent ("Kafe\u0301") is the same name as the one typed precomposed ("Kafé")."""
    for name, value in input_values(data).items():
        if isinstance(value, str):
            setattr(data, name, unicodedata.normalize("NFC", value.strip()))
    return data


@transaction.atomic
def outreach_session_log(
    *, data: SessionInput, photos: Sequence[UploadedFile] = (), acting_user: User
) -> OutreachSession:
    data = _clean(data)
    _require_volunteer_of(acting_user, data.rt)
    raise_first(session_input_errors(data, today=timezone.localdate()))
    try:
        prepared = prepare_attachments(photos)
    except DomainError as exc:  # named after this input's field, not the report form's
        raise DomainError(exc.message, code=exc.code, field="photos") from exc
    if any(photo.kind != "image" for photo in prepared):
        raise DomainError(_("Only photos can be added to a session."), code="photos_only", field="photos")
    session = OutreachSession.objects.create(logged_by=acting_user, **input_values(data))
    stored = []
    try:
        for photo in prepared:
            stored.append(save_encrypted(photo.data, folder=PHOTO_FOLDER))
            OutreachPhoto.objects.create(
                session=session,
                content_type=photo.content_type,
                extension=photo.extension,
                size=len(photo.data),
                stored_name=stored[-1],
            )
        audit_log(
            actor=acting_user,
            action=OutreachAction.SESSION_LOGGED,
            target=session,
            data={"rt": data.rt.pk, "people": session.people, "photos": len(prepared)},
        )
    except BaseException:
        for name in stored:
            delete_quietly(name)
        raise
    return session


@transaction.atomic
def outreach_session_update(*, session: OutreachSession, data: SessionInput, acting_user: User) -> OutreachSession:
    data = _clean(data)
    session = OutreachSession.objects.select_for_update().get(pk=session.pk)
    if not session_editable(session, user=acting_user, now=timezone.now()):
        raise DomainError(
            _("This session can no longer be changed (after %(days)d days). Ask a supervisor to unlock it.")
            % {"days": EDIT_WINDOW_DAYS},
            code="session_locked",
        )
    _require_volunteer_of(acting_user, data.rt)
    raise_first(session_input_errors(data, today=timezone.localdate()))
    changed = sorted(name for name, value in input_values(data).items() if getattr(session, name) != value)
    for name, value in input_values(data).items():
        setattr(session, name, value)
    session.save()
    audit_log(actor=acting_user, action=OutreachAction.SESSION_UPDATED, target=session, data={"fields": changed})
    return session


@transaction.atomic
def outreach_session_unlock(*, session: OutreachSession, acting_user: User) -> OutreachSession:
    if not user_can(acting_user, Capability.SUPERVISE):
        raise DomainError(_("Only a supervisor can unlock a session."), code="not_supervisor")
    session.unlocked_until = timezone.now() + timedelta(days=EDIT_WINDOW_DAYS)
    session.save(update_fields=["unlocked_until", "updated_at"])
    audit_log(actor=acting_user, action=OutreachAction.SESSION_UNLOCKED, target=session)
    return session


@transaction.atomic
def child_care_group_register(*, data: GroupInput, acting_user: User) -> ChildCareGroup:
    data = _clean(data)
    _require_volunteer_of(acting_user, data.rt)
    raise_first(group_input_errors(data, today=timezone.localdate()))
    if ChildCareGroup.objects.filter(rt=data.rt, name__iexact=data.name).exists():
        raise DomainError(_("This RT already has a group with this name."), code="group_exists", field="name")
    group = ChildCareGroup.objects.create(registered_by=acting_user, **input_values(data))
    audit_log(actor=acting_user, action=OutreachAction.GROUP_REGISTERED, target=group, data={"rt": data.rt.pk})
    return group


@transaction.atomic
def child_care_group_update(*, group: ChildCareGroup, data: GroupInput, acting_user: User) -> ChildCareGroup:
    data = _clean(data)
    group = ChildCareGroup.objects.select_for_update().get(pk=group.pk)
    _require_volunteer_of(acting_user, group.rt)
    _require_volunteer_of(acting_user, data.rt)
    raise_first(group_input_errors(data, today=timezone.localdate()))
    if ChildCareGroup.objects.filter(rt=data.rt, name__iexact=data.name).exclude(pk=group.pk).exists():
        raise DomainError(_("This RT already has a group with this name."), code="group_exists", field="name")
    changed = sorted(name for name, value in input_values(data).items() if getattr(group, name) != value)
    for name, value in input_values(data).items():
        setattr(group, name, value)
    group.save()
    audit_log(actor=acting_user, action=OutreachAction.GROUP_UPDATED, target=group, data={"fields": changed})
    return group


def _require_agency(user: User) -> None:
    if not user_can(user, Capability.RECORD_AGENCY_OUTREACH):
        raise DomainError(_("Only agency staff can record this."), code="not_agency_staff")


@transaction.atomic
def forum_activity_log(*, data: ForumActivityInput, acting_user: User) -> ForumAnakActivity:
    """Log a Forum Anak activity at its level. Who may log where is outreach.access.may_log_forum_at:
    a volunteer in their own RTs and for the kelurahan of those RTs, the agency at city, kecamatan
    and kelurahan level."""
    data = _clean(data)
    raise_first(forum_activity_input_errors(data, today=timezone.localdate()))
    if not may_log_forum_at(acting_user, level=data.level, place=getattr(data, data.level, None)):
        if data.level in (ForumLevel.RT, ForumLevel.KELURAHAN) and user_can(acting_user, Capability.LOG_OUTREACH):
            raise DomainError(
                _("You can only log activities in your own RTs and their kelurahan."),
                code="not_your_rt",
                field=data.level,
            )
        raise DomainError(
            _("You cannot log a Forum Anak activity at this level."), code="level_not_allowed", field="level"
        )
    activity = ForumAnakActivity.objects.create(logged_by=acting_user, **input_values(data))
    place = getattr(data, data.level, None)
    audit_log(
        actor=acting_user,
        action=OutreachAction.FORUM_ACTIVITY_LOGGED,
        target=activity,
        data={"level": data.level, data.level: place.pk if place else None},
    )
    return activity


@transaction.atomic
def partner_register(*, data: PartnerInput, acting_user: User) -> PartnerOrganisation:
    data = _clean(data)
    _require_agency(acting_user)
    raise_first(partner_input_errors(data, today=timezone.localdate()))
    if PartnerOrganisation.objects.filter(name__iexact=data.name).exists():
        raise DomainError(_("A partner with this name is already registered."), code="partner_exists", field="name")
    partner = PartnerOrganisation.objects.create(registered_by=acting_user, **input_values(data))
    audit_log(actor=acting_user, action=OutreachAction.PARTNER_REGISTERED, target=partner, data={"kind": data.kind})
    return partner


@transaction.atomic
def partner_deactivate(*, partner: PartnerOrganisation, acting_user: User) -> PartnerOrganisation:
    """The partnership has ended: the partner and its activities stay on record, no new activity."""
    _require_agency(acting_user)
    partner = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
    if not partner.active:
        raise DomainError(_("This partner is already inactive."), code="partner_inactive")
    partner.active = False
    partner.save(update_fields=["active"])
    audit_log(actor=acting_user, action=OutreachAction.PARTNER_DEACTIVATED, target=partner)
    return partner


@transaction.atomic
def partner_activity_log(
    *, partner: PartnerOrganisation, data: PartnerActivityInput, acting_user: User
) -> PartnerActivity:
    data = _clean(data)
    _require_agency(acting_user)
    partner = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
    if not partner.active:
        raise DomainError(
            _("This partner is inactive: activities can no longer be logged for it."), code="partner_inactive"
        )
    raise_first(partner_activity_input_errors(data, today=timezone.localdate()))
    activity = PartnerActivity.objects.create(partner=partner, logged_by=acting_user, **input_values(data))
    audit_log(
        actor=acting_user,
        action=OutreachAction.PARTNER_ACTIVITY_LOGGED,
        target=activity,
        data={"partner": partner.pk, "kecamatan": data.kecamatan.pk if data.kecamatan else None},
    )
    return activity
