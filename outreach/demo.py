"""A realistic year of outreach for the demo (seed_demo): RTs across the city, one kader per
kelurahan, sessions in about two thirds of the RTs, child-care groups and Forum Anak."""

import random
from datetime import time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from areas.models import RT, Kelurahan
from areas.services import rt_bulk_import

from .choices import Topic
from .models import OutreachSession
from .services import (
    ForumActivityInput,
    GroupInput,
    SessionInput,
    child_care_group_register,
    forum_activity_log,
    outreach_session_log,
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
                    rt=rng.choice(rts),
                    held_on=today - timedelta(days=rng.randint(0, 300)),
                    title=rng.choice(["Musyawarah Forum Anak", "Lomba poster hak anak", "Diskusi aman di internet"]),
                    children=rng.randint(10, 60),
                    topics=[Topic.HAK_ANAK, Topic.KEAMANAN_ONLINE][: rng.randint(1, 2)],
                    suggestions="[CONTOH FIKTIF] Kami ingin taman bermain yang aman dan lampu jalan di gang.",
                ),
                acting_user=kader,
            )
    return accounts, sessions
