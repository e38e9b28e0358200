"""The only way outreach objects are loaded for a person. Missing and forbidden look the same.

LOG_OUTREACH (RT volunteers) reaches the records of one's own RTs; READ_OUTREACH (agency staff)
reads them all (aggregates and logs: no case content); nobody else sees any
(accounts.capabilities).

Forum Anak activities happen at four levels (outreach.choices.ForumLevel). A volunteer logs and
sees those of their own RTs and those of the Forum Anak Kelurahan of the kelurahan their RTs are
in: the kader of an RT is usually who accompanies the children to the kelurahan's forum. The
agency (RECORD_AGENCY_OUTREACH) logs those of the city (Forum Anak Kota Balikpapan), a kecamatan
or a kelurahan; RT activities stay the volunteers'. Partner organisations are the agency's:
READ_OUTREACH reads them (with the contact person), RECORD_AGENCY_OUTREACH registers them.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.capabilities import Capability, user_can
from accounts.models import User
from areas.models import RT, Kelurahan

from .choices import EDIT_WINDOW_DAYS, ForumLevel
from .models import ChildCareGroup, ForumAnakActivity, OutreachSession, PartnerOrganisation

# Who logs a Forum Anak activity at which level (the volunteer's place is checked as well).
VOLUNTEER_FORUM_LEVELS = (ForumLevel.RT, ForumLevel.KELURAHAN)
AGENCY_FORUM_LEVELS = (ForumLevel.KOTA, ForumLevel.KECAMATAN, ForumLevel.KELURAHAN)


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


def volunteer_kelurahan(user: User) -> QuerySet[Kelurahan]:
    """The kelurahan of a volunteer's RTs: whose Forum Anak Kelurahan they may log."""
    if not user_can(user, Capability.LOG_OUTREACH):
        return Kelurahan.objects.none()
    return Kelurahan.objects.filter(rts__in=user.rts.all()).distinct().select_related("kecamatan").order_by("name")


def forum_levels_for(user: User) -> tuple[str, ...]:
    """The levels at which `user` may log a Forum Anak activity, highest first."""
    if user_can(user, Capability.RECORD_AGENCY_OUTREACH):
        return AGENCY_FORUM_LEVELS
    if user_can(user, Capability.LOG_OUTREACH):
        return (ForumLevel.KELURAHAN, ForumLevel.RT)
    return ()


def may_log_forum_at(user: User, *, level: str, place) -> bool:
    """Whether `user` may log a Forum Anak activity at `level` in `place` (None for the city)."""
    if level not in forum_levels_for(user):
        return False
    if not user_can(user, Capability.LOG_OUTREACH):
        return True  # the agency: the whole city
    if level == ForumLevel.RT:
        return place is not None and may_log_in(user, place)
    return place is not None and volunteer_kelurahan(user).filter(pk=place.pk).exists()


def forum_activities_for(user: User) -> QuerySet[ForumAnakActivity]:
    activities = ForumAnakActivity.objects.select_related(
        "kecamatan", "kelurahan__kecamatan", "rt__kelurahan__kecamatan"
    )
    if user_can(user, Capability.LOG_OUTREACH):
        return activities.filter(
            Q(level=ForumLevel.RT, rt__in=user.rts.all())
            | Q(level=ForumLevel.KELURAHAN, kelurahan__in=volunteer_kelurahan(user).values("pk"))
        )
    if user_can(user, Capability.READ_OUTREACH):
        return activities
    return activities.none()


def partners_for(user: User) -> QuerySet[PartnerOrganisation]:
    """Partner organisations, each with how many activities it logged (`activity_count`)."""
    if not user_can(user, Capability.READ_OUTREACH):
        return PartnerOrganisation.objects.none()
    return PartnerOrganisation.objects.annotate(activity_count=Count("activities")).order_by("name")


def access_partner(user: User, uuid) -> PartnerOrganisation:
    return _get(partners_for(user), uuid)


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
