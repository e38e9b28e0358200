"""manage.py seed_volume: volume data for benchmarks that the real pages, the status check and
the alert sweep treat exactly like real data."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from alerts import services as alert_services
from alerts.models import Alert, AlertKind
from alerts.tasks import sweep
from areas.models import Kecamatan
from cases.models import Case, CaseReport, CaseService, Child, FollowUp
from devdata.volume import UUID_HIGH, UUID_LOW
from outreach.models import OutreachSession
from reports.choices import Priority, Status
from reports.models import Report
from tests.conftest import login_as

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMALL = {"reports": 300, "cases": 60, "sessions": 50, "due": 5, "seed": 11, "force": True}


def seed(**options):
    call_command("seed_volume", **(SMALL | options))


def generated(model):
    return model.objects.filter(uuid__range=(UUID_LOW, UUID_HIGH))


def counts() -> dict[str, int]:
    return {
        "reports": generated(Report).count(),
        "cases": generated(Case).count(),
        "case_reports": CaseReport.objects.filter(case__in=generated(Case)).count(),
        "children": Child.objects.filter(case__in=generated(Case)).count(),
        "services": generated(CaseService).count(),
        "follow_ups": FollowUp.objects.filter(case__in=generated(Case)).count(),
        "sessions": generated(OutreachSession).count(),
    }


@pytest.fixture
def codes(tmp_path):
    path = tmp_path / "codes.txt"
    seed(codes_out=str(path))
    return path.read_text().split()


def test_it_generates_the_counts_and_spread_asked_for_with_real_ciphertext(codes):
    assert generated(Report).count() == 300
    assert generated(Case).count() == 60
    assert generated(OutreachSession).count() == 50
    assert len(codes) == 300
    accepted = generated(Report).filter(status=Status.ACCEPTED)
    assert accepted.count() == 60
    assert CaseReport.objects.filter(report__in=accepted).values("case").distinct().count() == 60
    assert not generated(Case).filter(children__isnull=True).exists()
    # Every service of a case past the plan, as the case steps require.
    assert not generated(Case).filter(status="services", services__isnull=True).exists()

    reports = generated(Report)
    assert set(reports.values_list("priority", flat=True)) == set(Priority.values)
    assert set(reports.values_list("status", flat=True)) == set(Status.values)
    assert set(reports.values_list("kelurahan__kecamatan", flat=True)) == set(
        Kecamatan.objects.values_list("pk", flat=True)
    )
    years = {received.year for received in reports.values_list("received_at", flat=True)}
    assert len(years) >= 3
    # Most cases are old and closed; the recent ones stand in the earlier steps.
    assert len(set(generated(Case).values_list("status", flat=True))) >= 5

    # Real Fernet tokens in the columns, which the models decrypt.
    report = generated(Report).exclude(child_name="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, child_name FROM reports_report WHERE id = %s", [report.pk])
        narrative_token, name_token = cursor.fetchone()
    assert narrative_token.startswith("gAAAAA") and name_token.startswith("gAAAAA")
    assert " " in report.narrative and len(report.child_name) > 3


def test_its_receipt_codes_open_the_status_page_and_staff_pages_render(client, codes):
    for code in codes[:3]:
        response = client.post("/lapor/status/", {"receipt_code": code})
        assert response.status_code == 200
    wrong = f"{(int(codes[0]) + 1) % 10**16:016d}"
    if wrong not in codes:
        assert client.post("/lapor/status/", {"receipt_code": wrong}).status_code == 404

    officer = User.objects.get(username="volume-petugas01")
    login_as(client, officer)
    assert client.get("/staf/laporan/").status_code == 200
    case = Case.objects.filter(assigned_officer=officer).order_by("?").first()
    assert client.get(f"/staf/kasus/{case.uuid}/").status_code == 200
    assert client.get("/staf/kasus/").status_code == 200
    report = Report.objects.filter(case_link__case=case).first()
    assert client.get(f"/staf/laporan/{report.uuid}/").status_code == 200
    assert client.get("/staf/sosialisasi/").status_code == 200
    client.logout()
    login_as(client, User.objects.get(username="volume-koordinator1"))
    start = (timezone.localdate() - timedelta(days=4 * 365)).isoformat()
    export = client.get(
        "/staf/ekspor/unduh/",
        {
            "start": start,
            "end": timezone.localdate().isoformat(),
            "kind": "simfoni",
            "format": "csv",
            "include_identities": "on",
        },
    )
    assert export.status_code == 200
    assert b"".join(export.streaming_content if export.streaming else [export.content]).count(b"\n") > 60
    client.logout()
    login_as(client, User.objects.get(username="volume-kepala"))
    assert client.get("/staf/dasbor/").status_code == 200
    client.logout()
    assert client.get("/statistik/").status_code == 200


def test_the_escalation_sweep_finds_exactly_the_due_reports(codes):
    now = timezone.now()
    assert alert_services.reminder_sweep(now=now) == 0
    sweep()
    assert Alert.objects.count() == 5
    assert set(Alert.objects.values_list("kind", flat=True)) == {AlertKind.ESCALATION_SUPERVISOR}
    assert alert_services.escalation_sweep(now=timezone.now()) == 0


def test_reset_removes_generated_data_and_keeps_demo_data():
    call_command("seed_demo", force=True)
    demo_reports, demo_cases, demo_users = Report.objects.count(), Case.objects.count(), User.objects.count()
    seed()
    assert Report.objects.count() == demo_reports + 300
    users = User.objects.count()
    sweep()  # alerts about generated reports must go with them
    call_command("seed_volume", reset=True, force=True)
    assert Report.objects.count() == demo_reports
    assert Case.objects.count() == demo_cases
    assert User.objects.count() == users >= demo_users
    assert User.objects.filter(username="petugas", role=Role.OFFICER).exists()
    assert counts() == dict.fromkeys(counts(), 0)


def test_running_twice_with_reset_gives_the_same_counts():
    seed(reset=True)
    first = counts()
    seed(reset=True)
    assert counts() == first
    assert first["reports"] == 300 and first["cases"] == 60


def test_it_refuses_impossible_counts():
    with pytest.raises(CommandError):
        call_command("seed_volume", reports=10, cases=8, due=5, force=True)
