"""Fictional reports for the demo (seed_demo). Every narrative says it is an example."""

import random
from datetime import timedelta

from django.utils import timezone

from areas.models import RT, Kelurahan

from .choices import Channel, ViolenceType
from .models import Report
from .services import ReportInput, report_message_add, report_submit

# (narrative, violence types, danger, injured, place, relation, lives with child, age, reporter)
SCENARIOS = [
    (
        "Anak tetangga sering dipukul ayahnya sampai menangis keras malam hari.",
        ["fisik"],
        "no",
        "unknown",
        "rumah_tangga",
        "orang_tua",
        "yes",
        9,
        "neighbour",
    ),
    (
        "Aku dipegang-pegang oleh kakak sepupu waktu di rumah nenek kemarin sore.",
        ["seksual"],
        "unknown",
        "no",
        "rumah_tangga",
        "keluarga",
        "no",
        12,
        "self",
    ),
    (
        "Murid saya datang dengan luka lebam di lengan dan takut pulang ke rumah.",
        ["fisik", "psikis"],
        "yes",
        "yes",
        "rumah_tangga",
        "orang_tua",
        "yes",
        10,
        "teacher",
    ),
    (
        "Anak kecil dibiarkan sendirian berhari-hari tanpa makanan yang cukup.",
        ["penelantaran"],
        "unknown",
        "unknown",
        "rumah_tangga",
        "orang_tua",
        "yes",
        4,
        "neighbour",
    ),
    (
        "Aku diejek dan didorong terus oleh teman sekelas setiap hari di sekolah.",
        ["perundungan", "psikis"],
        "no",
        "no",
        "sekolah",
        "pacar_teman",
        "no",
        13,
        "self",
    ),
    (
        "Ada anak dipaksa mengemis di perempatan sampai malam oleh orang dewasa.",
        ["eksploitasi"],
        "unknown",
        "no",
        "fasilitas_umum",
        "tidak_dikenal",
        "unknown",
        8,
        "other",
    ),
    (
        "Adik saya dikirimi pesan dan foto tidak pantas oleh orang yang dikenal di game.",
        ["online", "seksual"],
        "no",
        "no",
        "online",
        "tidak_dikenal",
        "no",
        14,
        "family",
    ),
    (
        "Anak remaja dijanjikan kerja di luar kota lalu tidak bisa dihubungi keluarga.",
        ["trafficking"],
        "yes",
        "unknown",
        "lainnya",
        "tidak_dikenal",
        "no",
        16,
        "family",
    ),
    (
        "Anak sering dimarahi dengan kata-kata kasar dan diancam tidak diberi makan.",
        ["psikis"],
        "no",
        "no",
        "rumah_tangga",
        "orang_tua",
        "yes",
        7,
        "family",
    ),
    (
        "Guru les memukul tangan anak dengan penggaris sampai merah.",
        ["fisik"],
        "no",
        "no",
        "lembaga_pendidikan_kilat",
        "guru",
        "no",
        11,
        "family",
    ),
]


def seed_demo_reports(*, count: int = 24, seed: int = 2026) -> int:
    """Create `count` fictional reports spread over the city, unless reports exist."""
    if Report.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, reproducible on purpose
    kelurahan = list(Kelurahan.objects.all())
    rts = {}
    for rt in RT.objects.all():
        rts.setdefault(rt.kelurahan_id, []).append(rt)
    today = timezone.localdate()
    for index in range(count):
        narrative, types, danger, injured, place, relation, lives_with, age, reporter = SCENARIOS[
            index % len(SCENARIOS)
        ]
        place_kelurahan = rng.choice(kelurahan)
        submitted = report_submit(
            data=ReportInput(
                narrative=f"[CONTOH FIKTIF] {narrative}",
                violence_types=[ViolenceType(t) for t in types],
                danger_now=danger,
                injured=injured,
                occurred_on=today - timedelta(days=rng.randint(0, 20)),
                ongoing=rng.random() < 0.3,
                kelurahan=place_kelurahan,
                rt=rng.choice(rts[place_kelurahan.pk]) if place_kelurahan.pk in rts else None,
                place=place,
                child_age=age,
                child_sex=rng.choice(["L", "P", ""]),
                child_name=rng.choice(["", "Contoh Anak", "Anak Fiktif"]),
                perpetrator_relation=relation,
                perpetrator_lives_with_child=lives_with,
                reporter_relation=reporter,
            ),
            channel=Channel.WEB,
            acting_user=None,
        )
        if index % 4 == 0:
            report_message_add(
                report=submitted.report,
                body="[CONTOH FIKTIF] Saya ingin menambahkan: kejadiannya sudah lebih dari sekali.",
                acting_user=None,
            )
    return count
