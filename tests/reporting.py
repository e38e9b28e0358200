"""Shared helpers for the reporting tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from areas.models import Kelurahan
from reports.services import ReportInput

NARRATIVE = "Anak di rumah sebelah dipukul ayahnya setiap malam, terdengar menangis."


def report_post_data(**overrides) -> dict:
    """What the public form posts, minimal but complete."""
    data = {
        "narrative": NARRATIVE,
        "violence_types": ["fisik"],
        "danger_now": "no",
        "injured": "no",
        "kelurahan": str(Kelurahan.objects.get(name="Gunung Samarinda").pk),
        "child_disability": "unknown",
        "perpetrator_lives_with_child": "unknown",
        "reporter_relation": "neighbour",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def report_input(**overrides) -> ReportInput:
    fields = {
        "narrative": NARRATIVE,
        "violence_types": ["fisik"],
        "danger_now": "no",
        "injured": "no",
        "kelurahan": Kelurahan.objects.get(name="Gunung Samarinda"),
        "reporter_relation": "neighbour",
    }
    fields.update(overrides)
    return ReportInput(**fields)


def jpeg_upload(name="foto.jpg", size=(64, 48), gps=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "S", 2: (1.0, 15.0, 0.0), 3: "E", 4: (116.0, 50.0, 0.0)}
        exif[0x010F] = "DistinctiveCameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf_upload(name="surat.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")
