"""Shared inputs for the outreach tests."""

from datetime import time, timedelta

from django.utils import timezone

from outreach.services import ForumActivityInput, GroupInput, PartnerActivityInput, PartnerInput, SessionInput


def session_input(rt, **overrides) -> SessionInput:
    fields = {
        "rt": rt,
        "held_on": timezone.localdate() - timedelta(days=1),
        "start_time": time(16, 0),
        "duration_minutes": 90,
        "topics": ["hak_anak", "cara_melapor"],
        "facilitators": "Ibu Sari, Pak Budi",
        "boys": 12,
        "girls": 15,
        "men": 4,
        "women": 9,
    }
    fields.update(overrides)
    return SessionInput(**fields)


def group_input(rt, **overrides) -> GroupInput:
    fields = {"rt": rt, "name": "Kelompok Peduli Anak Melati", "formed_on": timezone.localdate() - timedelta(days=90)}
    fields.update(overrides)
    return GroupInput(**fields)


def forum_input(rt, **overrides) -> ForumActivityInput:
    """An RT-level activity in `rt`; another level with level=... and its place (rt=None)."""
    fields = {
        "level": "rt",
        "rt": rt,
        "held_on": timezone.localdate() - timedelta(days=3),
        "title": "Diskusi hak anak",
        "children": 20,
        "topics": ["hak_anak"],
    }
    fields.update(overrides)
    return ForumActivityInput(**fields)


def partner_input(**overrides) -> PartnerInput:
    fields = {
        "name": "PT Contoh Energi Balikpapan",
        "kind": "dunia_usaha",
        "contact_person": "Ibu Rina, 0812-0000-1111",
        "agreement": "PKS/001/DP3AKB/2026",
    }
    fields.update(overrides)
    return PartnerInput(**fields)


def partner_activity_input(**overrides) -> PartnerActivityInput:
    fields = {
        "held_on": timezone.localdate() - timedelta(days=5),
        "kind": "sosialisasi",
        "title": "Kampanye stop kekerasan anak",
        "children_reached": 120,
    }
    fields.update(overrides)
    return PartnerActivityInput(**fields)
