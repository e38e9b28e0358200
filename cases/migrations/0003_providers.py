from django.db import migrations

# A starting list of Balikpapan's service providers; the administrator keeps it up to date.
PROVIDERS = [
    ("RSUD dr. Kanujoso Djatiwibowo", "rumah_sakit"),
    ("RSUD Beriman Balikpapan", "rumah_sakit"),
    ("Unit PPA Satreskrim Polresta Balikpapan", "unit_ppa"),
    ("LBH / Pos Bantuan Hukum Balikpapan", "bantuan_hukum"),
    ("Psikolog Klinis UPTD PPA", "psikolog"),
    ("Rumah Aman UPTD PPA", "rumah_aman"),
    ("Dinas Sosial Kota Balikpapan", "dinas_sosial"),
    ("Sekolah (setempat)", "sekolah"),
]


def load(apps, schema_editor):
    Provider = apps.get_model("cases", "Provider")
    for name, kind in PROVIDERS:
        Provider.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
