import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from areas.models import Kelurahan
from core.audit import audit_log
from core.errors import DomainError, input_values, raise_first
from core.models import AuditEvent
from reports.choices import CHILD_AGE_MAX
from reports.models import Report
from reports.services import report_message_add, require_triage

from . import legal
from .access import visible_references
from .ages import age_on
from .audit import CaseAction
from .choices import (
    FINISHED_SERVICE_STATUSES,
    MAX_AGE,
    RECOVERY_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    CaseStatus,
    ClosureReason,
    PerpetratorRelation,
    PlanStatus,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)
from .models import (
    Case,
    CaseCounter,
    CaseNote,
    CasePlan,
    CaseReport,
    CaseService,
    CaseTransfer,
    Child,
    FollowUp,
    Perpetrator,
    Provider,
)
from .plan_selectors import case_approval_context

# --- helpers ------------------------------------------------------------------------------------


def _require_case_worker(user: User | None) -> None:
    if not user_can(user, Capability.WORK_ON_CASES):
        raise DomainError(_("Only officers and supervisors work on cases."), code="not_allowed")


def _require_supervisor(user: User | None, *, field: str | None = None) -> None:
    if not user_can(user, Capability.SUPERVISE):
        raise DomainError(_("Only a supervisor can do this."), code="not_supervisor", field=field)


def _may_take(officer: User) -> bool:
    return user_can(officer, Capability.TAKE_CASES)


def _require_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("This case is closed. Reopen it first."), code="case_closed")


def _next_reference(year: int) -> str:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(year=year)
    CaseCounter.objects.filter(pk=year).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"BPN-{year}-{counter.last:05d}"


def _stale(case: Case) -> DomainError:
    """The refusal of an edit that started from an old version, naming the last change."""
    last = (
        AuditEvent.objects.changes()
        .filter(target_type="cases.case", target_id=str(case.pk))
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    who = (last.actor.get_full_name() or last.actor.username) if last and last.actor else _("someone")
    what = last.action.split(".", 1)[-1].replace("_", " ") if last else ""
    when = timezone.localtime(last.at).strftime("%H.%M") if last else ""
    return DomainError(
        _("%(who)s changed this case at %(when)s (%(what)s) after you opened it. Reload it and try again.")
        % {"who": who, "when": when, "what": what},
        code="stale_version",
    )


def _claim(case: Case, expected_version: int) -> Case:
    """Take the case for an edit that started from `expected_version`, or refuse a stale one
    saying who changed what: an edit never silently overwrites another."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise _stale(case)
    return Case.objects.select_for_update().get(pk=case.pk)


def child_match_key(name: str, birth_year: int | None) -> str:
    """A keyed hash of the normalised name and birth year, to find the same child elsewhere."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    normalised = re.sub(r"[^a-z]+", " ", folded).strip()
    return hmac.new(
        settings.CHILD_MATCH_SECRET.encode(), f"{normalised}|{birth_year or ''}".encode(), hashlib.sha256
    ).hexdigest()


def _birth_year(child: Child) -> int | None:
    """The birth year the child's key was made with: from the date of birth, else from the age
    in the year the child was added (as case_add_child and case_open count it)."""
    if child.birth_date:
        return date.fromisoformat(child.birth_date).year
    return timezone.localtime(child.added_at).year - child.age if child.age is not None else None


def child_match_keys_recompute(*, acting_user: User | None, batch_size: int = 500, progress=None) -> tuple[int, int]:
    """Make every child's match key again under CHILD_MATCH_SECRET, after it changed: until
    then the same child in another case goes unnoticed. Names are decrypted in memory only.
    One transaction per batch, in primary-key order; a run that stopped is simply run again.
    `progress(done, total)` is called after each batch. Returns (children, keys changed)."""
    total = Child.objects.count()
    done = changed = last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Child.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "name", "birth_date", "age", "added_at", "match_key")[:batch_size]
            )
            stale = []
            for child in batch:
                if not child.name:  # de-identified by the retention schedule: nothing to match on
                    continue
                key = child_match_key(child.name, _birth_year(child))
                if key != child.match_key:
                    child.match_key = key
                    stale.append(child)
            Child.objects.bulk_update(stale, ["match_key"])
        if not batch:
            break
        done, changed, last_pk = done + len(batch), changed + len(stale), batch[-1].pk
        if progress is not None:
            progress(done, total)
    audit_log(actor=acting_user, action=CaseAction.MATCH_KEYS_RECOMPUTED, data={"children": done, "changed": changed})
    return done, changed


# --- a case from a report: triage decides (triage.services.report_accept), these keep the case's rules


def _age_at_incident(report: Report) -> int | None:
    """The reporter gives the child's age when reporting; the incident may be years before it."""
    if report.child_age is None:
        return None
    if report.occurred_on is None:
        return report.child_age
    years = age_on(report.occurred_on, timezone.localdate(report.received_at))
    return max(report.child_age - max(years, 0), 0)


def _child_from_report(*, case: Case, report: Report) -> Child | None:
    """The child the report names, so nobody types it again: name, sex, age, age at the incident,
    disability. Nothing when the report names no child, or when the case already holds a child of
    that name and birth year (a second report about the same child)."""
    if not report.child_name:
        return None
    birth_year = timezone.localdate().year - report.child_age if report.child_age is not None else None
    match_key = child_match_key(report.child_name, birth_year)
    if case.children.filter(match_key=match_key).exists():
        return None
    return Child.objects.create(
        case=case,
        name=report.child_name,
        match_key=match_key,
        age=report.child_age,
        age_at_incident=_age_at_incident(report),
        sex=report.child_sex,
        disability={"yes": True, "no": False}.get(report.child_disability),
    )


@transaction.atomic
def case_open(*, report: Report, officer: User, acting_user: User, kelurahan: Kelurahan | None = None) -> Case:
    """Open a case for `report` in `officer`'s hands, with the child and the perpetrator the report
    names. Cases are opened only by accepting a report (triage.services.report_accept).

    A case is always in a kelurahan (the dashboard and exports count by it): the report's, or, when
    the reporter did not know it (or it happened outside the city or online), the `kelurahan` the
    officer gives on accepting, where the child lives."""
    require_triage(acting_user)
    if not _may_take(officer) and not (officer == acting_user and user_can(acting_user, Capability.SUPERVISE)):
        raise DomainError(_("Assign the case to an officer."), code="invalid", field="officer")
    kelurahan = report.kelurahan or kelurahan
    if kelurahan is None:
        raise DomainError(
            _("The report names no kelurahan: choose the kelurahan where the child lives to open a case."),
            code="kelurahan_needed",
            field="kelurahan",
        )
    case = Case.objects.create(
        reference=_next_reference(timezone.localdate().year),
        violence_types=sorted(report.violence_types.values_list("violence_type", flat=True)),
        place=report.place,
        occurred_on=report.occurred_on,
        kelurahan=kelurahan,
        rt=report.rt,
        assigned_officer=officer,
    )
    _child_from_report(case=case, report=report)
    if report.perpetrator_relation:
        Perpetrator.objects.create(
            case=case,
            relation=report.perpetrator_relation,
            lives_with_child={"yes": True, "no": False}.get(report.perpetrator_lives_with_child),
        )
    audit_log(actor=acting_user, action=CaseAction.OPENED, target=case, data={"report": report.pk})
    if legal.is_sexual_violence(case.violence_types):
        legal.legal_record_open_for_sexual_violence(case=case, received_at=report.received_at, acting_user=acting_user)
    return case


@transaction.atomic
def case_report_add(*, case: Case, report: Report, acting_user: User, duplicate: bool = False) -> CaseReport:
    """Put `report` in `case`: accepted into it (only while the case is open), or found to repeat
    what the case already holds (`duplicate`, whatever the case's step)."""
    require_triage(acting_user)
    if not duplicate:
        _require_open(case)
    link = CaseReport.objects.create(case=case, report=report)
    data = {"report": report.pk, "duplicate": True} if duplicate else {"report": report.pk}
    audit_log(actor=acting_user, action=CaseAction.REPORT_ADDED, target=case, data=data)
    # Accepted into an open case: the child it names joins the case unless already there (a
    # sibling reported later). A duplicate adds nobody: it repeats what the case holds.
    if not duplicate:
        child = _child_from_report(case=case, report=report)
        if child is not None:
            audit_log(
                actor=acting_user,
                action=CaseAction.CHILD_ADDED,
                target=case,
                data={"child": child.pk, "report": report.pk},
            )
    if not duplicate and legal.report_is_sexual_violence(report):
        # Sexual violence accepted into a case: the Pasal 41 clock runs from this report's receipt.
        legal.legal_record_open_for_sexual_violence(case=case, received_at=report.received_at, acting_user=acting_user)
    return link


# --- the case itself --------------------------------------------------------------------------------


@transaction.atomic
def case_assign(
    *, case: Case, officer: User, second_officer: User | None = None, expected_version: int, acting_user: User
) -> Case:
    _require_supervisor(acting_user)
    if not _may_take(officer) or (second_officer is not None and not _may_take(second_officer)):
        raise DomainError(_("Cases are assigned to officers."), code="invalid", field="officer")
    if second_officer is not None and second_officer.pk == officer.pk:
        raise DomainError(_("The second officer must be someone else."), code="invalid", field="second_officer")
    case = _claim(case, expected_version)
    case.assigned_officer, case.second_officer = officer, second_officer
    case.save(update_fields=["assigned_officer", "second_officer"])
    audit_log(
        actor=acting_user,
        action=CaseAction.ASSIGNED,
        target=case,
        data={"officer": officer.pk, "second_officer": second_officer.pk if second_officer else None},
    )
    return case


@dataclass
class ChildInput:
    name: str
    birth_date: date | None = None
    age: int | None = None
    sex: str = ""
    education: str = ""
    disability: bool | None = None
    guardian_contact: str = ""
    # The age when the violence happened: a survivor who is an adult today is served by it.
    age_at_incident: int | None = None


def child_possible_duplicates(*, name: str, birth_date: date | None, age: int | None, exclude_case: Case | None):
    """Cases that hold a child with the same name key (same birth year, or a year either side
    when only the age is known)."""
    years = [birth_date.year] if birth_date else []
    if not years and age is not None:
        this_year = timezone.localdate().year
        years = [this_year - age - 1, this_year - age, this_year - age + 1]
    keys = [child_match_key(name, year) for year in years] or [child_match_key(name, None)]
    found = Case.objects.filter(children__match_key__in=keys).distinct().order_by("reference")
    if exclude_case is not None:
        found = found.exclude(pk=exclude_case.pk)
    return list(found)


def incident_day(case: Case) -> date:
    """The day a victim's age is counted on: the incident's, else the day the case was registered."""
    return case.occurred_on or timezone.localdate(case.opened_at)


def _ages_from_birth_date(case: Case, data: ChildInput) -> ChildInput:
    """With a date of birth, the ages nobody typed are worked out from it (today's age, and the age
    at the incident), so a child recorded with only a date of birth is counted in her age band."""
    if not data.birth_date:
        return data
    age = data.age if data.age is not None else age_on(data.birth_date, timezone.localdate())
    at_incident = data.age_at_incident
    if at_incident is None:
        at_incident = age_on(data.birth_date, incident_day(case))
        if not 0 <= at_incident <= CHILD_AGE_MAX:
            raise DomainError(
                _(
                    "By this date of birth the child was %(age)d at the incident: "
                    "the agency serves violence against children."
                )
                % {"age": at_incident},
                code="invalid",
                field="birth_date",
            )
    return replace(data, age=age, age_at_incident=at_incident)


@transaction.atomic
def case_add_child(*, case: Case, data: ChildInput, acting_user: User) -> tuple[Child, list[Case]]:
    """Add a child; also returns the other cases that may hold the same child. Callers show
    a person only the references of cases they may open (cases.access.visible_references)."""
    _require_case_worker(acting_user)
    _require_open(case)
    name = data.name.strip()
    if not name:
        raise DomainError(_("Give the child's name."), code="invalid", field="name")
    if data.birth_date and data.birth_date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), code="invalid", field="birth_date")
    data = _ages_from_birth_date(case, data)
    if data.age is not None and not 0 <= data.age <= MAX_AGE:
        raise DomainError(_("Give an age from 0 to %(max)d.") % {"max": MAX_AGE}, code="invalid", field="age")
    if data.age_at_incident is not None and not 0 <= data.age_at_incident <= CHILD_AGE_MAX:
        raise DomainError(
            _("The age at the incident is from 0 to 17: the agency serves violence against children."),
            code="invalid",
            field="age_at_incident",
        )
    if data.age is not None and data.age_at_incident is not None and data.age_at_incident > data.age:
        raise DomainError(
            _("The age at the incident cannot be more than today's age."), code="invalid", field="age_at_incident"
        )
    if data.age is not None and data.age > CHILD_AGE_MAX and data.age_at_incident is None:
        raise DomainError(
            _("The victim is an adult now: give the age at the incident, which the case is served by."),
            code="invalid",
            field="age_at_incident",
        )
    birth_year = (
        data.birth_date.year
        if data.birth_date
        else (timezone.localdate().year - data.age if data.age is not None else None)
    )
    duplicates = child_possible_duplicates(name=name, birth_date=data.birth_date, age=data.age, exclude_case=case)
    child = Child.objects.create(
        case=case,
        name=name,
        match_key=child_match_key(name, birth_year),
        birth_date=data.birth_date.isoformat() if data.birth_date else "",
        age=data.age,
        age_at_incident=data.age_at_incident,
        sex=data.sex,
        education=data.education,
        disability=data.disability,
        guardian_contact=data.guardian_contact.strip(),
    )
    audit_log(
        actor=acting_user,
        action=CaseAction.CHILD_ADDED,
        target=case,
        data={"child": child.pk, "possible_duplicate_cases": [other.pk for other in duplicates]},
    )
    return child, duplicates


@transaction.atomic
def case_add_perpetrator(
    *,
    case: Case,
    relation: str,
    lives_with_child: bool | None,
    description: str = "",
    sex: str = "",
    age: int | None = None,
    is_child: bool | None = None,
    acting_user: User,
) -> Perpetrator:
    """A perpetrator, with sex and age when known. Under 18 is a child in conflict with the law
    (ABH, UU 11/2012 SPPA): the age decides it when given, else the officer's "is a child"."""
    _require_case_worker(acting_user)
    _require_open(case)
    if relation not in PerpetratorRelation.values:
        raise DomainError(_("Choose a relationship from the list."), code="invalid", field="relation")
    if sex not in ("", "L", "P"):
        raise DomainError(_("Choose the sex from the list."), code="invalid", field="sex")
    if age is not None and not 0 <= age <= MAX_AGE:
        raise DomainError(_("Give an age from 0 to %(max)d.") % {"max": MAX_AGE}, code="invalid", field="age")
    if age is not None:
        by_age = age <= CHILD_AGE_MAX
        if is_child is not None and is_child != by_age:
            raise DomainError(
                _("A perpetrator aged %(age)d is %(what)s: the age decides.")
                % {"age": age, "what": _("a child") if by_age else _("an adult")},
                code="invalid",
                field="is_child",
            )
        is_child = by_age
    perpetrator = Perpetrator.objects.create(
        case=case,
        relation=relation,
        lives_with_child=lives_with_child,
        description=description.strip(),
        sex=sex,
        age=age,
        is_child=is_child,
    )
    audit_log(
        actor=acting_user,
        action=CaseAction.PERPETRATOR_ADDED,
        target=case,
        data={"relation": relation, "is_child": is_child},
    )
    return perpetrator


@transaction.atomic
def case_record_assessment(
    *, case: Case, risk_level: str, needs: str, expected_version: int, acting_user: User
) -> Case:
    """An assessment records risk and needs; the case moves from registered to assessment."""
    _require_case_worker(acting_user)
    if risk_level not in RiskLevel.values:
        raise DomainError(_("Choose the risk level."), code="invalid", field="risk_level")
    if not needs.strip():
        raise DomainError(_("Describe the child's needs."), code="invalid", field="needs")
    case = _claim(case, expected_version)
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.ASSESSMENT):
        raise DomainError(_("The assessment is done in the first steps of a case."), code="wrong_step")
    case.risk_level, case.needs, case.status = risk_level, needs.strip(), CaseStatus.ASSESSMENT
    case.save(update_fields=["risk_level", "needs", "status"])
    audit_log(actor=acting_user, action=CaseAction.ASSESSED, target=case, data={"risk_level": risk_level})
    return case


SIMFONI_NUMBER_MAX_LENGTH = Case._meta.get_field("simfoni_number").max_length


def _simfoni_number_taken(number: str, *, case: Case, acting_user: User) -> DomainError:
    """Naming the case that holds the number only to someone who may open it."""
    holder = Case.objects.exclude(pk=case.pk).filter(simfoni_number=number).only("pk", "reference").first()
    references, _hidden = visible_references(acting_user, [holder] if holder else [])
    if references:
        message = _("This SIMFONI-PPA number is already used by case %(reference)s.") % {"reference": references[0]}
    else:
        message = _("This SIMFONI-PPA number is already used by another case.")
    return DomainError(message, code="simfoni_number_taken", field="simfoni_number")


@transaction.atomic
def case_update_simfoni(
    *, case: Case, occurred_on: date | None, simfoni_number: str, expected_version: int, acting_user: User
) -> Case:
    """Record the date of the incident and the number SIMFONI-PPA gave the case (blank: not entered
    there yet). The children's ages are not recomputed: an officer corrects those one by one."""
    _require_case_worker(acting_user)
    number = simfoni_number.strip()
    if occurred_on and occurred_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), code="invalid", field="occurred_on")
    if len(number) > SIMFONI_NUMBER_MAX_LENGTH:
        raise DomainError(
            _("Give at most %(max)d characters.") % {"max": SIMFONI_NUMBER_MAX_LENGTH},
            code="invalid",
            field="simfoni_number",
        )
    if number and Case.objects.exclude(pk=case.pk).filter(simfoni_number=number).exists():
        raise _simfoni_number_taken(number, case=case, acting_user=acting_user)
    case = _claim(case, expected_version)
    before = {"occurred_on": case.occurred_on, "simfoni_number": case.simfoni_number}
    case.occurred_on, case.simfoni_number = occurred_on, number
    try:
        with transaction.atomic():
            case.save(update_fields=["occurred_on", "simfoni_number"])
    except IntegrityError as exc:  # taken at the same moment by another edit: case_simfoni_number_unique
        raise _simfoni_number_taken(number, case=case, acting_user=acting_user) from exc
    changed = {
        name: (value.isoformat() if isinstance(value, date) else value)
        for name, value in (("occurred_on", occurred_on), ("simfoni_number", number))
        if before[name] != value
    }
    audit_log(actor=acting_user, action=CaseAction.SIMFONI_UPDATED, target=case, data=changed)
    return case


# The steps a case moves through by case_advance, and what each step needs (design).
NEXT_STEP = {
    CaseStatus.ASSESSMENT: CaseStatus.CASE_PLAN,
    CaseStatus.CASE_PLAN: CaseStatus.SERVICES,
    CaseStatus.SERVICES: CaseStatus.MONITORING,
}


@dataclass(frozen=True)
class AdvanceMissing:
    """One thing a case still needs before its next step, and the case page section where it is done."""

    text: str
    section: str


def advance_missing(case: Case) -> list[AdvanceMissing]:
    """Everything the case still needs before `case_advance` moves it on, all at once: the case page
    shows this list instead of a button that would be refused (issue 19)."""
    missing = []
    if case.status == CaseStatus.ASSESSMENT and not (case.risk_level and case.needs):
        missing.append(AdvanceMissing(_("Record the assessment (risk and needs) first."), "assessment"))
    if case.status == CaseStatus.CASE_PLAN:
        if not case.services.exists():
            missing.append(AdvanceMissing(_("A case plan needs at least one planned service."), "services"))
        if not CasePlan.objects.filter(case=case, status=PlanStatus.APPROVED).exists():
            # A supervisor approves the plan before services start (cases.plans.plan_decide).
            missing.append(AdvanceMissing(_("A supervisor approves the case plan before services start."), "plan"))
    if case.status == CaseStatus.SERVICES and not case.services.exclude(status=ServiceStatus.PLANNED).exists():
        missing.append(AdvanceMissing(_("Start or finish at least one service before monitoring."), "services"))
    return missing


def _advance_blocker(case: Case) -> str | None:
    missing = advance_missing(case)
    return " ".join(item.text for item in missing) if missing else None


@transaction.atomic
def case_advance(*, case: Case, expected_version: int, acting_user: User) -> Case:
    """Move a case to its next step, if it has what that step needs."""
    _require_case_worker(acting_user)
    case = _claim(case, expected_version)
    target = NEXT_STEP.get(case.status)
    if target is None:
        raise DomainError(_("This case cannot move on from here with this action."), code="wrong_step")
    blocker = _advance_blocker(case)
    if blocker:
        raise DomainError(blocker, code="step_requirements")
    old, case.status = case.status, target
    case.save(update_fields=["status"])
    audit_log(actor=acting_user, action=CaseAction.ADVANCED, target=case, data={"from": old, "to": target})
    return case


def _closing_message_send(*, case: Case, body: str, acting_user: User) -> int:
    """The closing words to the reporter(s): one staff message on each report of the case (its
    reporters read them on their status page, reports.wording.reporter_status). Inside the
    caller's transaction, so a refused closure sends nothing. How many reports were written to."""
    if not body.strip():
        return 0
    links = list(case.case_reports.select_related("report"))
    for link in links:
        report_message_add(report=link.report, body=body, acting_user=acting_user)
    return len(links)


@transaction.atomic
def case_request_closure(
    *,
    case: Case,
    reason: str,
    explanation: str = "",
    closing_message: str = "",
    expected_version: int,
    acting_user: User,
) -> Case:
    """The officer asks for closure; a closing message, if given, is held for the supervisor and
    goes to the reporter(s) only when the closure is approved."""
    _require_case_worker(acting_user)
    case = _claim(case, expected_version)
    if case.status != CaseStatus.MONITORING:
        raise DomainError(_("Closure is requested during follow-up and monitoring."), code="wrong_step")
    if reason not in ClosureReason.values:
        raise DomainError(_("Choose a reason for closing."), code="invalid", field="reason")
    if reason == ClosureReason.TRANSFERRED:
        # A transfer has its receiving agency, letter and hand-over packet: cases.referrals.case_transfer.
        raise DomainError(
            _("A case handed to another UPTD PPA is closed by recording the transfer."), code="invalid", field="reason"
        )
    if reason == ClosureReason.OTHER and not explanation.strip():
        raise DomainError(_("Explain the reason for closing."), code="invalid", field="explanation")
    follow_ups = case.follow_ups.count()
    if follow_ups == 0:
        raise DomainError(_("Record at least one follow-up before closing."), code="step_requirements")
    if reason == ClosureReason.SAFE_AND_STABLE and follow_ups < 2:
        raise DomainError(
            _('"Safe and stable" needs two follow-ups on record.'), code="step_requirements", field="reason"
        )
    case.status, case.closure_reason, case.closure_explanation, case.closing_message = (
        CaseStatus.CLOSURE_REQUESTED,
        reason,
        explanation.strip(),
        closing_message.strip(),
    )
    case.save(update_fields=["status", "closure_reason", "closure_explanation", "closing_message"])
    audit_log(
        actor=acting_user,
        action=CaseAction.CLOSURE_REQUESTED,
        target=case,
        data={"reason": reason, "closing_message": bool(case.closing_message)},
    )
    return case


@transaction.atomic
def case_decide_closure(
    *,
    case: Case,
    approve: bool,
    comment: str = "",
    closing_message: str = "",
    justification: str = "",
    expected_version: int,
    acting_user: User,
) -> Case:
    """A supervisor approves the closure, or sends the case back to monitoring. Approving, the
    closing message goes to the reporter(s) in the same transaction: the supervisor's, if given,
    else the one the officer wrote with the request; sending back drops the officer's. Approving a case
    with high risk, a low latest score or an open legal process needs a written `justification`
    (cases.plan_selectors.case_approval_context says which)."""
    _require_supervisor(acting_user)
    if closing_message.strip() and not approve:
        raise DomainError(
            _("A closing message goes to the reporter only when the case is closed."),
            code="invalid",
            field="closing_message",
        )
    case = _claim(case, expected_version)
    if case.status != CaseStatus.CLOSURE_REQUESTED:
        raise DomainError(_("No closure has been requested for this case."), code="wrong_step")
    if approve:
        if case_approval_context(case).needs_justification and not justification.strip():
            raise DomainError(
                _("Closing this case needs a written justification: see why above the decision."),
                code="justification_required",
                field="justification",
            )
        case.status, case.closed_at = CaseStatus.CLOSED, timezone.now()
        case.closure_justification = justification.strip()
    else:
        if not comment.strip():
            raise DomainError(_("Say why the case goes back."), code="invalid", field="comment")
        case.status, case.closure_reason, case.closure_explanation = CaseStatus.MONITORING, "", ""
    closing_message = (closing_message.strip() or case.closing_message) if approve else ""
    if not approve:
        case.closing_message = ""
    case.save(
        update_fields=[
            "status",
            "closed_at",
            "closure_reason",
            "closure_explanation",
            "closure_justification",
            "closing_message",
        ]
    )
    if comment.strip():
        CaseNote.objects.create(case=case, author=acting_user, body=comment.strip())
    if approve:
        written = _closing_message_send(case=case, body=closing_message, acting_user=acting_user)
        audit_log(
            actor=acting_user,
            action=CaseAction.CLOSURE_APPROVED,
            target=case,
            data={"closing_message_to": written, "justified": bool(case.closure_justification)},
        )
    else:
        audit_log(actor=acting_user, action=CaseAction.CLOSURE_SENT_BACK, target=case)
    return case


@transaction.atomic
def case_reopen(*, case: Case, reason: str, expected_version: int, acting_user: User) -> Case:
    _require_supervisor(acting_user)
    if not reason.strip():
        raise DomainError(_("Say why the case is reopened."), code="invalid", field="reason")
    case = _claim(case, expected_version)
    if case.status != CaseStatus.CLOSED:
        raise DomainError(_("Only a closed case can be reopened."), code="wrong_step")
    if CaseTransfer.objects.filter(case=case).exists():
        # Another UPTD PPA holds it now (cases.referrals.case_transfer): this one stays a record.
        raise DomainError(_("A transferred case stays closed: the receiving agency holds it."), code="transferred")
    case.status, case.closed_at, case.closure_reason, case.closure_explanation = CaseStatus.MONITORING, None, "", ""
    case.save(update_fields=["status", "closed_at", "closure_reason", "closure_explanation"])
    CaseNote.objects.create(case=case, author=acting_user, body=reason.strip())
    audit_log(actor=acting_user, action=CaseAction.REOPENED, target=case)
    return case


# --- services, follow-ups, notes ------------------------------------------------------------------


@dataclass
class ServiceInput:
    service_type: str
    provider: Provider
    planned_on: date
    status: str = ServiceStatus.PLANNED
    started_on: date | None = None
    completed_on: date | None = None
    consent_recorded: bool = False
    outcome: str = ""


def service_input_errors(data: ServiceInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.service_type not in ServiceType.values:
        errors["service_type"] = [_("Choose a service from the list.")]
    if data.status not in ServiceStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    if data.completed_on and data.status == ServiceStatus.PLANNED:
        errors["status"] = [_("A service with a completion date is no longer planned.")]
    if data.status in FINISHED_SERVICE_STATUSES - {ServiceStatus.DONE} and not data.outcome.strip():
        errors["outcome"] = [_("Say what happened.")]
    if data.started_on and data.completed_on and data.completed_on < data.started_on:
        errors["completed_on"] = [_("The service cannot end before it started.")]
    today = timezone.localdate()
    for name in ("started_on", "completed_on"):
        value = getattr(data, name)
        if value and value > today:
            errors[name] = [_("The date cannot be in the future.")]
    return errors


@transaction.atomic
def service_plan(*, case: Case, data: ServiceInput, acting_user: User) -> CaseService:
    _require_case_worker(acting_user)
    _require_open(case)
    raise_first(service_input_errors(data))
    if refusal := legal.mediation_refusal(case=case, service_type=data.service_type):
        raise refusal
    service = CaseService.objects.create(case=case, **input_values(data))
    audit_log(
        actor=acting_user,
        action=CaseAction.SERVICE_PLANNED,
        target=case,
        data={"service": str(service.uuid), "type": data.service_type, "status": data.status},
    )
    return service


@transaction.atomic
def service_update(
    *, service: CaseService, data: ServiceInput, expected_version: int, acting_user: User
) -> CaseService:
    _require_case_worker(acting_user)
    _require_open(service.case)
    raise_first(service_input_errors(data))
    # A mediation planned before may still be stopped (declined, refused); never carried on.
    stopping = data.status in (ServiceStatus.DECLINED_BY_FAMILY, ServiceStatus.REFUSED_BY_PROVIDER)
    if not stopping and (refusal := legal.mediation_refusal(case=service.case, service_type=data.service_type)):
        raise refusal
    if not CaseService.objects.filter(pk=service.pk, version=expected_version).update(version=F("version") + 1):
        raise _stale(service.case)
    service = CaseService.objects.select_for_update().get(pk=service.pk)
    changed = sorted(name for name, value in input_values(data).items() if getattr(service, name) != value)
    for name, value in input_values(data).items():
        setattr(service, name, value)
    service.save()
    audit_log(
        actor=acting_user,
        action=CaseAction.SERVICE_UPDATED,
        target=service.case,
        data={"service": str(service.uuid), "fields": changed, "status": data.status},
    )
    return service


@dataclass
class FollowUpInput:
    visited_on: date
    safety: int
    physical_health: int
    emotional_wellbeing: int
    schooling: int
    family_support: int
    notes: str = ""
    next_follow_up_on: date | None = None


def follow_up_input_errors(data: FollowUpInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.visited_on > timezone.localdate():
        errors["visited_on"] = [_("The date cannot be in the future.")]
    for name in RECOVERY_DIMENSIONS:
        value = getattr(data, name)
        if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[name] = [_("Choose a score from 1 to 4.")]
    if data.next_follow_up_on and data.next_follow_up_on <= data.visited_on:
        errors["next_follow_up_on"] = [_("The next follow-up comes after this visit.")]
    return errors


@transaction.atomic
def follow_up_record(*, case: Case, data: FollowUpInput, acting_user: User) -> FollowUp:
    _require_case_worker(acting_user)
    _require_open(case)
    if case.status == CaseStatus.REGISTERED:
        raise DomainError(_("Assess the case before recording follow-ups."), code="wrong_step")
    raise_first(follow_up_input_errors(data))
    follow_up = FollowUp.objects.create(case=case, visited_by=acting_user, **input_values(data))
    audit_log(
        actor=acting_user,
        action=CaseAction.FOLLOW_UP_RECORDED,
        target=case,
        data={"follow_up": follow_up.pk, **{name: getattr(data, name) for name in RECOVERY_DIMENSIONS}},
    )
    return follow_up


@transaction.atomic
def case_note_add(*, case: Case, body: str, acting_user: User) -> CaseNote:
    _require_case_worker(acting_user)
    _require_open(case)
    body = body.strip()
    if not 1 <= len(body) <= 5000:
        raise DomainError(_("Write a note of at most 5,000 characters."), code="invalid", field="body")
    note = CaseNote.objects.create(case=case, author=acting_user, body=body)
    audit_log(actor=acting_user, action=CaseAction.NOTE_ADDED, target=case, data={"note": note.pk})
    return note


def case_record_view(*, case: Case, acting_user: User, what: str = "case") -> None:
    """Reading identifying data leaves a row in the audit trail ("who opened this case")."""
    audit_log(actor=acting_user, action=CaseAction.VIEWED, target=case, data={"what": what})
