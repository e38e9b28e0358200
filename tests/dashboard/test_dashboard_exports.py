import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.choices import ServiceStatus
from cases.models import Case, CaseService
from cases.services import ChildInput, case_add_child, case_add_perpetrator, service_plan
from core.models import AuditEvent
from core.periods import Period
from dashboard import exports
from dashboard.simfoni import PERPETRATOR_HEADER, VICTIM_HEADER
from tests.cases_data import new_report, service_input
from tests.reporting import NARRATIVE
from triage.services import report_accept

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard_export:index")
DOWNLOAD = reverse("dashboard_export:download")
CONTACT = "0812-5555-0101"
FORMULA = '=HYPERLINK("http://evil.example/x","klik")'


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def open_case(*, acting_user, officer, child_name="Budi Santoso", child_age=8, violence_types=("fisik",), **extra):
    report = new_report(
        child_name=child_name,
        child_age=child_age,
        child_sex="L",
        perpetrator_relation="orang_tua",
        violence_types=list(violence_types),
        place="rumah_tangga",
        **extra,
    )
    return report_accept(report=report, acting_user=acting_user, officer=officer)


@pytest.fixture
def case(supervisor, officer):
    """A bullying case at school: two children, a parent and a teacher, two services."""
    case = open_case(acting_user=supervisor, officer=officer, violence_types=("perundungan", "fisik"))
    case_add_child(
        case=case,
        data=ChildInput(
            name="Siti Aminah",
            birth_date=date(timezone.localdate().year - 14, 3, 5),
            age=14,
            sex="P",
            education="sltp",
            disability=True,
            guardian_contact=CONTACT,
        ),
        acting_user=officer,
    )
    case_add_perpetrator(
        case=case, relation="guru", lives_with_child=False, description="Wali kelas", acting_user=officer
    )
    service_plan(case=case, data=service_input(service_type="kesehatan"), acting_user=officer)
    service_plan(case=case, data=service_input(service_type="rehabilitasi_sosial"), acting_user=officer)
    return case


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_dicts(rows) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def flat_text(rows) -> str:
    return " ".join(str(value) for row in rows for value in row if value is not None)


# --- who may export --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [INDEX, DOWNLOAD])
def test_it_sends_anonymous_visitors_to_login(client, url, db):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("persona", ["volunteer", "officer", "sysadmin"])
@pytest.mark.parametrize("url", [INDEX, DOWNLOAD])
def test_it_refuses_other_staff(as_user, request, persona, url, case):
    response = as_user(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


def test_it_shows_the_identities_choice_to_supervisors_only(as_user, supervisor, head):
    page = as_user(supervisor).get(INDEX)
    assert page.status_code == 200
    assert 'name="include_identities"' in page.text
    assert page["Cache-Control"].startswith("max-age=0")
    page = as_user(head).get(INDEX)
    assert page.status_code == 200
    assert 'name="include_identities"' not in page.text
    assert f'action="{DOWNLOAD}"' in page.text


def test_it_refuses_identities_to_the_head(as_user, head, case):
    response = as_user(head).get(DOWNLOAD, {"include_identities": "on"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


@pytest.mark.parametrize("persona", ["officer", "head", "volunteer", "sysadmin"])
def test_the_selector_refuses_identities_to_all_but_supervisors(request, persona, case):
    period = Period(start=timezone.localdate() - timedelta(days=1), end=timezone.localdate())

    with pytest.raises(PermissionDenied):
        exports.cases_for_export(user=request.getfixturevalue(persona), period=period, identities=True)


@pytest.mark.parametrize("persona", ["officer", "volunteer", "sysadmin"])
def test_the_selector_refuses_any_export_to_those_who_may_not_export(request, persona, case):
    period = Period(start=timezone.localdate() - timedelta(days=1), end=timezone.localdate())

    with pytest.raises(PermissionDenied):
        exports.cases_for_export(user=request.getfixturevalue(persona), period=period, identities=False)


def test_it_gives_the_head_the_de_identified_export(as_user, head, case):
    rows = as_dicts(csv_rows(as_user(head).get(DOWNLOAD)))
    assert [row["Reference"] for row in rows] == [case.reference]
    assert "Budi" not in flat_text([row.values() for row in rows])


# --- the cases export ------------------------------------------------------------------------------


def test_it_writes_the_cases_export_in_the_page_language(client, as_user, supervisor, case):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    [row] = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD)))
    assert (row["Nomor"], row["Status"]) == (case.reference, "Terdaftar")


def test_it_exports_de_identified_cases_as_csv(as_user, supervisor, case):
    response = as_user(supervisor).get(DOWNLOAD, {"format": "csv", "kind": "cases"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="kasus-{timezone.localdate().isoformat()}.csv"'
    assert "no-cache" in response["Cache-Control"]
    rows = csv_rows(response)
    [row] = as_dicts(rows)
    assert row["Reference"] == case.reference
    assert row["Status"] == "Registered"
    assert row["Opened"] == timezone.localdate(case.opened_at).isoformat()
    assert row["Closed"] == ""
    assert (row["Kecamatan"], row["Kelurahan"]) == ("Balikpapan Utara", "Gunung Samarinda")
    assert row["Place"] == "At home"
    assert row["Forms of violence"] == "Physical (hitting, kicking, burning); Bullying"
    assert row["Number of children"] == "2"
    assert row["Age bands"] == "6-12; 13-17"
    assert row["Sexes"] == "L; P"
    assert row["Perpetrator relationships"] == "Parent or step-parent; Teacher"
    assert row["Services"] == "Health; Social rehabilitation"
    text = flat_text(rows)
    for secret in ("Budi", "Siti", CONTACT, NARRATIVE, "Wali kelas", "-03-05"):
        assert secret not in text
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert event.actor == supervisor
    assert event.data["rows"] == 1
    assert event.data["identities"] is False
    assert not AuditEvent.objects.filter(action="dashboard.exported_identities").exists()


def test_it_does_not_even_load_identities_for_a_de_identified_export(as_user, supervisor, case):
    client = as_user(supervisor)
    for kind in ("cases", "simfoni"):
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(DOWNLOAD, {"kind": kind}).streaming_content)
        sql = " ".join(query["sql"] for query in queries)
        for column in ('"cases_child"."name"', '"cases_child"."guardian_contact"', '"cases_perpetrator"."description"'):
            assert column not in sql
        assert '"cases_child"."age"' in sql


def test_it_exports_de_identified_cases_as_xlsx(as_user, supervisor, case):
    response = as_user(supervisor).get(DOWNLOAD, {"format": "xlsx", "kind": "cases"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="kasus-{timezone.localdate().isoformat()}.xlsx"')
    rows = xlsx_rows(response)
    [row] = as_dicts(rows)
    assert row["Reference"] == case.reference
    assert row["Number of children"] == 2
    assert row["Age bands"] == "6-12; 13-17"
    text = flat_text(rows)
    for secret in ("Budi", "Siti", CONTACT, NARRATIVE):
        assert secret not in text
    assert AuditEvent.objects.get(action="dashboard.exported").data["format"] == "xlsx"


def test_it_exports_identities_by_the_supervisors_explicit_choice(as_user, supervisor, case):
    response = as_user(supervisor).get(DOWNLOAD, {"kind": "cases", "include_identities": "on"})
    [row] = as_dicts(csv_rows(response))
    assert row["Children's names"] == "Budi Santoso; Siti Aminah"
    assert row["Dates of birth"] == f"unknown; {timezone.localdate().year - 14}-03-05"
    assert row["Guardian contacts"] == f"unknown; {CONTACT}"
    assert NARRATIVE not in flat_text([row.values()])
    event = AuditEvent.objects.get(action="dashboard.exported_identities")
    assert event.actor == supervisor
    assert event.data == {
        "kind": "cases",
        "format": "csv",
        "start": timezone.localdate().replace(month=1, day=1).isoformat(),
        "end": timezone.localdate().isoformat(),
        "identities": True,
        "rows": 1,
    }
    assert AuditEvent.objects.filter(action="dashboard.exported").count() == 1


def test_it_neutralises_formulas_in_csv(as_user, supervisor, officer):
    open_case(acting_user=supervisor, officer=officer, child_name=FORMULA)
    response = as_user(supervisor).get(DOWNLOAD, {"include_identities": "on"})
    [row] = as_dicts(csv_rows(response))
    assert row["Children's names"] == "'" + FORMULA


def test_it_neutralises_formulas_in_xlsx(as_user, supervisor, officer):
    open_case(acting_user=supervisor, officer=officer, child_name=FORMULA)
    response = as_user(supervisor).get(DOWNLOAD, {"include_identities": "on", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Children's names") + 1)
    assert cell.value == "'" + FORMULA
    assert cell.data_type == "s"


def test_it_exports_only_cases_opened_in_the_period(as_user, supervisor, officer, case):
    old = open_case(acting_user=supervisor, officer=officer, child_name="Lama")
    Case.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timedelta(days=400))
    rows = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD)))
    assert [row["Reference"] for row in rows] == [case.reference]
    last_year = timezone.localdate() - timedelta(days=400)
    rows = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD, {"start": last_year, "end": last_year})))
    assert [row["Reference"] for row in rows] == [old.reference]


def test_it_refuses_a_reversed_period(as_user, supervisor, case):
    response = as_user(supervisor).get(DOWNLOAD, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.text
    assert not AuditEvent.objects.filter(action__startswith="dashboard.").exists()


# --- the SIMFONI-PPA export ------------------------------------------------------------------------


def test_it_exports_one_simfoni_row_per_child_victim(as_user, supervisor, case):
    Case.objects.filter(pk=case.pk).update(occurred_on=date(2026, 5, 1), simfoni_number="SIM-6471-0042")
    CaseService.objects.filter(case=case, service_type="kesehatan").update(status=ServiceStatus.IN_PROGRESS)
    response = as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni"})
    assert response["Content-Disposition"].endswith(
        f'filename="simfoni-ppa-korban-{timezone.localdate().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == VICTIM_HEADER
    budi, siti = as_dicts(rows)
    assert budi["No. registrasi"] == siti["No. registrasi"] == case.reference
    assert budi["No. registrasi SIMFONI-PPA"] == "SIM-6471-0042"
    first_report = case.case_reports.get().report
    assert budi["Tanggal registrasi"] == timezone.localdate(first_report.received_at).isoformat()
    assert budi["Tanggal kejadian"] == "2026-05-01"
    assert (budi["Kode kecamatan"], budi["Kecamatan"]) == ("64.71.03", "Balikpapan Utara")
    assert (budi["Kode kelurahan"], budi["Kelurahan"]) == (case.kelurahan.code, "Gunung Samarinda")
    assert len(budi["Kode kelurahan"].replace(".", "")) == 10
    assert (budi["Tempat kejadian"], budi["Tempat kejadian (rinci)"]) == ("Rumah tangga", "Rumah tangga")
    assert budi["Bentuk kekerasan"] == "Fisik; Psikis"  # perundungan is psikis in SIMFONI-PPA
    child_columns = ("Kelompok usia", "Jenis kelamin", "Pendidikan", "Disabilitas")
    assert [budi[name] for name in child_columns] == ["6-12", "Laki-laki", "", "tidak diketahui"]
    assert [siti[name] for name in child_columns] == ["13-17", "Perempuan", "SLTP", "ya"]
    assert budi["Hubungan pelaku"] == "Orang tua; Guru"
    assert budi["Layanan"] == "Kesehatan"  # given: in progress or done, not the one only planned
    assert budi["Sumber pengaduan"] == "Formulir daring"
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert (event.data["rows"], event.data["sheet"]) == (2, "korban")


def test_it_exports_one_simfoni_row_per_perpetrator(as_user, supervisor, case):
    Case.objects.filter(pk=case.pk).update(occurred_on=date(2026, 5, 1))
    response = as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni", "sheet": "pelaku"})
    assert response["Content-Disposition"].endswith(
        f'filename="simfoni-ppa-pelaku-{timezone.localdate().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == PERPETRATOR_HEADER
    parent, teacher = as_dicts(rows)
    assert parent["No. registrasi"] == teacher["No. registrasi"] == case.reference
    assert (parent["Hubungan dengan korban"], teacher["Hubungan dengan korban"]) == ("Orang tua", "Guru")
    assert teacher["Tinggal serumah dengan korban"] == "tidak"
    assert teacher["Pelaku anak (ABH)"] == "tidak diketahui"
    assert (teacher["Jenis kelamin"], teacher["Usia"]) == ("tidak diketahui", "tidak diketahui")
    assert (teacher["Kode kecamatan"], teacher["Kode kelurahan"]) == ("64.71.03", case.kelurahan.code)
    assert teacher["Tanggal kejadian"] == "2026-05-01"
    assert "Wali kelas" not in flat_text(rows)
    assert AuditEvent.objects.get(action="dashboard.exported").data["rows"] == 2
    # The perpetrators' sheet marks nothing: the victims' sheet still finds the case new.
    assert Case.objects.get(pk=case.pk).simfoni_exported_at is None
    assert not AuditEvent.objects.filter(action="dashboard.simfoni_marked").exists()


def test_it_never_puts_identities_in_the_simfoni_export(as_user, supervisor, case):
    response = as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni", "format": "xlsx", "include_identities": "on"})
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Korban", "Pelaku"]
    victims = [list(row) for row in workbook["Korban"].iter_rows(values_only=True)]
    perpetrators = [list(row) for row in workbook["Pelaku"].iter_rows(values_only=True)]
    assert (victims[0], perpetrators[0]) == (VICTIM_HEADER, PERPETRATOR_HEADER)
    assert (len(victims), len(perpetrators)) == (3, 3)
    text = flat_text(victims + perpetrators)
    for secret in ("Budi", "Siti", CONTACT, NARRATIVE, "Wali kelas", "-03-05"):
        assert secret not in text
    assert not AuditEvent.objects.filter(action="dashboard.exported_identities").exists()


# --- bounded queries -------------------------------------------------------------------------------


def _queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DOWNLOAD, params)
        if params["format"] == "csv":
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "cases", "format": "csv"},
        {"kind": "cases", "format": "xlsx", "include_identities": "on"},
        {"kind": "simfoni", "format": "csv"},
        {"kind": "simfoni", "format": "csv", "sheet": "pelaku"},
        {"kind": "simfoni", "format": "xlsx"},
    ],
)
def test_it_keeps_the_number_of_queries_fixed(as_user, supervisor, officer, params):
    client = as_user(supervisor)

    def add_cases(count):
        for number in range(count):
            case = open_case(acting_user=supervisor, officer=officer, child_name=f"Anak {number}")
            service_plan(case=case, data=service_input(), acting_user=officer)

    add_cases(3)
    few = _queries_for(client, params)
    add_cases(12)
    assert _queries_for(client, params) == few
