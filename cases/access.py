"""The only way staff load reports and cases. A forbidden object answers like a missing one.

- officers and supervisors triage the report inbox and see report content;
- officers see the cases assigned to them (first or second officer), with identities;
- supervisors see every case, with identities;
- the head of agency sees cases without identities (no names, contacts, notes, narratives);
- system administrators and volunteers see no report or case at all.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from reports.models import Report

from .models import Case

TRIAGE_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
CASE_READERS = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HEAD})


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    identities: bool  # may this person see identifying data in it?
    can_edit: bool
    can_supervise: bool  # decide its closure, reopen it, assign its officers


def reports_for(user: User) -> QuerySet[Report]:
    """Supervisors: every report. Officers: reports not (yet) in a case, and those in their own
    cases; a report inside another officer's case is as closed to them as the case itself."""
    if user.role == Role.SUPERVISOR:
        return Report.objects.all()
    if user.role == Role.OFFICER:
        return Report.objects.filter(
            Q(case_link__isnull=True)
            | Q(case_link__case__assigned_officer=user)
            | Q(case_link__case__second_officer=user)
        )
    return Report.objects.none()


def access_report(user: User, uuid) -> Report:
    try:
        return reports_for(user).select_related("kelurahan__kecamatan", "rt", "duplicate_of").get(uuid=uuid)
    except (Report.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def cases_for(user: User) -> QuerySet[Case]:
    queryset = Case.objects.select_related("kelurahan__kecamatan", "rt", "assigned_officer", "second_officer")
    if user.role in (Role.SUPERVISOR, Role.HEAD):
        return queryset
    if user.role == Role.OFFICER:
        return queryset.filter(Q(assigned_officer=user) | Q(second_officer=user))
    return queryset.none()


def visible_references(user: User, cases) -> tuple[list[str], int]:
    """The references of `cases` this person may open, and how many others there are."""
    visible = set(cases_for(user).filter(pk__in=[case.pk for case in cases]).values_list("pk", flat=True))
    return sorted(case.reference for case in cases if case.pk in visible), sum(1 for c in cases if c.pk not in visible)


def access_case(user: User, uuid) -> CaseAccess:
    try:
        case = cases_for(user).get(uuid=uuid)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return CaseAccess(
        case=case,
        identities=user.role in TRIAGE_ROLES,
        can_edit=user.role == Role.SUPERVISOR or user.pk in (case.assigned_officer_id, case.second_officer_id),
        can_supervise=user.role == Role.SUPERVISOR,
    )
