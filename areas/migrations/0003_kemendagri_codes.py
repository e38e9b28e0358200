"""The Kemendagri codes, corrected and completed.

The kecamatan codes shipped in 0002 were wrong for Selatan, Timur and Barat; every kelurahan gets
its 10-digit code. Checked one by one against Kepmendagri No. 300.2.2-2138 Tahun 2025 (the same codes
since Kepmendagri 2018). Rows keep their ids, so nothing that points at them changes.
"""

from django.db import migrations, models

# A frozen copy (a data migration must not change later): kecamatan code, name, {kelurahan: code}.
CODES = [
    ("64.71.01", "Balikpapan Timur", {"Manggar": "1001", "Lamaru": "1002", "Teritip": "1003", "Manggar Baru": "1004"}),
    (
        "64.71.02",
        "Balikpapan Barat",
        {
            "Baru Ilir": "1001",
            "Baru Tengah": "1002",
            "Baru Ulu": "1003",
            "Kariangau": "1004",
            "Margo Mulyo": "1005",
            "Marga Sari": "1006",
        },
    ),
    (
        "64.71.03",
        "Balikpapan Utara",
        {
            "Batu Ampar": "1001",
            "Gunung Samarinda": "1002",
            "Karang Joang": "1003",
            "Muara Rapak": "1004",
            "Gunung Samarinda Baru": "1005",
            "Graha Indah": "1006",
        },
    ),
    (
        "64.71.04",
        "Balikpapan Tengah",
        {
            "Gunung Sari Ulu": "1001",
            "Gunung Sari Ilir": "1002",
            "Karang Rejo": "1003",
            "Karang Jati": "1004",
            "Mekar Sari": "1005",
            "Sumber Rejo": "1006",
        },
    ),
    (
        "64.71.05",
        "Balikpapan Selatan",
        {
            "Sepinggan": "1002",
            "Gunung Bahagia": "1006",
            "Sepinggan Baru": "1008",
            "Sepinggan Raya": "1009",
            "Sungai Nangka": "1010",
            "Damai Baru": "1011",
            "Damai Bahagia": "1012",
        },
    ),
    (
        "64.71.06",
        "Balikpapan Kota",
        {"Prapatan": "1001", "Telaga Sari": "1002", "Klandasan Ulu": "1003", "Klandasan Ilir": "1004", "Damai": "1005"},
    ),
]


def correct(apps, schema_editor):
    Kecamatan = apps.get_model("areas", "Kecamatan")
    Kelurahan = apps.get_model("areas", "Kelurahan")
    # Codes are unique and three of them swap places: free them all first.
    for kecamatan in Kecamatan.objects.all():
        Kecamatan.objects.filter(pk=kecamatan.pk).update(code=f"old-{kecamatan.pk}")
    for code, name, kelurahan_codes in CODES:
        kecamatan = Kecamatan.objects.filter(name=name).first()
        if kecamatan is None:
            continue
        Kecamatan.objects.filter(pk=kecamatan.pk).update(code=code)
        for kelurahan_name, suffix in kelurahan_codes.items():
            Kelurahan.objects.filter(kecamatan=kecamatan, name=kelurahan_name).update(code=f"{code}.{suffix}")
    # A kelurahan the agency added itself (none is shipped without a code) keeps a code it can correct.
    for kelurahan in Kelurahan.objects.filter(code__isnull=True):
        Kelurahan.objects.filter(pk=kelurahan.pk).update(code=f"unknown-{kelurahan.pk}")


def restore(apps, schema_editor):
    Kecamatan = apps.get_model("areas", "Kecamatan")
    old = {"Balikpapan Selatan": "64.71.01", "Balikpapan Timur": "64.71.02", "Balikpapan Barat": "64.71.05"}
    for kecamatan in Kecamatan.objects.filter(name__in=old):
        Kecamatan.objects.filter(pk=kecamatan.pk).update(code=f"old-{kecamatan.pk}")
    for name, code in old.items():
        Kecamatan.objects.filter(name=name).update(code=code)


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_load_balikpapan")]

    operations = [
        migrations.AddField(
            model_name="kelurahan",
            name="code",
            field=models.CharField(max_length=16, null=True, unique=True, verbose_name="code"),
        ),
        migrations.RunPython(correct, restore),
    ]
