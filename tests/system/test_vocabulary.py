"""The domain's words, defined once (style rule 16): which reports wait, which cases are open,
what is overdue, which fields identify someone, which audit actions exist, how long is said.
Pages, alerts, the dashboard and exports use these definitions, so they agree by construction;
the last tests check that they do."""

import ast
import importlib
import io
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from alerts import services as alert_services
from alerts.models import Alert, AlertKind
from areas.models import Kelurahan
from cases.case_selectors import CaseFilters, case_list
from cases.choices import CaseStatus, ClosureReason, ServiceStatus
from cases.models import Case, CaseService, Child, FollowUp
from cases.services import ChildInput, case_add_child, child_match_key, child_possible_duplicates
from core.audit import AuditAction
from core.fields import ENCRYPTED_FIELD_TYPES, EncryptedFileNameField, EncryptedTextField, identifying_fields
from core.models import AuditEvent
from core.periods import Period
from core.wording import duration_in_words
from dashboard.staff_selectors import workload
from reports.choices import Priority, RejectionReason, Status
from reports.models import Report
from reports.priority import response_hours
from tests.cases_data import new_report, provider

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
references = count(1)


def a_case(officer, status=CaseStatus.SERVICES) -> Case:
    closed = (
        {"closed_at": timezone.now(), "closure_reason": ClosureReason.GOALS_MET} if status == CaseStatus.CLOSED else {}
    )
    return Case.objects.create(
        reference=f"UJI-{next(references):05d}",
        status=status,
        kelurahan=Kelurahan.objects.get(name="Gunung Samarinda"),
        assigned_officer=officer,
        **closed,
    )


def a_service(case, planned_on, status=ServiceStatus.PLANNED, completed_on=None) -> CaseService:
    return CaseService.objects.create(
        case=case,
        service_type="kesehatan",
        provider=provider(),
        planned_on=planned_on,
        status=status,
        completed_on=completed_on,
    )


def a_visit(case, officer, visited_on, next_follow_up_on) -> FollowUp:
    scores = dict.fromkeys(("safety", "physical_health", "emotional_wellbeing", "schooling", "family_support"), 3)
    return FollowUp.objects.create(
        case=case, visited_on=visited_on, visited_by=officer, next_follow_up_on=next_follow_up_on, **scores
    )


# --- reports --------------------------------------------------------------------------------------


def test_waiting_reports_are_the_new_and_the_acknowledged_ones():
    reports = {status: new_report() for status in Status.values}
    for status, report in reports.items():
        Report.objects.filter(pk=report.pk).update(
            status=status,
            acknowledged_at=None if status == Status.NEW else timezone.now(),
            rejection_reason=RejectionReason.values[0] if status == Status.REJECTED else "",
        )

    waiting = set(Report.objects.waiting().values_list("status", flat=True))

    assert waiting == {Status.NEW, Status.ACKNOWLEDGED}
    assert {status for status, report in reports.items() if Report.objects.get(pk=report.pk).is_waiting} == waiting


def test_unacknowledged_reports_are_new_and_never_looked_at():
    new, acknowledged = new_report(), new_report()
    Report.objects.filter(pk=acknowledged.pk).update(status=Status.ACKNOWLEDGED, acknowledged_at=timezone.now())

    assert list(Report.objects.unacknowledged()) == [new]


def test_a_report_is_overdue_from_the_second_after_its_deadline_until_someone_acknowledges_it():
    report = new_report()
    due = report.acknowledge_due_at

    def overdue(now):
        loaded = Report.objects.get(pk=report.pk)
        in_query = Report.objects.overdue(now).filter(pk=report.pk).exists()
        assert in_query == loaded.is_overdue(now), "the query and the loaded report disagree"
        return in_query

    assert not overdue(due)
    assert overdue(due + timedelta(seconds=1))
    Report.objects.filter(pk=report.pk).update(status=Status.ACKNOWLEDGED, acknowledged_at=due + timedelta(hours=1))
    assert not overdue(due + timedelta(hours=2))
    assert Report.objects.get(pk=report.pk).acknowledged_late


@pytest.mark.parametrize("step", ["acknowledge", "supervisor", "head"])
def test_a_response_time_has_passed_from_its_very_second(step):
    report = new_report()
    deadline = report.received_at + timedelta(hours=response_hours(report.priority, step))

    assert not Report.objects.past(step, deadline - timedelta(seconds=1)).filter(pk=report.pk).exists()
    assert Report.objects.past(step, deadline).filter(pk=report.pk).exists()


def test_each_priority_passes_at_its_own_hours(settings):
    settings.REPORT_RESPONSE_HOURS = {
        Priority.DARURAT: {"acknowledge": 1, "supervisor": 1, "head": 2},
        Priority.TINGGI: {"acknowledge": 5, "supervisor": 5, "head": 9},
        Priority.BIASA: {"acknowledge": 24, "supervisor": 24, "head": 48},
    }
    reports = {priority: new_report() for priority in Priority.values}
    for priority, report in reports.items():
        Report.objects.filter(pk=report.pk).update(priority=priority)
    received = min(report.received_at for report in reports.values())

    past = set(Report.objects.past("supervisor", received + timedelta(hours=6)).values_list("priority", flat=True))

    assert past == {Priority.DARURAT, Priority.TINGGI}


# --- cases ----------------------------------------------------------------------------------------


def test_open_cases_are_every_step_but_closed(officer):
    for status in CaseStatus.values:
        a_case(officer, status)

    assert set(Case.objects.open().values_list("status", flat=True)) == set(CaseStatus.values) - {CaseStatus.CLOSED}


def test_the_next_follow_up_is_the_one_the_latest_visit_planned(officer):
    today = timezone.localdate()
    case, unvisited = a_case(officer), a_case(officer)
    a_visit(case, officer, today - timedelta(days=20), next_follow_up_on=today + timedelta(days=30))
    a_visit(case, officer, today - timedelta(days=5), next_follow_up_on=today + timedelta(days=2))

    found = {row.pk: row.next_follow_up for row in Case.objects.with_next_follow_up()}

    assert found == {case.pk: today + timedelta(days=2), unvisited.pk: None}


def test_a_follow_up_is_overdue_from_the_day_after_it_was_due_in_an_open_case_only(officer):
    today = timezone.localdate()
    due = {}
    for name, next_on, status in [
        ("yesterday", today - timedelta(days=1), CaseStatus.MONITORING),
        ("today", today, CaseStatus.MONITORING),
        ("closed", today - timedelta(days=9), CaseStatus.CLOSED),
        ("no plan", None, CaseStatus.MONITORING),
    ]:
        due[name] = a_case(officer, status)
        a_visit(due[name], officer, today - timedelta(days=10), next_follow_up_on=next_on)

    assert list(Case.objects.follow_up_overdue(today)) == [due["yesterday"]]


def test_a_service_is_overdue_when_unfinished_after_its_planned_day_in_an_open_case(officer):
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    case, closed = a_case(officer), a_case(officer, CaseStatus.CLOSED)
    overdue = [a_service(case, yesterday), a_service(case, yesterday, ServiceStatus.IN_PROGRESS)]
    for status in (ServiceStatus.DONE, ServiceStatus.DECLINED_BY_FAMILY, ServiceStatus.REFUSED_BY_PROVIDER):
        a_service(case, yesterday, status)
    a_service(case, today)
    a_service(case, yesterday, ServiceStatus.IN_PROGRESS, completed_on=yesterday)
    a_service(closed, yesterday)

    assert list(CaseService.objects.overdue(today)) == overdue
    flagged = [service for service in CaseService.objects.with_overdue(today) if service.is_overdue]
    assert flagged == overdue


def test_the_case_pages_the_dashboard_and_the_reminders_count_the_same_overdue_work(officer, supervisor, settings):
    settings.REMINDER_SUPERVISOR_AFTER_DAYS = 30
    settings.CASE_INACTIVE_DAYS = 365
    today = timezone.localdate()
    late, on_time, closed = a_case(officer), a_case(officer), a_case(officer, CaseStatus.CLOSED)
    for case in (late, closed):
        a_service(case, today - timedelta(days=2))
        a_service(case, today - timedelta(days=2), ServiceStatus.IN_PROGRESS, completed_on=today - timedelta(days=1))
        a_visit(case, officer, today - timedelta(days=9), next_follow_up_on=today - timedelta(days=1))
    a_service(on_time, today)
    a_visit(on_time, officer, today - timedelta(days=9), next_follow_up_on=today)

    listed = {case.pk: case for case in case_list(user=supervisor, filters=CaseFilters(status="all"), today=today)}
    work = workload(period=Period(start=today - timedelta(days=30), end=today), kecamatan=None, today=today)
    alert_services.reminder_sweep(now=timezone.now())
    reminded = list(Alert.objects.values_list("kind", "case"))

    assert sum(case.overdue_services for case in listed.values()) == work.overdue_services == 1
    assert sorted(reminded) == sorted([(AlertKind.SERVICE_DUE, late.pk), (AlertKind.FOLLOW_UP_DUE, late.pk)])
    assert work.overdue_follow_ups == 1
    assert listed[late.pk].next_follow_up < today <= listed[on_time.pk].next_follow_up


# --- identifying fields ----------------------------------------------------------------------------


def test_the_identifying_fields_are_every_encrypted_field_of_every_model():
    for model in apps.get_models():
        encrypted = [
            field.name for field in model._meta.local_concrete_fields if isinstance(field, ENCRYPTED_FIELD_TYPES)
        ]
        assert list(identifying_fields(model)) == encrypted, model._meta.label

    assert identifying_fields(Report) == (
        "source_contact_person",
        "narrative",
        "address_detail",
        "landmark",
        "child_name",
        "reporter_contact",
        "reporter_name",
        "contact_consent_note",
    )
    assert identifying_fields(Case) == (
        "needs",
        "closure_explanation",
        "closure_justification",
        "closing_message",
        "legal_hold_reason",
    )
    assert identifying_fields(Child) == ("name", "birth_date", "guardian_contact")
    assert identifying_fields(Case, through="case_link__case") == (
        "case_link__case__needs",
        "case_link__case__closure_explanation",
        "case_link__case__closure_justification",
        "case_link__case__closing_message",
        "case_link__case__legal_hold_reason",
    )


def test_every_encrypted_field_type_of_core_counts_as_identifying():
    from core import fields

    field_types = {
        value
        for value in vars(fields).values()
        if isinstance(value, type) and value.__module__ == fields.__name__ and issubclass(value, fields.models.Field)
    }

    assert field_types == {EncryptedTextField, EncryptedFileNameField} == set(ENCRYPTED_FIELD_TYPES)


# --- audit actions -------------------------------------------------------------------------------


def declared_actions() -> dict[str, type[AuditAction]]:
    for app in APPS:
        if (ROOT / app / "audit.py").exists():
            importlib.import_module(f"{app}.audit")
    return {member.value: kind for kind in AuditAction.__subclasses__() for member in kind}


def action_literals() -> list[tuple[str, int, str]]:
    """(file, line, text) of every string given as `action=` in the apps' code: audit_log calls
    and filters on AuditEvent.action alike (argparse's action="store_true" is no audit action)."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "action":
                    for value in ast.walk(node.value):
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            found.append((str(path.relative_to(ROOT)), value.lineno, value.value))
    return [item for item in found if item[2] not in {"store_true", "store_false", "append", "count"}]


def test_every_audit_action_is_declared_once_under_its_own_app():
    declared = declared_actions()
    members = [member for kind in AuditAction.__subclasses__() for member in kind]

    assert len(members) == len(declared), "an audit action is declared twice"
    for value, kind in declared.items():
        app = importlib.import_module(kind.__module__).__name__.split(".")[0]
        assert value.split(".")[0] in {app, "reports"}, f"{value} declared in {kind.__module__}"
        assert value.count(".") == 1 and value == value.lower()


def test_code_names_audit_actions_only_through_their_constants():
    declared = declared_actions()
    literals = action_literals()

    undeclared = [f"{path}:{line} {text}" for path, line, text in literals if text not in declared]
    assert not undeclared, "audit actions that are not declared in an app's audit module:\n" + "\n".join(undeclared)
    raw = [f"{path}:{line} {text}" for path, line, text in literals]
    assert not raw, "name audit actions by their constant (<app>.audit), not as a string:\n" + "\n".join(raw)


def test_a_read_is_not_a_change(officer):
    case = a_case(officer)
    AuditEvent.objects.create(actor=officer, action="cases.viewed", target_type="cases.case", target_id=str(case.pk))
    AuditEvent.objects.create(actor=officer, action="cases.assessed", target_type="cases.case", target_id=str(case.pk))

    assert list(AuditEvent.objects.changes().values_list("action", flat=True)) == ["cases.assessed"]


# --- durations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=20), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2, minutes=59), "2 hours"),
        (timedelta(hours=24), "1 day"),  # a reporter's promise: "within 1 day"
        (timedelta(hours=24, minutes=1), "24 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(hours=72), "3 days"),
        (timedelta(days=3, hours=5), "3 days"),
    ],
)
def test_a_duration_is_said_the_same_way_everywhere(span, words):
    with translation.override("en"):
        assert duration_in_words(span) == words


# --- the same child ---------------------------------------------------------------------------------


def test_match_keys_have_their_own_secret_and_survive_a_new_secret_key(settings):
    before = child_match_key("Siti Aminah", 2015)

    settings.SECRET_KEY = "another-secret-key-" + "x" * 50
    assert child_match_key("Siti Aminah", 2015) == before

    settings.CHILD_MATCH_SECRET = "another-child-match-secret-" + "y" * 32
    assert child_match_key("Siti Aminah", 2015) != before


def test_after_a_new_match_secret_the_recompute_command_finds_the_same_child_again(officer, settings):
    first, second = a_case(officer), a_case(officer)
    case_add_child(case=first, data=ChildInput(name="Siti Aminah", birth_date=date(2015, 4, 2)), acting_user=officer)
    case_add_child(case=first, data=ChildInput(name="Budi", age=9), acting_user=officer)

    def others(name, **known):
        return child_possible_duplicates(name=name, exclude_case=second, **{"birth_date": None, "age": None, **known})

    assert others("Siti Aminah", birth_date=date(2015, 1, 1)) == [first]
    settings.CHILD_MATCH_SECRET = "a-new-child-match-secret-" + "z" * 32
    assert others("Siti Aminah", birth_date=date(2015, 1, 1)) == []

    out = io.StringIO()
    with translation.override("en"):
        call_command("recompute_child_match_keys", batch_size=1, stdout=out)

    assert others("Siti Aminah", birth_date=date(2015, 1, 1)) == [first]
    assert others("Budi", age=9) == [first]
    assert "1 of 2 children checked" in out.getvalue() and "2 match keys recomputed" in out.getvalue()
    assert AuditEvent.objects.get(action="cases.match_keys_recomputed").data == {"children": 2, "changed": 2}
    call_command("recompute_child_match_keys", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="cases.match_keys_recomputed").latest("pk").data["changed"] == 0
