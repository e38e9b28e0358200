"""A realistic year of outreach for the demo (seed_demo): RTs across the city, one kader per
kelurahan, sessions in about two thirds of the RTs, child-care groups and Forum Anak at every
level (the city's Forum Anak Kota Balikpapan, kecamatan, kelurahan, RT), and partner
organisations of the agency (a business, a media outlet, a university) with their activities."""

import random
from datetime import time, timedelta

from django.utils import timezone

from accounts.capabilities import Capability, holders
from accounts.models import Role, User
from accounts.services import user_create
from areas.models import RT, Kecamatan, Kelurahan
from areas.services import rt_bulk_import

from .choices import ForumLevel, PartnerActivityKind, PartnerKind, Topic
from .models import OutreachSession
from .services import (
    ForumActivityInput,
    GroupInput,
    PartnerActivityInput,
    PartnerInput,
    SessionInput,
    child_care_group_register,
    forum_activity_log,
    outreach_session_log,
    partner_activity_log,
    partner_register,
)

FACILITATORS = ["Ibu Sari", "Pak Budi", "Ibu Ratna", "Pak Hendra", "Ibu Wati", "Kak Dimas (Forum Anak)"]
GROUP_NAMES = ["Melati", "Anggrek", "Mawar", "Kenanga", "Teratai", "Cempaka"]


def seed_demo_outreach(*, password: str, seed: int = 2026) -> tuple[int, int]:
    """Returns (kader accounts created, sessions created); nothing if sessions exist."""
    if OutreachSession.objects.exists():
        return 0, 0
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, reproducible on purpose
    kelurahan = list(Kelurahan.objects.order_by("pk"))
    rt_bulk_import(
        entries={(k.pk, number) for k in kelurahan for number in range(1, rng.randint(8, 22) + 1)},
        acting_user=None,
        source="seed_demo",
    )
    today = timezone.localdate()
    accounts = sessions = 0
    for index, place in enumerate(kelurahan, start=1):
        rts = list(RT.objects.filter(kelurahan=place).order_by("number"))
        username = f"kader{index:02d}"
        kader = User.objects.filter(username=username).first()
        if kader is None:
            kader = user_create(
                username=username,
                role=Role.VOLUNTEER,
                password=password,
                first_name="Kader",
                last_name=place.name,
                rts=rts,
                acting_user=None,
            )
            accounts += 1
        for rt in rts:
            if rng.random() < 0.35:
                continue  # never reached: what the coverage view must show
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                topics = rng.sample(Topic.values[:-1], rng.randint(1, 3))
                outreach_session_log(
                    data=SessionInput(
                        rt=rt,
                        held_on=today - timedelta(days=rng.randint(0, 364)),
                        start_time=time(rng.choice([9, 10, 15, 16, 19]), rng.choice([0, 30])),
                        duration_minutes=rng.choice([60, 90, 120]),
                        topics=topics,
                        facilitators=", ".join(rng.sample(FACILITATORS, 2)),
                        boys=rng.randint(3, 25),
                        girls=rng.randint(3, 25),
                        men=rng.randint(0, 10),
                        women=rng.randint(2, 20),
                        materials=rng.choice(["", "Leaflet hak anak", "Poster cara melapor, stiker SAPA 129"]),
                    ),
                    acting_user=kader,
                )
                sessions += 1
            if rng.random() < 0.4:
                formed = today - timedelta(days=rng.randint(60, 700))
                child_care_group_register(
                    data=GroupInput(
                        rt=rt,
                        name=f"Kelompok Peduli Anak {rng.choice(GROUP_NAMES)} {rt.label}",
                        formed_on=formed,
                        members=rng.randint(5, 30),
                        contact_person="[CONTOH FIKTIF] Ibu Ketua 0812-0000-0000",
                        active=rng.random() < 0.8,
                        last_activity_on=min(today, formed + timedelta(days=rng.randint(0, 500))),
                    ),
                    acting_user=kader,
                )
        if rts and rng.random() < 0.6:
            forum_activity_log(
                data=ForumActivityInput(
                    level=ForumLevel.RT,
                    rt=rng.choice(rts),
                    held_on=today - timedelta(days=rng.randint(0, 300)),
                    title=rng.choice(["Musyawarah Forum Anak", "Lomba poster hak anak", "Diskusi aman di internet"]),
                    children=rng.randint(10, 60),
                    topics=[Topic.HAK_ANAK, Topic.KEAMANAN_ONLINE][: rng.randint(1, 2)],
                    suggestions="[CONTOH FIKTIF] Kami ingin taman bermain yang aman dan lampu jalan di gang.",
                ),
                acting_user=kader,
            )
    recorder = holders(Capability.RECORD_AGENCY_OUTREACH).order_by("-role", "pk").first()
    if recorder is not None:
        _seed_agency_outreach(rng=rng, today=today, acting_user=recorder)
    return accounts, sessions


# (name, kind, contact, agreement, [(days ago, activity kind, title, kecamatan name or None, children)])
DEMO_PARTNERS = [
    (
        "PT Contoh Energi Kalimantan (fiktif)",
        PartnerKind.BUSINESS,
        "[CONTOH FIKTIF] Bapak Humas CSR 0812-0000-0001",
        "PKS/014/DP3AKB/2026",
        [
            (40, PartnerActivityKind.SUPPORT, "Bantuan perlengkapan ruang ramah anak", "Balikpapan Utara", 0),
            (120, PartnerActivityKind.SOCIALISATION, "Sosialisasi stop kekerasan anak di sekolah", None, 350),
        ],
    ),
    (
        "Radio Contoh Balikpapan FM (fiktif)",
        PartnerKind.MEDIA,
        "[CONTOH FIKTIF] Ibu Produser 0813-0000-0002",
        "MoU/003/DP3AKB/2025",
        [
            (15, PartnerActivityKind.MEDIA_COVERAGE, "Talkshow cara melapor kekerasan pada anak", None, 0),
            (200, PartnerActivityKind.MEDIA_COVERAGE, "Iklan layanan masyarakat SAPA 129", None, 0),
        ],
    ),
    (
        "Universitas Contoh Balikpapan (fiktif)",
        PartnerKind.UNIVERSITY,
        "",
        "",
        [(75, PartnerActivityKind.TRAINING, "Pelatihan konselor sebaya Forum Anak", "Balikpapan Kota", 60)],
    ),
]


def _seed_agency_outreach(*, rng: random.Random, today, acting_user: User) -> None:
    """What the agency records itself: Forum Anak above the RT, and partners."""
    kecamatan = list(Kecamatan.objects.order_by("name"))
    kelurahan = list(Kelurahan.objects.order_by("name"))
    forums = [
        (ForumLevel.KOTA, {}, "Musyawarah Forum Anak Kota Balikpapan", 85),
        (ForumLevel.KOTA, {}, "Forum Anak Kota Balikpapan: Hari Anak Nasional", 150),
        (ForumLevel.KECAMATAN, {"kecamatan": rng.choice(kecamatan)}, "Pemilihan pengurus Forum Anak Kecamatan", 40),
        (
            ForumLevel.KELURAHAN,
            {"kelurahan": rng.choice(kelurahan)},
            "Diskusi Forum Anak Kelurahan: aman di internet",
            25,
        ),
    ]
    for level, place, title, children in forums:
        forum_activity_log(
            data=ForumActivityInput(
                level=level,
                held_on=today - timedelta(days=rng.randint(0, 300)),
                title=title,
                children=children,
                topics=[Topic.HAK_ANAK, Topic.KEAMANAN_ONLINE][: rng.randint(1, 2)],
                suggestions="[CONTOH FIKTIF] Anak-anak meminta ruang bermain yang aman dan guru BK di setiap sekolah.",
                **place,
            ),
            acting_user=acting_user,
        )
    by_name = {k.name: k for k in kecamatan}
    for name, kind, contact, agreement, activities in DEMO_PARTNERS:
        partner = partner_register(
            data=PartnerInput(name=name, kind=kind, contact_person=contact, agreement=agreement),
            acting_user=acting_user,
        )
        for days_ago, activity_kind, title, kecamatan_name, children in activities:
            partner_activity_log(
                partner=partner,
                data=PartnerActivityInput(
                    held_on=today - timedelta(days=days_ago),
                    kind=activity_kind,
                    title=title,
                    kecamatan=by_name.get(kecamatan_name),
                    children_reached=children,
                ),
                acting_user=acting_user,
            )
