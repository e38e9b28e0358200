from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    """The rights a data subject asks to exercise (UU 27/2022 PDP Pasal 6-11)."""

    ACCESS = "akses", _("Access")
    CORRECTION = "perbaikan", _("Correction")
    ERASURE = "penghapusan", _("Erasure")
    OBJECTION = "keberatan", _("Objection")


class RequestChannel(models.TextChoices):
    STATUS_PAGE = "halaman_status", _("Status page conversation (receipt code)")
    EMAIL = "email", _("Email")
    PHONE = "telepon", _("Phone")
    VISIT = "datang", _("Visit to the office")
    LETTER = "surat", _("Letter")


class RequestStatus(models.TextChoices):
    RECEIVED = "diterima", _("Received")
    IN_PROGRESS = "diproses", _("In progress")
    DONE = "selesai", _("Done")
    REFUSED = "ditolak", _("Refused")


# A request in one of these is closed: it has its closed_at, and nothing more is due.
FINAL_REQUEST_STATUSES = frozenset({RequestStatus.DONE, RequestStatus.REFUSED})
# Where a request may go from each status (privacy.services.subject_request_update).
REQUEST_TRANSITIONS = {
    RequestStatus.RECEIVED: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.DONE, RequestStatus.REFUSED}),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.DONE, RequestStatus.REFUSED}),
    RequestStatus.DONE: frozenset(),
    RequestStatus.REFUSED: frozenset(),
}


class BreachStatus(models.TextChoices):
    OPEN = "ditangani", _("Being handled")
    CLOSED = "selesai", _("Closed")


class DataCategory(models.TextChoices):
    """What kind of personal data a breach touched (several per breach)."""

    CHILD_IDENTITY = "identitas_anak", _("Children's identities (name, date of birth, school)")
    NARRATIVE = "kronologi", _("Accounts of what happened, case notes and messages")
    CONTACT = "kontak", _("Reporters' and guardians' contacts")
    ADDRESS = "alamat", _("Addresses and places")
    ATTACHMENT = "lampiran", _("Photos and documents")
    HEALTH = "kesehatan", _("Health and recovery data")
    STAFF = "staf", _("Staff accounts")
    OTHER = "lainnya", _("Other")


TEXT_MAX = 5000
REFERENCE_MAX = 40
SUBJECTS_MAX = 100_000_000
