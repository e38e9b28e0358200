"""The only way outreach objects are loaded for a person. Missing and forbidden look the same.

LOG_OUTREACH (RT volunteers) reaches the records of one's own RTs; READ_OUTREACH (agency staff)
reads them all (aggregates and logs: no case content); nobody else sees any
(accounts.capabilities).
"""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from accounts.capabilities import Capability, user_can
from accounts.models import User
from areas.models import RT

from .choices import EDIT_WINDOW_DAYS
from .models import ChildCareGroup, ForumAnakActivity, OutreachSession


def volunteer_rts(user: User) -> QuerySet[RT]:
    if not user_can(user, Capability.LOG_OUTREACH):
        return RT.objects.none()
    return user.rts.select_related("kelurahan__kecamatan").order_by("kelurahan__name", "number")


def _visible(user: User, queryset: QuerySet) -> QuerySet:
    if user_can(user, Capability.LOG_OUTREACH):
        return queryset.filter(rt__in=user.rts.all())
    if user_can(user, Capability.READ_OUTREACH):
        return queryset
    return queryset.none()


def sessions_for(user: User) -> QuerySet[OutreachSession]:
    return _visible(user, OutreachSession.objects.select_related("rt__kelurahan__kecamatan", "logged_by"))


def groups_for(user: User) -> QuerySet[ChildCareGroup]:
    return _visible(user, ChildCareGroup.objects.select_related("rt__kelurahan__kecamatan"))


def forum_activities_for(user: User) -> QuerySet[ForumAnakActivity]:
    return _visible(user, ForumAnakActivity.objects.select_related("rt__kelurahan__kecamatan"))


def _get(queryset: QuerySet, uuid):
    try:
        return queryset.get(uuid=uuid)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def access_session(user: User, uuid) -> OutreachSession:
    return _get(sessions_for(user).prefetch_related("photos"), uuid)


def access_group(user: User, uuid) -> ChildCareGroup:
    return _get(groups_for(user), uuid)


def may_log_in(user: User, rt: RT) -> bool:
    return user_can(user, Capability.LOG_OUTREACH) and user.rts.filter(pk=rt.pk).exists()


def session_editable_until(session: OutreachSession) -> datetime:
    """When its volunteer's time to change the session ends: 7 days after logging it, or the end
    of a supervisor's unlock if that is later."""
    window_end = session.logged_at + timedelta(days=EDIT_WINDOW_DAYS)
    if session.unlocked_until and session.unlocked_until > window_end:
        return session.unlocked_until
    return window_end


def session_editable(session: OutreachSession, *, user: User, now: datetime) -> bool:
    """Its own volunteer edits a session for 7 days after logging it, or while unlocked."""
    if not user_can(user, Capability.LOG_OUTREACH) or session.logged_by_id != user.pk:
        return False
    return now < session_editable_until(session)
