"""The exports' "from case to justice" columns: legal stage, police report date, passed to the
police within 3x24 hours, referrals, perpetrators' sex/age/ABH, the child's age at the incident.
Rows are made with the ORM, as the legal and referral services would leave them."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import ConsentItem, LegalStage, ProviderKind, ReferralStatus
from cases.models import Case, CaseTransfer, Child, LegalRecord, Perpetrator, Referral
from core.models import AuditEvent
from dashboard import staff_selectors
from dashboard.simfoni import VICTIM_HEADER
from tests.cases_data import provider
from tests.dashboard.test_dashboard_exports import DOWNLOAD, as_dicts, csv_rows, flat_text, open_case, xlsx_rows
from tests.dashboard.test_dashboard_justice import period

pytestmark = pytest.mark.django_db

SECRETS = (
    "Budi Santoso",
    "Alasan rahasia",
    "Putusan rahasia",
    "Minta pendampingan",
    "Ibu kandung",
    "Jawaban rahasia",
    "Pindah rahasia",
    "Tetangga berbaju merah",
)
ENCRYPTED_COLUMNS = (
    '"cases_legalrecord"."police_waiver_reason"',
    '"cases_legalrecord"."verdict_outcome"',
    '"cases_referral"."request"',
    '"cases_referral"."consent_given_by"',
    '"cases_referral"."feedback"',
    '"cases_perpetrator"."description"',
    '"cases_child"."name"',
)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def legal(case, **fields) -> LegalRecord:
    return LegalRecord.objects.update_or_create(case=case, defaults=fields)[0]


def referral(case, user, *, status=ReferralStatus.SENT) -> Referral:
    sent_on = timezone.localdate() - timedelta(days=2)
    return Referral.objects.create(
        case=case,
        provider=provider(name="Unit PPA Polresta Balikpapan", kind=ProviderKind.POLICE),
        request="Minta pendampingan",
        consent_items=[ConsentItem.CHRONOLOGY],
        consent_given_by="Ibu kandung",
        letter_number="400/12/UPTD",
        sent_on=sent_on,
        status=status,
        answered_on=None if status == ReferralStatus.SENT else sent_on,
        done_on=sent_on if status == ReferralStatus.DONE else None,
        feedback="Jawaban rahasia" if status != ReferralStatus.SENT else "",
        created_by=user,
    )


@pytest.fixture
def justice_case(supervisor, officer):
    """A sexual-violence case passed to the police in time, under investigation, with a child and
    an adult perpetrator, three referrals (two open), and a victim who is an adult now."""
    case = open_case(acting_user=supervisor, officer=officer, violence_types=("seksual",))
    record = LegalRecord.objects.get(case=case)  # opened with the case: cases.legal
    legal(
        case,
        stage=LegalStage.INVESTIGATION,
        police_unit="Unit PPA Polresta Balikpapan",
        police_report_number="LP/B/123/2026",
        police_reported_on=date(2026, 3, 2),
        police_due_at=record.police_due_at,
        police_referred_at=record.police_due_at - timedelta(hours=5),
        verdict_outcome="Putusan rahasia",
    )
    Child.objects.filter(case=case).update(age=19, age_at_incident=16)
    case.perpetrators.all().delete()
    Perpetrator.objects.create(case=case, relation="pacar_teman", sex="L", age=16, is_child=True)
    Perpetrator.objects.create(case=case, relation="tetangga", description="Tetangga berbaju merah", is_child=False)
    referral(case, officer)
    referral(case, officer, status=ReferralStatus.ACCEPTED)
    referral(case, officer, status=ReferralStatus.DONE)
    return case


def _rows_by_reference(response) -> dict[str, dict]:
    return {row["Reference"]: row for row in as_dicts(csv_rows(response))}


def test_it_exports_the_legal_referral_and_perpetrator_columns(as_user, supervisor, justice_case):
    row = _rows_by_reference(as_user(supervisor).get(DOWNLOAD))[justice_case.reference]

    assert row["Legal stage"] == "Investigation (penyidikan)"
    assert row["Police report date"] == "2026-03-02"
    assert row["Passed to the police within 3×24 hours"] == "yes"
    assert (row["Referrals"], row["Open referrals"]) == ("3", "2")
    assert row["Perpetrator sexes"] == "L; unknown"
    assert row["Perpetrator ages"] == "16; unknown"
    assert row["Child perpetrators (ABH)"] == "1"
    assert row["Ages at the incident"] == "16"
    assert row["Age bands"] == "13-17"  # by the age at the incident, not today's 19


def test_it_says_yes_no_waived_or_not_applicable_for_the_police_deadline(as_user, supervisor, officer):
    now = timezone.now()
    cases = {
        answer: open_case(acting_user=supervisor, officer=officer, violence_types=violence, child_name=answer)
        for answer, violence in (
            ("in_time", ("seksual",)),
            ("late", ("seksual",)),
            ("overdue", ("seksual",)),
            ("waived", ("seksual",)),
            ("waiting", ("seksual",)),
            ("physical", ("fisik",)),
        )
    }
    passed = now - timedelta(hours=1)
    legal(cases["in_time"], police_due_at=passed, police_referred_at=passed)
    legal(cases["late"], police_due_at=passed, police_referred_at=passed + timedelta(seconds=1))
    legal(cases["overdue"], police_due_at=passed)
    legal(cases["waived"], police_due_at=passed, police_waived_at=passed, police_waiver_reason="Alasan rahasia")
    legal(cases["waiting"], police_due_at=now + timedelta(hours=70))
    legal(cases["physical"], stage=LegalStage.INQUIRY, police_referred_at=passed)

    client = as_user(supervisor)
    rows = _rows_by_reference(client.get(DOWNLOAD))
    answers = {name: rows[case.reference]["Passed to the police within 3×24 hours"] for name, case in cases.items()}
    assert answers == {
        "in_time": "yes",
        "late": "no",
        "overdue": "no",
        "waived": "waived",
        "waiting": "—",
        "physical": "—",
    }
    assert rows[cases["physical"].reference]["Legal stage"] == "Inquiry (penyelidikan)"

    simfoni = {row["No. registrasi"]: row for row in as_dicts(csv_rows(client.get(DOWNLOAD, {"kind": "simfoni"})))}
    national = {name: simfoni[case.reference]["Diteruskan ke polisi dalam 3x24 jam"] for name, case in cases.items()}
    assert national == {
        "in_time": "ya",
        "late": "tidak",
        "overdue": "tidak",
        "waived": "dikecualikan",
        "waiting": "—",
        "physical": "—",
    }


def test_a_case_without_a_legal_record_has_empty_legal_columns(as_user, supervisor, officer):
    case = open_case(acting_user=supervisor, officer=officer)
    assert not LegalRecord.objects.filter(case=case).exists()

    row = _rows_by_reference(as_user(supervisor).get(DOWNLOAD))[case.reference]

    assert (row["Legal stage"], row["Police report date"]) == ("", "")
    assert row["Passed to the police within 3×24 hours"] == "—"
    assert (row["Referrals"], row["Open referrals"]) == ("0", "0")


def test_it_writes_the_justice_columns_in_the_simfoni_export(as_user, supervisor, justice_case):
    response = as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni", "format": "xlsx"})
    rows = xlsx_rows(response)
    assert rows[0] == VICTIM_HEADER
    [row] = as_dicts(rows)

    assert row["Kelompok usia"] == "13-17"
    assert row["Usia saat kejadian"] == 16
    assert row["Jenis kelamin pelaku"] == "Laki-laki; tidak diketahui"
    assert row["Usia pelaku"] == "16; tidak diketahui"
    assert row["Jumlah pelaku anak (ABH)"] == 1
    assert row["Tahap proses hukum"] == "Penyidikan"
    assert row["Tanggal laporan polisi"] is not None and row["Tanggal laporan polisi"].date() == date(2026, 3, 2)
    assert row["Diteruskan ke polisi dalam 3x24 jam"] == "ya"
    assert (row["Jumlah rujukan"], row["Rujukan terbuka"]) == (3, 2)


@pytest.mark.parametrize("kind", ["cases", "simfoni"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_heads_export_holds_no_identity_and_reads_no_encrypted_column(
    as_user, head, officer, justice_case, kind, file_format
):
    legal(justice_case, police_waiver_reason="Alasan rahasia")
    CaseTransfer.objects.create(
        case=justice_case,
        receiving_agency="UPTD PPA Samarinda",
        transferred_on=timezone.localdate(),
        reason="Pindah rahasia",
        created_by=officer,
    )
    client = as_user(head)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(DOWNLOAD, {"kind": kind, "format": file_format})
        rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)

    assert response.status_code == 200
    text = flat_text(rows)
    for secret in SECRETS:
        assert secret not in text
    assert "Investigation (penyidikan)" in text or "Penyidikan" in text
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    for column in ENCRYPTED_COLUMNS:
        assert column not in sql
    assert AuditEvent.objects.get(action="dashboard.exported").data["identities"] is False


def test_the_identities_export_adds_only_the_childrens_identities(as_user, supervisor, justice_case):
    response = as_user(supervisor).get(DOWNLOAD, {"include_identities": "on"})
    [row] = as_dicts(csv_rows(response))
    assert row["Children's names"] == "Budi Santoso"
    text = flat_text([row.values()])
    for secret in SECRETS[1:]:
        assert secret not in text


def test_the_justice_columns_keep_the_number_of_queries_fixed(as_user, supervisor, officer, justice_case):
    client = as_user(supervisor)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DOWNLOAD, params)
            csv_rows(response) if params["format"] == "csv" else xlsx_rows(response)
        return len(captured)

    for params in (
        {"kind": "cases", "format": "csv"},
        {"kind": "simfoni", "format": "xlsx"},
        {"kind": "simfoni", "format": "csv", "sheet": "pelaku"},
    ):
        few = queries(params)
        for number in range(4):
            case = open_case(
                acting_user=supervisor, officer=officer, violence_types=("seksual",), child_name=f"Anak {number}"
            )
            referral(case, officer)
            Perpetrator.objects.create(case=case, relation="lainnya", age=30, is_child=False)
        assert queries(params) == few
    assert Case.objects.count() == 13


def test_the_export_and_the_dashboard_agree(as_user, supervisor, officer, justice_case):
    passed = timezone.now() - timedelta(hours=1)
    for number, fields in enumerate(
        (
            {"police_due_at": passed},
            {"police_due_at": passed, "police_referred_at": passed + timedelta(hours=1)},
            {"police_due_at": passed, "police_waived_at": passed, "stage": LegalStage.STOPPED},
        )
    ):
        case = open_case(
            acting_user=supervisor, officer=officer, violence_types=("seksual",), child_name=f"Anak {number}"
        )
        legal(case, **fields)
        referral(case, officer, status=ReferralStatus.REFUSED)
        Perpetrator.objects.create(case=case, relation="lainnya", age=12 + number * 10, is_child=number == 0)

    rows = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD)))
    justice = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())

    answers = Counter(row["Passed to the police within 3×24 hours"] for row in rows)
    police = justice.police
    assert (answers["yes"], answers["no"], answers["waived"]) == (police.in_time, police.late + police.overdue, 1)
    assert sum(int(row["Referrals"]) for row in rows) == justice.referrals.total == 6
    assert sum(int(row["Open referrals"]) for row in rows) == justice.referrals.open == 2
    assert sum(int(row["Child perpetrators (ABH)"]) for row in rows) == justice.child_perpetrators == 2
    stages = Counter(row["Legal stage"] for row in rows if row["Legal stage"])
    assert stages == {row.label: row.count for row in justice.by_stage if row.count}
