"""Who may do what is accounts.capabilities, and only there.

The table is pinned role by role (a change to it is a decision, made here and in the access
matrix); the code is searched for role rules made anywhere else; the staff menu follows it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from accounts.capabilities import ROLE_CAPABILITIES, Capability, holders, roles_with, user_can
from accounts.models import Role
from tests.conftest import login_as

C = Capability
EXPECTED = {
    Role.VOLUNTEER: {C.LOG_OUTREACH, C.REPORT_FOR_RT},
    Role.OFFICER: {
        C.TRIAGE,
        C.RECORD_INTAKE,
        C.READ_CASES,
        C.SEE_IDENTITIES,
        C.WORK_ON_CASES,
        C.TAKE_CASES,
        C.READ_OUTREACH,
        C.RECORD_AGENCY_OUTREACH,
        C.RECEIVE_ALERTS,
        C.GO_ON_DUTY,
        C.WATCH_ALERTING,
    },
    Role.SUPERVISOR: {
        C.TRIAGE,
        C.RECORD_INTAKE,
        C.READ_CASES,
        C.READ_ALL_CASES,
        C.SEE_IDENTITIES,
        C.WORK_ON_CASES,
        C.SUPERVISE,
        C.PLACE_LEGAL_HOLD,
        C.SEE_DASHBOARD,
        C.EXPORT,
        C.EXPORT_IDENTITIES,
        C.READ_OUTREACH,
        C.RECORD_AGENCY_OUTREACH,
        C.RECEIVE_ALERTS,
        C.ESCALATION_LEVEL_2,
        C.SEE_ESCALATIONS,
        C.WATCH_ALERTING,
        C.GRANT_ROLES,
    },
    Role.HEAD: {
        C.READ_CASES,
        C.READ_ALL_CASES,
        C.SEE_DASHBOARD,
        C.EXPORT,
        C.READ_OUTREACH,
        C.RECEIVE_ALERTS,
        C.ESCALATION_LEVEL_3,
        C.SEE_ESCALATIONS,
        C.WATCH_ALERTING,
        C.GRANT_ROLES,
        C.HEAR_OF_GRANTS,
        C.READ_PRIVACY_REGISTERS,
    },
    Role.DPO: {
        C.READ_AUDIT_TRAIL,
        C.READ_PRIVACY_REGISTERS,
        C.MANAGE_PRIVACY_REGISTERS,
        C.RECEIVE_ALERTS,
        C.WATCH_ALERTING,
    },
    Role.ADMIN: {C.ADMINISTER, C.WATCH_ALERTING},
}
PERSONAS = {
    "volunteer": Role.VOLUNTEER,
    "officer": Role.OFFICER,
    "supervisor": Role.SUPERVISOR,
    "head": Role.HEAD,
    "dpo": Role.DPO,
    "sysadmin": Role.ADMIN,
}


# --- the table ---------------------------------------------------------------------------------------


def test_every_role_has_an_entry():
    assert set(ROLE_CAPABILITIES) == set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_each_role_holds_exactly_its_capabilities(role):
    assert ROLE_CAPABILITIES[role] == EXPECTED[role]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_person_holds_the_capabilities_of_their_role(db, request, persona):
    user = request.getfixturevalue(persona)
    assert {capability for capability in Capability if user_can(user, capability)} == EXPECTED[PERSONAS[persona]]


def test_separation_of_duties():
    assert roles_with(C.SEE_IDENTITIES) == {Role.OFFICER, Role.SUPERVISOR}, "the head sees no identities"
    assert roles_with(C.EXPORT_IDENTITIES) <= roles_with(C.SEE_IDENTITIES) & roles_with(C.EXPORT)
    assert not ROLE_CAPABILITIES[Role.ADMIN] & {C.TRIAGE, C.READ_CASES, C.READ_OUTREACH, C.GRANT_ROLES}
    assert not ROLE_CAPABILITIES[Role.ADMIN] & {C.READ_AUDIT_TRAIL, C.READ_PRIVACY_REGISTERS}
    # The data protection officer reads the audit trail and the registers, never a report or a case.
    assert not ROLE_CAPABILITIES[Role.DPO] & {C.TRIAGE, C.READ_CASES, C.SEE_IDENTITIES, C.SEE_DASHBOARD, C.EXPORT}
    assert roles_with(C.MANAGE_PRIVACY_REGISTERS) == {Role.DPO}
    assert roles_with(C.READ_AUDIT_TRAIL) == {Role.DPO}


def test_nobody_a_visitor_and_a_switched_off_account_hold_nothing(supervisor):
    supervisor.is_active = False
    for user in (None, AnonymousUser(), supervisor):
        assert not any(user_can(user, capability) for capability in Capability)


def test_holders_are_the_switched_on_accounts_of_the_roles_with_it(officer, other_officer, supervisor, head):
    other_officer.is_active = False
    other_officer.save()

    assert list(holders(C.TAKE_CASES)) == [officer]
    assert set(holders(C.GRANT_ROLES)) == {supervisor, head}


# --- nowhere else ----------------------------------------------------------------------------------

# A role named in code that is about the role itself, not about what its holder may do.
ROLE_IS_THE_SUBJECT = {
    "accounts/models.py": "defines the roles, the database constraints and the account rules (second factor)",
    "accounts/capabilities.py": "the table",
    "accounts/services.py": "creates accounts and grants roles",
    "accounts/admin.py": "the administrator creates accounts of a role",
    "accounts/forms.py": "the roles one can grant",
    "dashboard/public_selectors.py": "the public sees outreach as the head of agency does",
}
# Fictional data and benchmark generators create accounts of each role.
DATA_GENERATORS = re.compile(r"(^|/)(devdata|bench|management/commands)/|(^|/)(demo|volume)\.py$")
SKIPPED_DIRECTORIES = {".venv", "var", "tests", "migrations", "node_modules", "static", "locale", ".git"}
ROLE_RULE = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)"  # user.role == Role.X, user.role in SOME_ROLES
    r"|\brole(__in)?\s*=\s*Role\."  # filter(role=Role.X)
    r"|\{\s*Role\.\w+\s*[,}]"  # {Role.X, Role.Y}: a set of roles
    r"|\broles\s*="  # decorator(roles=...)
)
TEMPLATE_ROLE_RULE = re.compile(r"\buser\.role\b")


def source_files(suffix: str) -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [
        path
        for path in base.rglob(f"*{suffix}")
        if not SKIPPED_DIRECTORIES.intersection(path.relative_to(base).parts[:-1])
    ]


def test_no_role_rule_outside_the_capability_table():
    base = Path(settings.BASE_DIR)
    found = []
    for path in source_files(".py"):
        name = path.relative_to(base).as_posix()
        if name in ROLE_IS_THE_SUBJECT or DATA_GENERATORS.search(name):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ROLE_RULE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_ROLE_RULE.search(line):
                found.append(f"{path.relative_to(base)}:{number}: {line.strip()}")
    assert not found, "ask accounts.capabilities (user_can, `can` in templates), not the role:\n" + "\n".join(found)


def test_every_capability_is_asked_for_somewhere():
    table = Path(settings.BASE_DIR, "accounts", "capabilities.py")
    code = "\n".join(path.read_text() for path in source_files(".py") if path != table)
    templates = "\n".join(path.read_text() for path in Path(settings.BASE_DIR, "templates").rglob("*.html"))
    unused = [c.name for c in Capability if f"Capability.{c.name}" not in code and f"can.{c.value}" not in templates]
    assert not unused, f"capabilities nobody asks for: {unused}"


# --- the staff menu --------------------------------------------------------------------------------

# What the head and a supervisor oversee, in the menu's order.
OVERSIGHT_LINKS = [
    "dashboard_staff:index",
    "dashboard_export:index",
    "accounts:roles",
    "outreach_staff:coverage",
    "outreach_staff:forum",
    "outreach_staff:partners",
    "alerts:overdue",
]
ALERT_LINKS = ["alerts:inbox", "alerts:preferences"]
PRIVACY_LINKS = ["privacy:requests", "privacy:breaches"]
MENU = {
    "volunteer": ["outreach:home", "outreach:session_create", "outreach:sessions", "outreach:groups", "outreach:forum"],
    "officer": [
        "triage:inbox",
        "reports:intake",
        "cases:list",
        "outreach_staff:coverage",
        "outreach_staff:forum",
        "outreach_staff:partners",
        *ALERT_LINKS,
    ],
    "supervisor": ["triage:inbox", "reports:intake", "cases:list", "cases:approvals", *OVERSIGHT_LINKS, *ALERT_LINKS],
    "head": ["cases:list", *OVERSIGHT_LINKS, *PRIVACY_LINKS, *ALERT_LINKS],
    "dpo": [*PRIVACY_LINKS, "privacy:audit", *ALERT_LINKS],
    "sysadmin": ["accounts:staff_home", "admin:index"],
}


def menu_links(page) -> list[str]:
    start = page.index('<nav class="staff-nav"')
    nav = page[start : page.index("</nav>", start)]
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize("persona", MENU)
def test_the_menu_shows_what_the_person_may_open(db, client, request, persona):
    login_as(client, request.getfixturevalue(persona))
    expected = [reverse(name) for name in MENU[persona]]

    links = menu_links(client.get(expected[0]).text)

    assert links == expected
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_a_template_asking_for_no_capability_fails_loudly(db):
    template = engines["django"].from_string("{% if can.triaje %}yes{% endif %}")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(LookupError):
        template.render(request=request)
