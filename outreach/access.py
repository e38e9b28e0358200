"""The only way outreach objects are loaded for a person. Missing and forbidden look the same."""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, User
from areas.models import RT

from .choices import EDIT_WINDOW_DAYS
from .models import ChildCareGroup, ForumAnakActivity, OutreachSession

# Agency staff who read all outreach data (aggregates and logs; it holds no case content).
OUTREACH_READERS = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HEAD})


def volunteer_rts(user: User) -> QuerySet[RT]:
    if user.role != Role.VOLUNTEER:
        return RT.objects.none()
    return user.rts.select_related("kelurahan__kecamatan").order_by("kelurahan__name", "number")


def _visible(user: User, queryset: QuerySet) -> QuerySet:
    if user.role == Role.VOLUNTEER:
        return queryset.filter(rt__in=user.rts.all())
    if user.role in OUTREACH_READERS:
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
    return user.role == Role.VOLUNTEER and user.rts.filter(pk=rt.pk).exists()


def session_editable(session: OutreachSession, *, user: User, now: datetime) -> bool:
    """Its own volunteer edits a session for 7 days after logging it, or while unlocked."""
    if user.role != Role.VOLUNTEER or session.logged_by_id != user.pk:
        return False
    if session.unlocked_until and session.unlocked_until > now:
        return True
    return now < session.logged_at + timedelta(days=EDIT_WINDOW_DAYS)
