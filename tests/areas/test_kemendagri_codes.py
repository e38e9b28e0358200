"""Every Kemendagri wilayah code the product ships, pinned one by one.

Source: Kepmendagri No. 300.2.2-2138 Tahun 2025 (Kode dan Data Wilayah Administrasi Pemerintahan),
unchanged for Kota Balikpapan since Kepmendagri 2018; the same keys are BMKG's `adm4`. Written out
here by hand, apart from the migration that loads them, so a wrong code in either fails this test."""

import pytest
from django.db import IntegrityError

from areas.models import Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db

KECAMATAN = {
    "64.71.01": "Balikpapan Timur",
    "64.71.02": "Balikpapan Barat",
    "64.71.03": "Balikpapan Utara",
    "64.71.04": "Balikpapan Tengah",
    "64.71.05": "Balikpapan Selatan",
    "64.71.06": "Balikpapan Kota",
}

KELURAHAN = {
    "64.71.01.1001": "Manggar",
    "64.71.01.1002": "Lamaru",
    "64.71.01.1003": "Teritip",
    "64.71.01.1004": "Manggar Baru",
    "64.71.02.1001": "Baru Ilir",
    "64.71.02.1002": "Baru Tengah",
    "64.71.02.1003": "Baru Ulu",
    "64.71.02.1004": "Kariangau",
    "64.71.02.1005": "Margo Mulyo",
    "64.71.02.1006": "Marga Sari",
    "64.71.03.1001": "Batu Ampar",
    "64.71.03.1002": "Gunung Samarinda",
    "64.71.03.1003": "Karang Joang",
    "64.71.03.1004": "Muara Rapak",
    "64.71.03.1005": "Gunung Samarinda Baru",
    "64.71.03.1006": "Graha Indah",
    "64.71.04.1001": "Gunung Sari Ulu",
    "64.71.04.1002": "Gunung Sari Ilir",
    "64.71.04.1003": "Karang Rejo",
    "64.71.04.1004": "Karang Jati",
    "64.71.04.1005": "Mekar Sari",
    "64.71.04.1006": "Sumber Rejo",
    "64.71.05.1002": "Sepinggan",
    "64.71.05.1006": "Gunung Bahagia",
    "64.71.05.1008": "Sepinggan Baru",
    "64.71.05.1009": "Sepinggan Raya",
    "64.71.05.1010": "Sungai Nangka",
    "64.71.05.1011": "Damai Baru",
    "64.71.05.1012": "Damai Bahagia",
    "64.71.06.1001": "Prapatan",
    "64.71.06.1002": "Telaga Sari",
    "64.71.06.1003": "Klandasan Ulu",
    "64.71.06.1004": "Klandasan Ilir",
    "64.71.06.1005": "Damai",
}


def test_all_40_codes_are_the_kemendagri_codes():
    assert len(KECAMATAN) + len(KELURAHAN) == 40
    assert dict(Kecamatan.objects.values_list("code", "name")) == KECAMATAN
    assert dict(Kelurahan.objects.values_list("code", "name")) == KELURAHAN


def test_each_kelurahan_code_sits_under_its_kecamatan_code():
    for code, kecamatan_code in Kelurahan.objects.values_list("code", "kecamatan__code"):
        assert code.startswith(kecamatan_code + ".1"), code
        assert len(code.replace(".", "")) == 10, code


def test_a_kelurahan_has_exactly_one_code():
    kelurahan = Kelurahan.objects.get(name="Prapatan")
    with pytest.raises(IntegrityError):
        Kelurahan.objects.create(kecamatan=kelurahan.kecamatan, name="Prapatan Baru", code=kelurahan.code)
