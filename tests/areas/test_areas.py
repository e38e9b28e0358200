import io

import pytest
from django.core.management import CommandError, call_command

from areas.models import RT, Kecamatan, Kelurahan
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

EXPECTED_KELURAHAN_PER_KECAMATAN = {
    "Balikpapan Selatan": 7,
    "Balikpapan Timur": 4,
    "Balikpapan Utara": 6,
    "Balikpapan Tengah": 6,
    "Balikpapan Barat": 6,
    "Balikpapan Kota": 5,
}


def write_csv(tmp_path, text, name="rt.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def import_rt(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_rt", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_rt_failing(path):
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_rt", path, stdout=io.StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def test_it_ships_the_six_kecamatan_and_34_kelurahan_in_every_new_database():
    counts = {k.name: k.kelurahan.count() for k in Kecamatan.objects.all()}

    assert counts == EXPECTED_KELURAHAN_PER_KECAMATAN
    assert Kelurahan.objects.count() == 34
    assert Kecamatan.objects.get(name="Balikpapan Utara").code == "64.71.03"
    assert Kelurahan.objects.filter(name="Gunung Samarinda Baru", kecamatan__name="Balikpapan Utara").exists()


def test_it_imports_rts_and_changes_nothing_when_run_twice(tmp_path):
    path = write_csv(
        tmp_path,
        "kecamatan,kelurahan,rt\n"
        "Balikpapan Utara,Gunung Samarinda,001\n"
        "balikpapan utara,  gunung samarinda ,2\n"
        "Selatan,Sepinggan,RT 010\n"
        "64.71.06,Klandasan Ilir,7\n",
    )

    out, _err = import_rt(path)
    assert "4" in out
    first = sorted(RT.objects.values_list("kelurahan__name", "number"))
    audit_rows = AuditEvent.objects.filter(action="areas.rts_imported").count()

    out, _err = import_rt(path)

    assert sorted(RT.objects.values_list("kelurahan__name", "number")) == first
    assert first == [("Gunung Samarinda", 1), ("Gunung Samarinda", 2), ("Klandasan Ilir", 7), ("Sepinggan", 10)]
    assert "0" in out and "4" in out
    assert AuditEvent.objects.filter(action="areas.rts_imported").count() == audit_rows == 1


def test_it_reads_semicolon_separated_files_with_a_bom_and_columns_in_any_order(tmp_path):
    path = write_csv(tmp_path, "RT;Kelurahan;Kecamatan\n3;Manggar;Balikpapan Timur\n", encoding="utf-8-sig")

    import_rt(path)

    assert RT.objects.filter(kelurahan__name="Manggar", number=3).exists()


def test_it_reports_every_bad_line_with_its_number_and_imports_none(tmp_path):
    path = write_csv(
        tmp_path,
        "kecamatan,kelurahan,rt\n"
        "Balikpapan Utara,Gunung Samarinda,1\n"
        "Balikpapan Lautan,Gunung Samarinda,2\n"
        "Balikpapan Utara,Sepinggan,3\n"
        "Balikpapan Utara,Batu Ampar,abc\n"
        "Balikpapan Utara,Batu Ampar,0\n"
        "Balikpapan Utara,Batu Ampar\n",
    )

    summary, messages = import_rt_failing(path)

    for line in (3, 4, 5, 6, 7):
        assert f"baris {line}:" in messages
    assert "baris 2:" not in messages
    assert "Balikpapan Lautan" in messages
    assert "5" in summary
    assert RT.objects.count() == 0


def test_it_explains_a_missing_column(tmp_path):
    path = write_csv(tmp_path, "kecamatan,kelurahan\nBalikpapan Utara,Gunung Samarinda\n")

    _summary, messages = import_rt_failing(path)

    assert "baris 1:" in messages and "rt" in messages
    assert RT.objects.count() == 0


def test_it_explains_a_missing_or_non_utf8_file(tmp_path):
    summary, _messages = import_rt_failing(str(tmp_path / "nothing.csv"))
    assert "tidak ditemukan" in summary

    path = tmp_path / "latin1.csv"
    path.write_bytes("kecamatan,kelurahan,rt\nBalikpapan Utara,Gunung Samarinda,1\nSé\xe9,x,1\n".encode("latin-1"))
    summary, _messages = import_rt_failing(str(path))
    assert "UTF-8" in summary
    assert RT.objects.count() == 0


def test_it_shows_progress_on_large_files(tmp_path):
    rows = "".join(f"Balikpapan Utara,Gunung Samarinda,{n % 999 + 1}\n" for n in range(25_000))
    path = write_csv(tmp_path, "kecamatan,kelurahan,rt\n" + rows)

    _out, err = import_rt(path)

    assert err.count("Memeriksa baris") == 2
    assert RT.objects.filter(kelurahan__name="Gunung Samarinda").count() == 999


def test_it_accepts_the_official_joined_spellings_and_kelurahan_codes(tmp_path):
    path = write_csv(
        tmp_path,
        "kecamatan,kelurahan,rt\n"
        "BALIKPAPAN UTARA,GUNUNGSAMARINDA,1\n"
        "BALIKPAPAN UTARA,MUARARAPAK,2\n"
        "BALIKPAPAN TENGAH,GUNUNGSARI ULU,3\n"
        "BALIKPAPAN SELATAN,SUNGAINANGKA,4\n"
        "64.71.05,64.71.05.1006,5\n",
    )

    import_rt(path)

    assert sorted(RT.objects.values_list("kelurahan__name", "number")) == [
        ("Gunung Bahagia", 5),
        ("Gunung Samarinda", 1),
        ("Gunung Sari Ulu", 3),
        ("Muara Rapak", 2),
        ("Sungai Nangka", 4),
    ]


def test_a_kelurahan_code_of_another_kecamatan_is_refused(tmp_path):
    path = write_csv(tmp_path, "kecamatan,kelurahan,rt\nBalikpapan Kota,64.71.05.1006,5\n")

    message, _err = import_rt_failing(path)

    assert "64.71.05.1006" in message + _err
    assert not RT.objects.exists()
