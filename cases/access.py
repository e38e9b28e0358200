"""The only way staff load reports and cases. A forbidden object answers like a missing one.

What a person may do is a capability (accounts.capabilities); which records it reaches is here:

- TRIAGE: the report inbox and report content (officers and supervisors): every report with
  READ_ALL_CASES, otherwise reports not (yet) in a case and those in one's own cases;
- READ_CASES: the cases one is assigned to (first or second officer); every case with
  READ_ALL_CASES (supervisors, the head of agency);
- SEE_IDENTITIES: names, contacts, notes and narratives in them (not the head of agency);
- WORK_ON_CASES: change one's own cases; any case, and the supervisor's actions, with SUPERVISE;
- without these (system administrators, volunteers): no report or case at all.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.capabilities import Capability, user_can
from accounts.models import User
from reports.models import Report

from .models import Case


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    identities: bool  # may this person see identifying data in it?
    can_edit: bool
    can_supervise: bool  # decide its closure, reopen it, assign its officers


def reports_for(user: User) -> QuerySet[Report]:
    """Supervisors: every report. Officers: reports not (yet) in a case, and those in their own
    cases; a report inside another officer's case is as closed to them as the case itself."""
    if not user_can(user, Capability.TRIAGE):
        return Report.objects.none()
    if user_can(user, Capability.READ_ALL_CASES):
        return Report.objects.all()
    return Report.objects.filter(
        Q(case_link__isnull=True) | Q(case_link__case__assigned_officer=user) | Q(case_link__case__second_officer=user)
    )


def access_report(user: User, uuid) -> Report:
    try:
        return reports_for(user).select_related("kelurahan__kecamatan", "rt", "duplicate_of").get(uuid=uuid)
    except (Report.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def cases_for(user: User) -> QuerySet[Case]:
    queryset = Case.objects.select_related("kelurahan__kecamatan", "rt", "assigned_officer", "second_officer")
    if not user_can(user, Capability.READ_CASES):
        return queryset.none()
    if user_can(user, Capability.READ_ALL_CASES):
        return queryset
    return queryset.filter(Q(assigned_officer=user) | Q(second_officer=user))


def visible_references(user: User, cases) -> tuple[list[str], int]:
    """The references of `cases` this person may open, and how many others there are."""
    visible = set(cases_for(user).filter(pk__in=[case.pk for case in cases]).values_list("pk", flat=True))
    return sorted(case.reference for case in cases if case.pk in visible), sum(1 for c in cases if c.pk not in visible)


def access_case(user: User, uuid) -> CaseAccess:
    try:
        case = cases_for(user).get(uuid=uuid)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    supervises = user_can(user, Capability.SUPERVISE)
    assigned = user.pk in (case.assigned_officer_id, case.second_officer_id)
    return CaseAccess(
        case=case,
        identities=user_can(user, Capability.SEE_IDENTITIES),
        can_edit=user_can(user, Capability.WORK_ON_CASES) and (supervises or assigned),
        can_supervise=supervises,
    )
