"""Inputs for the privacy registers, valid unless a test changes them."""

from datetime import timedelta

from django.utils import timezone

from privacy.choices import DataCategory, RequestChannel, RequestKind
from privacy.services import BreachInput, SubjectRequestInput

REQUESTER_TEXT = "Ibu Sulastri, ibu dari Melati Rahasia, minta data laporan anaknya dihapus"
BREACH_TEXT = "Laptop petugas berisi daftar nama Melati Rahasia hilang di angkot"


def subject_request_input(**changes) -> SubjectRequestInput:
    values = {
        "kind": RequestKind.ERASURE,
        "received_at": timezone.now() - timedelta(hours=1),
        "channel": RequestChannel.EMAIL,
        "description": REQUESTER_TEXT,
        "related_reference": "BPN-2026-00012",
    }
    return SubjectRequestInput(**{**values, **changes})


def breach_input(**changes) -> BreachInput:
    values = {
        "discovered_at": timezone.now() - timedelta(hours=2),
        "what_happened": BREACH_TEXT,
        "data_categories": [DataCategory.CHILD_IDENTITY, DataCategory.CONTACT],
        "subjects_estimate": 12,
    }
    return BreachInput(**{**values, **changes})
