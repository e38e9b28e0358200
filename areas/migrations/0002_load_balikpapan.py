from django.db import migrations

# A frozen copy: a data migration must not change when areas/data.py changes later.
KECAMATAN = [
    (
        "64.71.01",
        "Balikpapan Selatan",
        [
            "Damai Bahagia",
            "Damai Baru",
            "Gunung Bahagia",
            "Sepinggan",
            "Sepinggan Baru",
            "Sepinggan Raya",
            "Sungai Nangka",
        ],
    ),
    ("64.71.02", "Balikpapan Timur", ["Lamaru", "Manggar", "Manggar Baru", "Teritip"]),
    (
        "64.71.03",
        "Balikpapan Utara",
        [
            "Batu Ampar",
            "Graha Indah",
            "Gunung Samarinda",
            "Gunung Samarinda Baru",
            "Karang Joang",
            "Muara Rapak",
        ],
    ),
    (
        "64.71.04",
        "Balikpapan Tengah",
        [
            "Gunung Sari Ilir",
            "Gunung Sari Ulu",
            "Karang Jati",
            "Karang Rejo",
            "Mekar Sari",
            "Sumber Rejo",
        ],
    ),
    (
        "64.71.05",
        "Balikpapan Barat",
        [
            "Baru Ilir",
            "Baru Tengah",
            "Baru Ulu",
            "Kariangau",
            "Margo Mulyo",
            "Marga Sari",
        ],
    ),
    ("64.71.06", "Balikpapan Kota", ["Damai", "Klandasan Ilir", "Klandasan Ulu", "Prapatan", "Telaga Sari"]),
]


def load(apps, schema_editor):
    Kecamatan = apps.get_model("areas", "Kecamatan")
    Kelurahan = apps.get_model("areas", "Kelurahan")
    for code, name, kelurahan_names in KECAMATAN:
        kecamatan, _ = Kecamatan.objects.get_or_create(code=code, defaults={"name": name})
        for kelurahan_name in kelurahan_names:
            Kelurahan.objects.get_or_create(kecamatan=kecamatan, name=kelurahan_name)


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
