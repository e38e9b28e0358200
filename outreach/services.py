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
from areas.models import RT
from core.audit import audit_log
from core.encrypted_files import delete_quietly, save_encrypted
from core.errors import DomainError, input_values, raise_first
from reports.attachments import prepare_attachments

from .access import may_log_in, session_editable
from .audit import OutreachAction
from .choices import COUNT_MAX, DURATION_MAX_MINUTES, EDIT_WINDOW_DAYS, Topic
from .models import ChildCareGroup, ForumAnakActivity, OutreachPhoto, OutreachSession

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
    rt: RT
    held_on: date
    title: str
    children: int = 0
    topics: list[str] = field(default_factory=list)
    other_topic: str = ""
    suggestions: str = ""


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


def forum_activity_input_errors(data: ForumActivityInput, *, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _not_future(data.held_on, "held_on", errors, today)
    if not (data.title or "").strip():
        errors["title"] = [_("Give the activity a title.")]
    _topic_errors(data, errors, required=False)
    _count_errors(data, ("children",), errors)
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


@transaction.atomic
def forum_activity_log(*, data: ForumActivityInput, acting_user: User) -> ForumAnakActivity:
    data = _clean(data)
    _require_volunteer_of(acting_user, data.rt)
    raise_first(forum_activity_input_errors(data, today=timezone.localdate()))
    activity = ForumAnakActivity.objects.create(logged_by=acting_user, **input_values(data))
    audit_log(actor=acting_user, action=OutreachAction.FORUM_ACTIVITY_LOGGED, target=activity, data={"rt": data.rt.pk})
    return activity
