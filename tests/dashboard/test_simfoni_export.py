"""The SIMFONI-PPA export speaks the national vocabulary: every code maps to its national label (a
new choice without one fails here), the place "online" is "Lainnya" with the finer value apart,
a victims' sheet and a perpetrators' sheet, both dates, "new since the last export"."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from cases import choices as case_choices
from cases.models import Case, Child, Perpetrator
from cases.services import ChildInput, case_add_child, case_add_perpetrator, service_plan
from core.models import AuditEvent
from core.periods import Period
from dashboard import simfoni, staff_selectors
from dashboard.definitions import SIMFONI_VIOLENCE
from dashboard.services import simfoni_export_mark
from reports import choices as report_choices
from tests.cases_data import service_input
from tests.dashboard.test_dashboard_exports import DOWNLOAD, as_dicts, csv_rows, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    # The national format is Indonesian whatever the page language: ask in English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- the vocabulary ---------------------------------------------------------------------------------

EXPECTED_PLACE = {
    "rumah_tangga": "Rumah tangga",
    "sekolah": "Sekolah",
    "fasilitas_umum": "Fasilitas umum",
    "tempat_kerja": "Tempat kerja",
    "lembaga_pendidikan_kilat": "Lembaga pendidikan kilat",
    "online": "Lainnya",
    "lainnya": "Lainnya",
}
EXPECTED_VIOLENCE = {
    "fisik": "Fisik",
    "psikis": "Psikis",
    "seksual": "Seksual",
    "eksploitasi": "Eksploitasi",
    "trafficking": "Trafficking (perdagangan orang)",
    "penelantaran": "Penelantaran",
    "lainnya": "Lainnya",
    "perundungan": "Psikis",
    "online": "Lainnya",
    "ksbe": "Seksual",
}
EXPECTED_RELATION = {
    "orang_tua": "Orang tua",
    "suami_istri": "Suami/istri",
    "keluarga": "Keluarga/saudara",
    "pacar_teman": "Pacar/teman",
    "guru": "Guru",
    "tetangga": "Tetangga",
    "majikan": "Majikan",
    "rekan_kerja": "Rekan kerja",
    "tidak_dikenal": "Orang tidak dikenal",
    "lainnya": "Lainnya",
}
EXPECTED_SERVICE = {
    "pengaduan": "Pengaduan",
    "kesehatan": "Kesehatan",
    "bantuan_hukum": "Bantuan hukum",
    "penegakan_hukum": "Penegakan hukum",
    "rehabilitasi_sosial": "Rehabilitasi sosial",
    "reintegrasi_sosial": "Reintegrasi sosial",
    "pemulangan": "Pemulangan",
    "penjangkauan": "Penjangkauan",
    "penampungan_sementara": "Penampungan sementara",
    "mediasi": "Mediasi",
    "pendampingan_korban": "Pendampingan korban",
    "layanan_psikologis": "Layanan psikologis",
    "pendampingan_tokoh_agama": "Pendampingan tokoh agama",
}
EXPECTED_EDUCATION = {
    "belum_sekolah": "Belum sekolah",
    "tk_paud": "TK/PAUD",
    "sd": "SD",
    "sltp": "SLTP",
    "slta": "SLTA",
}
EXPECTED_SEX = {"L": "Laki-laki", "P": "Perempuan"}
EXPECTED_LEGAL_STAGE = {
    "belum_dilaporkan": "Belum dilaporkan ke polisi",
    "penyelidikan": "Penyelidikan",
    "penyidikan": "Penyidikan",
    "pelimpahan_p21": "Pelimpahan/P21",
    "persidangan": "Persidangan",
    "putusan": "Putusan",
    "banding": "Banding",
    "dihentikan": "Dihentikan (SP3) atau diversi",
}
EXPECTED_CHANNEL = {
    "web": "Formulir daring",
    "api": "Aplikasi mitra (API)",
    "volunteer": "Relawan RT",
    "walk_in": "Datang langsung",
    "phone": "Telepon",
    "sapa_129": "SAPA 129",
    "whatsapp": "WhatsApp",
    "letter": "Surat/email",
    "referral": "Rujukan lembaga lain",
    "outreach": "Penjangkauan",
    "other": "Lainnya",
}

# Every choices class the export writes, with its mapping: a new value without a label fails.
VOCABULARY = [
    (report_choices.Place, simfoni.PLACE),
    (report_choices.Place, simfoni.PLACE_DETAIL),
    (report_choices.ChildSex, simfoni.SEX),
    (case_choices.PerpetratorSex, simfoni.PERPETRATOR_SEX),
    (case_choices.Education, simfoni.EDUCATION),
    (case_choices.PerpetratorRelation, simfoni.PERPETRATOR_RELATION),
    (report_choices.PerpetratorRelation, simfoni.PERPETRATOR_RELATION),
    (case_choices.ServiceType, simfoni.SERVICE),
    (report_choices.Channel, simfoni.CHANNEL),
    (case_choices.LegalStage, simfoni.LEGAL_STAGE),
]


@pytest.mark.parametrize(("choices", "mapping"), VOCABULARY, ids=lambda value: getattr(value, "__name__", ""))
def test_every_value_has_a_national_label(choices, mapping):
    assert set(choices.values) <= set(mapping)
    assert all(label and label not in choices.values for label in (mapping[value] for value in choices.values))


def test_every_form_of_violence_has_a_national_category_and_label():
    assert set(report_choices.ViolenceType.values) <= set(SIMFONI_VIOLENCE)
    assert {code: simfoni.violence_label(code) for code in report_choices.ViolenceType.values} == EXPECTED_VIOLENCE


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (simfoni.PLACE, EXPECTED_PLACE),
        (simfoni.PERPETRATOR_RELATION, EXPECTED_RELATION),
        (simfoni.SERVICE, EXPECTED_SERVICE),
        (simfoni.EDUCATION, EXPECTED_EDUCATION),
        (simfoni.SEX, EXPECTED_SEX),
        (simfoni.PERPETRATOR_SEX, EXPECTED_SEX),
        (simfoni.LEGAL_STAGE, EXPECTED_LEGAL_STAGE),
        (simfoni.CHANNEL, EXPECTED_CHANNEL),
    ],
)
def test_it_pins_each_mapping(mapping, expected):
    assert {str(code): label for code, label in mapping.items()} == expected


def test_the_fine_place_keeps_online_apart():
    assert simfoni.PLACE_DETAIL[report_choices.Place.ONLINE] == "Online (internet, telepon)"
    others = {code: label for code, label in simfoni.PLACE_DETAIL.items() if code != report_choices.Place.ONLINE}
    assert others == {code: label for code, label in EXPECTED_PLACE.items() if code != "online"}


def test_an_unknown_code_is_never_written_as_itself():
    assert simfoni.label(simfoni.PLACE, "retired_code") == "Lainnya"
    assert simfoni.label(simfoni.PLACE, "") == ""


# --- the export -------------------------------------------------------------------------------------

INTERNAL_CODES = {
    str(value)
    for choices in (
        report_choices.Place,
        report_choices.ViolenceType,
        report_choices.Channel,
        case_choices.Education,
        case_choices.PerpetratorRelation,
        case_choices.ServiceType,
        case_choices.LegalStage,
    )
    for value in choices.values
} - {label for _choices, mapping in VOCABULARY for label in mapping.values()}


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content), read_only=True)


def sheet_dicts(workbook, title) -> list[dict]:
    return as_dicts([list(row) for row in workbook[title].iter_rows(values_only=True)])


def assert_only_national_words(workbook):
    """No cell, nor any "; "-separated part of one, is an internal code."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for value in row:
                parts = set(str(value).split("; ")) if isinstance(value, str) else set()
                assert not parts & INTERNAL_CODES, f"{sheet.title}: {value!r}"


@pytest.fixture
def national_case(supervisor, officer):
    """An online case of sexual violence (KSBE) by a husband, with services of every new kind given."""
    case = open_case(
        acting_user=supervisor,
        officer=officer,
        violence_types=("ksbe", "online", "eksploitasi"),
        occurred_on=date(2026, 5, 1),
    )
    Case.objects.filter(pk=case.pk).update(place="online", simfoni_number="SIMFONI/6471/2026/0007")
    case_add_perpetrator(case=case, relation="suami_istri", lives_with_child=True, description="", acting_user=officer)
    Perpetrator.objects.filter(case=case, relation="suami_istri").update(sex="L", age=17, is_child=True)
    for kind in ("layanan_psikologis", "pendampingan_tokoh_agama"):
        service_plan(case=case, data=service_input(service_type=kind, status="in_progress"), acting_user=officer)
    return Case.objects.get(pk=case.pk)


def test_it_writes_national_labels_and_never_a_code(as_user, supervisor, national_case):
    workbook = workbook_of(as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni", "format": "xlsx"}))

    assert workbook.sheetnames == ["Korban", "Pelaku"]
    [victim] = sheet_dicts(workbook, "Korban")
    assert victim["Tempat kejadian"] == "Lainnya"
    assert victim["Tempat kejadian (rinci)"] == "Online (internet, telepon)"
    assert victim["Bentuk kekerasan"] == "Eksploitasi; Seksual; Lainnya"  # eksploitasi, ksbe, online
    assert victim["Hubungan pelaku"] == "Orang tua; Suami/istri"
    assert victim["Layanan"] == "Layanan psikologis; Pendampingan tokoh agama"
    assert victim["No. registrasi SIMFONI-PPA"] == "SIMFONI/6471/2026/0007"
    assert victim["Tanggal kejadian"].date() == date(2026, 5, 1)
    perpetrators = {row["Hubungan dengan korban"]: row for row in sheet_dicts(workbook, "Pelaku")}
    spouse = perpetrators["Suami/istri"]
    assert (spouse["Jenis kelamin"], spouse["Usia"], spouse["Pelaku anak (ABH)"]) == ("Laki-laki", 17, "ya")
    assert spouse["Tinggal serumah dengan korban"] == "ya"
    assert spouse["No. registrasi SIMFONI-PPA"] == "SIMFONI/6471/2026/0007"
    assert_only_national_words(workbook)


def test_the_place_column_never_holds_online_in_csv(as_user, supervisor, national_case):
    [row] = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni"})))
    assert row["Tempat kejadian"] == "Lainnya"
    assert "online" not in row["Tempat kejadian"].lower()
    assert row["Tempat kejadian (rinci)"] == "Online (internet, telepon)"


# --- new since the last export ----------------------------------------------------------------------


def _new_column(client, **params) -> dict[str, str]:
    rows = as_dicts(csv_rows(client.get(DOWNLOAD, {"kind": "simfoni", **params})))
    return {row["No. registrasi"]: row["Baru sejak ekspor terakhir"] for row in rows}


def test_the_first_download_says_new_and_later_ones_do_not(as_user, supervisor, officer, head):
    first = open_case(acting_user=supervisor, officer=officer)
    client = as_user(supervisor)

    assert _new_column(client) == {first.reference: "ya"}
    exported_at = Case.objects.get(pk=first.pk).simfoni_exported_at
    assert exported_at is not None
    event = AuditEvent.objects.get(action="dashboard.simfoni_marked")
    assert (event.actor, event.data) == (supervisor, {"cases": 1})

    second = open_case(acting_user=supervisor, officer=officer, child_name="Rina")
    assert _new_column(client) == {first.reference: "tidak", second.reference: "ya"}
    assert Case.objects.get(pk=first.pk).simfoni_exported_at == exported_at  # the first time stays

    client.logout()
    assert _new_column(as_user(head)) == {first.reference: "tidak", second.reference: "tidak"}


def test_the_xlsx_marks_and_the_perpetrators_csv_does_not(as_user, supervisor, officer):
    case = open_case(acting_user=supervisor, officer=officer)
    client = as_user(supervisor)

    client.get(DOWNLOAD, {"kind": "simfoni", "sheet": "pelaku"})
    assert Case.objects.get(pk=case.pk).simfoni_exported_at is None

    workbook = workbook_of(client.get(DOWNLOAD, {"kind": "simfoni", "format": "xlsx"}))
    assert [row["Baru sejak ekspor terakhir"] for row in sheet_dicts(workbook, "Korban")] == ["ya"]
    assert Case.objects.get(pk=case.pk).simfoni_exported_at is not None


def test_the_cases_export_marks_nothing(as_user, supervisor, officer):
    case = open_case(acting_user=supervisor, officer=officer)
    as_user(supervisor).get(DOWNLOAD, {"kind": "cases", "format": "xlsx"})
    assert Case.objects.get(pk=case.pk).simfoni_exported_at is None


def test_marking_is_for_exporters_only(officer, supervisor):
    case = open_case(acting_user=supervisor, officer=officer)
    with pytest.raises(PermissionDenied):
        simfoni_export_mark(cases=Case.objects.all(), now=timezone.now(), acting_user=officer)
    assert Case.objects.get(pk=case.pk).simfoni_exported_at is None


def test_marking_touches_only_the_cases_of_the_export(officer, supervisor):
    inside = open_case(acting_user=supervisor, officer=officer)
    outside = open_case(acting_user=supervisor, officer=officer, child_name="Rina")
    marked = simfoni_export_mark(cases=Case.objects.filter(pk=inside.pk), now=timezone.now(), acting_user=supervisor)
    assert marked == {inside.pk}
    assert Case.objects.get(pk=outside.pk).simfoni_exported_at is None
    assert simfoni_export_mark(cases=Case.objects.all(), now=timezone.now(), acting_user=supervisor) == {outside.pk}


# --- a child recorded with only a date of birth -----------------------------------------------------


def test_a_child_with_only_a_birth_date_is_counted_in_her_band_everywhere(as_user, supervisor, officer):
    case = open_case(
        acting_user=supervisor, officer=officer, child_name="", child_age=None, occurred_on=date(2026, 5, 1)
    )
    assert case.occurred_on == date(2026, 5, 1)
    assert not case.children.exists()
    child, _duplicates = case_add_child(
        case=case, data=ChildInput(name="Rina Lestari", birth_date=date(2017, 8, 25), sex="P"), acting_user=officer
    )
    assert Child.objects.get(pk=child.pk).age_at_incident == 8

    today = timezone.localdate()
    period = Period(start=today.replace(month=1, day=1), end=today)
    profile = staff_selectors.case_profile(period=period, kecamatan=None, not_recorded="–")
    bands = {row.band: row.total for row in profile.children_by_age}
    assert bands["6-12"] == 1
    assert sum(bands.values()) == 1

    client = as_user(supervisor)
    [row] = as_dicts(csv_rows(client.get(DOWNLOAD, {"kind": "cases"})))
    assert (row["Age bands"], row["Ages at the incident"]) == ("6-12", "8")
    assert row["Date of the incident"] == "2026-05-01"
    [row] = as_dicts(csv_rows(client.get(DOWNLOAD, {"kind": "simfoni"})))
    assert (row["Kelompok usia"], row["Usia saat kejadian"]) == ("6-12", "8")
    assert row["Tanggal kejadian"] == "2026-05-01"


def test_the_cases_export_carries_the_codes(as_user, supervisor, officer):
    case = open_case(acting_user=supervisor, officer=officer)
    [row] = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD, {"kind": "cases"})))
    assert (row["Kecamatan code"], row["Kecamatan"]) == ("64.71.03", "Balikpapan Utara")
    assert (row["Kelurahan code"], row["Kelurahan"]) == (case.kelurahan.code, "Gunung Samarinda")
    assert row["Place"] == "At home"  # the cases export keeps its translated labels
    assert row["Date of the incident"] == ""


# --- the demo data ----------------------------------------------------------------------------------


def test_the_demo_data_exports_with_national_labels_and_both_dates(settings, client, tmp_path):
    from django.core.management import call_command

    from accounts.models import User
    from tests.conftest import login_as

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, stdout=io.StringIO())
    start = date(timezone.localdate().year - 3, 1, 1)
    for username in ("koordinator", "kepala"):
        response = login_as(client, User.objects.get(username=username)).get(
            DOWNLOAD, {"kind": "simfoni", "format": "xlsx", "start": start.isoformat()}
        )
        workbook = workbook_of(response)
        assert workbook.sheetnames == ["Korban", "Pelaku"]
        victims, perpetrators = sheet_dicts(workbook, "Korban"), sheet_dicts(workbook, "Pelaku")
        assert victims and perpetrators
        assert_only_national_words(workbook)
        client.logout()
    assert [row["Baru sejak ekspor terakhir"] for row in victims] == ["tidak"] * len(victims)
    dated = [row for row in victims if row["Tanggal registrasi"] and row["Tanggal kejadian"]]
    assert len(dated) > len(victims) / 2
    assert {row["Kode kecamatan"] for row in victims} <= {f"64.71.0{number}" for number in range(1, 7)}
    cases_with_perpetrators = set(Perpetrator.objects.values_list("case__reference", flat=True))
    assert {row["No. registrasi"] for row in perpetrators} == cases_with_perpetrators
    assert {row["Jenis kelamin"] for row in victims} <= {"Laki-laki", "Perempuan", "tidak diketahui"}
