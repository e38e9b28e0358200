"""Who may do what: the one answer to "may this person triage / see identities / supervise?".

A role is a set of capabilities (ROLE_CAPABILITIES); code asks for a capability, never for a
role. The access modules, the services' guards, the views' decorator (accounts.decorators), the
API's permission (accounts.permissions), the staff menu (accounts.context_processors) and the
choice of alert recipients all ask here. Nobody, a visitor and a switched-off account hold none.

Which records a capability reaches (an officer's own cases, a volunteer's own RTs) is decided by
each app's access module; the second factor is checked by the decorator and the permission.
A new role is one entry in ROLE_CAPABILITIES, with its `Role` choice and a column in
tests/system/test_access_matrix.py (docs/architecture.md, "Adding a role").
"""

from enum import StrEnum

from django.db.models import QuerySet

from .models import Role, User


class Capability(StrEnum):
    # --- reports and cases
    # the report inbox and report content; acknowledging, prioritising, accepting, rejecting reports
    TRIAGE = "triage"
    # record a complaint that came in by walk-in, phone, WhatsApp, letter, referral or outreach
    RECORD_INTAKE = "record_intake"
    # the case list and case pages (an officer: only their own cases, cases.access)
    READ_CASES = "read_cases"
    # every case and every report, not only one's own
    READ_ALL_CASES = "read_all_cases"
    # names, contacts, narratives, notes and children in reports and cases
    SEE_IDENTITIES = "see_identities"
    # change a case one is assigned to
    WORK_ON_CASES = "work_on_cases"
    # be the officer, or the second officer, in charge of a case
    TAKE_CASES = "take_cases"
    # change any case; decide closures, reopen, assign; name the officer of a new case; read who
    # opened a case; unlock an outreach session
    SUPERVISE = "supervise"
    # place and release a legal hold on a case: the retention schedule leaves its data alone while it
    # holds (a supervisor's decision with a reason, issue 21); whoever reads the case sees that it holds
    PLACE_LEGAL_HOLD = "place_legal_hold"
    # --- figures and files
    SEE_DASHBOARD = "see_dashboard"
    # the de-identified cases export and the SIMFONI-PPA list
    EXPORT = "export"
    # the cases export with identities (audited)
    EXPORT_IDENTITIES = "export_identities"
    # --- outreach
    # sessions, child-care groups and Forum Anak activities in one's own RTs
    LOG_OUTREACH = "log_outreach"
    # submit a report on someone's behalf (the volunteer channel)
    REPORT_FOR_RT = "report_for_rt"
    # every outreach record, coverage, targeting and the outreach exports
    READ_OUTREACH = "read_outreach"
    # the agency's own outreach: Forum Anak activities of the city, a kecamatan or a kelurahan, and
    # partner organisations (business, media, ...) and their activities
    RECORD_AGENCY_OUTREACH = "record_agency_outreach"
    # --- alerts
    # in-app notifications and notification preferences
    RECEIVE_ALERTS = "receive_alerts"
    # be on duty: told of every new report
    GO_ON_DUTY = "go_on_duty"
    # told of what officers leave waiting: new reports when nobody is on duty (and every urgent one),
    # reports unacknowledged at level 2, follow-ups and services still overdue, quiet cases
    ESCALATION_LEVEL_2 = "escalation_level_2"
    # told of reports still unacknowledged at level 3
    ESCALATION_LEVEL_3 = "escalation_level_3"
    # the escalation ladder: every overdue report
    SEE_ESCALATIONS = "see_escalations"
    # warned on every staff page when alerts are not going out
    WATCH_ALERTING = "watch_alerting"
    # --- accounts
    # give the officer, supervisor and head roles, and reset those accounts' logins
    GRANT_ROLES = "grant_roles"
    # emailed about every role grant and login reset
    HEAR_OF_GRANTS = "hear_of_grants"
    # the admin site: accounts, areas and reference data, never case content
    ADMINISTER = "administer"
    # --- privacy (UU 27/2022 PDP)
    # the audit trail: who did what to which record and when, never the content
    READ_AUDIT_TRAIL = "read_audit_trail"
    # the data-subject requests and breach registers, without their free text; told of every breach
    READ_PRIVACY_REGISTERS = "read_privacy_registers"
    # record and answer requests and breaches, read their free text; reminded of their deadlines
    MANAGE_PRIVACY_REGISTERS = "manage_privacy_registers"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.VOLUNTEER: frozenset({Capability.LOG_OUTREACH, Capability.REPORT_FOR_RT}),
    Role.OFFICER: frozenset(
        {
            Capability.TRIAGE,
            Capability.RECORD_INTAKE,
            Capability.READ_CASES,
            Capability.SEE_IDENTITIES,
            Capability.WORK_ON_CASES,
            Capability.TAKE_CASES,
            Capability.READ_OUTREACH,
            Capability.RECORD_AGENCY_OUTREACH,
            Capability.RECEIVE_ALERTS,
            Capability.GO_ON_DUTY,
            Capability.WATCH_ALERTING,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Capability.TRIAGE,
            Capability.RECORD_INTAKE,
            Capability.READ_CASES,
            Capability.READ_ALL_CASES,
            Capability.SEE_IDENTITIES,
            Capability.WORK_ON_CASES,
            Capability.SUPERVISE,
            Capability.PLACE_LEGAL_HOLD,
            Capability.SEE_DASHBOARD,
            Capability.EXPORT,
            Capability.EXPORT_IDENTITIES,
            Capability.READ_OUTREACH,
            Capability.RECORD_AGENCY_OUTREACH,
            Capability.RECEIVE_ALERTS,
            Capability.ESCALATION_LEVEL_2,
            Capability.SEE_ESCALATIONS,
            Capability.WATCH_ALERTING,
            Capability.GRANT_ROLES,
        }
    ),
    # Oversight without identities, and no triage (design: separation of duties).
    Role.HEAD: frozenset(
        {
            Capability.READ_CASES,
            Capability.READ_ALL_CASES,
            Capability.SEE_DASHBOARD,
            Capability.EXPORT,
            Capability.READ_OUTREACH,
            Capability.RECEIVE_ALERTS,
            Capability.ESCALATION_LEVEL_3,
            Capability.SEE_ESCALATIONS,
            Capability.WATCH_ALERTING,
            Capability.GRANT_ROLES,
            Capability.HEAR_OF_GRANTS,
            Capability.READ_PRIVACY_REGISTERS,
        }
    ),
    # UU PDP Pasal 53: reads the audit trail and keeps the privacy registers; never a report or a
    # case (design: separation of duties).
    Role.DPO: frozenset(
        {
            Capability.READ_AUDIT_TRAIL,
            Capability.READ_PRIVACY_REGISTERS,
            Capability.MANAGE_PRIVACY_REGISTERS,
            Capability.RECEIVE_ALERTS,
            Capability.WATCH_ALERTING,
        }
    ),
    # Keeps the system running; reads no report or case.
    Role.ADMIN: frozenset({Capability.ADMINISTER, Capability.WATCH_ALERTING}),
}


def user_can(user: User | None, capability: Capability) -> bool:
    """Whether `user` holds `capability`: never nobody, a visitor or a switched-off account."""
    if user is None or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(getattr(user, "role", None), frozenset())


def roles_with(capability: Capability) -> frozenset[str]:
    return frozenset(role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities)


def holders(capability: Capability) -> QuerySet[User]:
    """The switched-on accounts holding `capability` (alert recipients, the officers to choose from)."""
    return User.objects.filter(role__in=roles_with(capability), is_active=True)
