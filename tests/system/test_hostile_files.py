"""Files that lie about their type, empty files and decompression bombs, at every surface that takes
files: refused with a clear message (pages) or the API's 400, quickly and in bounded memory, with
no row and no file left behind; what is accepted is stored cleaned and only ever downloaded.

How each kind of file is recognised is tested in depth in test_attachments.py (by content, at
the service's edge); this module checks that every public surface applies it end to end.
"""

import io
import resource
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.encrypted_files import read_decrypted
from reports.choices import Channel
from reports.models import Report, ReportAttachment
from reports.services import report_submit
from tests.conftest import login_as
from tests.hostile import api_error, api_report, footprint
from tests.outreach.test_outreach_api import as_json
from tests.outreach_data import session_input
from tests.reporting import jpeg_upload, report_input, report_post_data
from tests.reports.test_attachments import png_claiming_size

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_HTML_POLYGLOT = b"%PDF-1.4\n" + HTML + b"\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
GIF_JS_POLYGLOT = b"GIF89a/*\x00\x00\x00\x00\x00*/=alert(1);//" + b"\x00" * 32


NOT_ALLOWED = ("attachment_type_not_allowed", "tidak bisa dikirim")


def docx_renamed_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


def jpeg_claiming_size(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) says width x height."""
    data = bytearray(jpeg_upload(gps=False).read())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def gif_claiming_size(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.new("P", (2, 2)).save(output, "GIF")
    data = bytearray(output.getvalue())
    data[6:10] = struct.pack("<HH", width, height)  # the logical screen
    return bytes(data)


def compressed_huge_png() -> bytes:
    """A real 5000 x 5000 picture (25 megapixels) that compresses to a few kilobytes."""
    output = io.BytesIO()
    Image.new("1", (5000, 5000)).save(output, "PNG", optimize=True)
    return output.getvalue()


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def submitted_code() -> str:
    return report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).receipt_code


# Every surface that takes files: (how to post them, the field the files go in, is it the API).
def _report_form(client, volunteer, rt, code, files):
    return client.post(reverse("reports:form"), {**report_post_data(), "attachments": files})


def _volunteer_report_form(client, volunteer, rt, code, files):
    login_as(client, volunteer)
    return client.post(reverse("reports:volunteer_form"), {**report_post_data(), "attachments": files})


def _reply_form(client, volunteer, rt, code, files):
    data = {"receipt_code": code, "body": "Ini fotonya.", "attachments": files}
    return client.post(reverse("reports:status"), data)


def _report_api(client, volunteer, rt, code, files):
    return client.post(reverse("api-report-submit"), {**api_report(), "attachments": files})


def _message_api(client, volunteer, rt, code, files):
    data = {"receipt_code": code, "body": "Ini fotonya.", "attachments": files}
    return client.post(reverse("api-report-message"), data)


def _session_form(client, volunteer, rt, code, files):
    login_as(client, volunteer)
    data = {**as_json(session_input(rt)), "photos": files}
    return client.post(reverse("outreach:session_create"), data)


def _session_api(client, volunteer, rt, code, files):
    login_as(client, volunteer)
    return client.post(reverse("api-outreach-sessions"), {**as_json(session_input(rt)), "photos": files})


SURFACES = {
    "report-form": (_report_form, False),
    "volunteer-report-form": (_volunteer_report_form, False),
    "reply-form": (_reply_form, False),
    "report-api": (_report_api, True),
    "message-api": (_message_api, True),
    "session-form": (_session_form, False),
    "session-api": (_session_api, True),
}

LIARS = [
    pytest.param(EXE, "foto.png", "image/png", *NOT_ALLOWED, id="exe-as-png"),
    pytest.param(HTML, "foto.png", "image/png", *NOT_ALLOWED, id="html-as-png"),
    pytest.param(SVG, "foto.png", "image/png", *NOT_ALLOWED, id="svg-script-as-png"),
    pytest.param(SVG, "gambar.svg", "image/svg+xml", *NOT_ALLOWED, id="svg-script"),
    pytest.param(docx_renamed_zip(), "surat.docx",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 *NOT_ALLOWED, id="zip-as-docx"),
    pytest.param(GIF_JS_POLYGLOT, "foto.gif", "image/gif", "attachment_image_broken", "rusak", id="gif-js-polyglot"),
    # DRF refuses an empty upload itself ("empty"), before the service would ("attachment_empty").
    pytest.param(b"", "foto.jpg", "image/jpeg", "empty", "kosong", id="empty"),
    pytest.param(png_claiming_size(30_000, 30_000), "foto.png", "image/png", "attachment_image_too_large",
                 "terlalu besar", id="png-declaring-30000x30000"),
    pytest.param(jpeg_claiming_size(30_000, 30_000), "foto.jpg", "image/jpeg", "attachment_image_too_large",
                 "terlalu besar", id="jpeg-declaring-30000x30000"),
    pytest.param(gif_claiming_size(65_535, 65_535), "foto.gif", "image/gif", "attachment_image_too_large",
                 "terlalu besar", id="gif-declaring-65535x65535"),
    pytest.param(compressed_huge_png(), "foto.png", "image/png", "attachment_image_too_large", "terlalu besar",
                 id="png-25-megapixels-in-kilobytes"),
]  # fmt: skip


def _codes(errors):
    """Every code in an API error body, wherever it sits."""
    if isinstance(errors, dict):
        if "code" in errors:
            yield errors["code"]
        else:
            for value in errors.values():
                yield from _codes(value)
    elif isinstance(errors, list):
        for value in errors:
            yield from _codes(value)


def refusal_texts(response, *, is_api: bool) -> list[str]:
    """Every error the surface gave: the API's codes, or the messages of the page's form."""
    assert response.status_code == 400, response.content[:300]
    if is_api:
        return list(_codes(response.json()))
    form = response.context["reply_form"] if "reply_form" in response.context else response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(("data", "name", "content_type", "code", "message"), LIARS)
@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_refuses_a_lying_or_hostile_file_and_keeps_nothing(
    client, volunteer, rt, surface, data, name, content_type, code, message
):
    post, is_api = SURFACES[surface]
    code_for_replies = submitted_code()
    before = footprint()

    started = time.monotonic()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = post(client, volunteer, rt, code_for_replies, [upload(data, name, content_type)])
    seconds = time.monotonic() - started
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before

    errors = refusal_texts(response, is_api=is_api)
    expected = code if is_api else message
    assert any(expected in error for error in errors), errors
    assert seconds < 5, f"took {seconds:.1f} s"
    assert grown_kib < 150 * 1024, f"the process grew by {grown_kib // 1024} MiB"
    assert footprint() == before


@pytest.mark.parametrize("surface", ["report-form", "report-api", "reply-form", "message-api"])
def test_a_pdf_named_like_a_photo_is_stored_as_the_pdf_it_is(client, volunteer, rt, surface):
    post, _ = SURFACES[surface]
    code = submitted_code()

    response = post(client, volunteer, rt, code, [upload(PDF, "foto.jpg", "image/jpeg")])

    assert response.status_code in (200, 201)
    attachment = ReportAttachment.objects.get()
    assert (attachment.kind, attachment.content_type, attachment.extension) == ("pdf", "application/pdf", "pdf")


@pytest.mark.parametrize("surface", ["session-form", "session-api"])
def test_a_session_takes_photos_only_whatever_a_file_is_named(client, volunteer, rt, surface):
    post, is_api = SURFACES[surface]
    before = footprint()

    response = post(client, volunteer, rt, None, [upload(PDF, "foto.jpg", "image/jpeg")])

    expected = "photos_only" if is_api else "Hanya foto"
    assert any(expected in error for error in refusal_texts(response, is_api=is_api))
    assert footprint() == before


@pytest.mark.parametrize("surface", ["session-form", "session-api"])
def test_a_refused_session_photo_is_named_by_the_photos_field(client, volunteer, rt, surface):
    post, is_api = SURFACES[surface]

    response = post(client, volunteer, rt, None, [upload(EXE, "foto.png", "image/png")])

    if is_api:
        assert api_error(response, "photos")[0]["code"] == "attachment_type_not_allowed"
    else:
        assert response.context["form"].errors["photos"]


def test_a_photo_with_html_appended_is_stored_re_encoded_without_the_html_or_its_location(client):
    photo = jpeg_upload(gps=True).read() + HTML

    response = client.post(
        reverse("reports:form"), {**report_post_data(), "attachments": [upload(photo, "foto.jpg", "image/jpeg")]}
    )

    assert response.status_code == 200
    stored = read_decrypted(ReportAttachment.objects.get().stored_name)
    for trace in (b"<script", b"<html", b"Exif", b"DistinctiveCameraMaker"):
        assert trace not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_a_pdf_html_polyglot_is_only_ever_downloaded_never_rendered(client, supervisor):
    client.post(
        reverse("reports:form"),
        {**report_post_data(), "attachments": [upload(PDF_HTML_POLYGLOT, "laporan.html", "text/html")]},
    )
    report = Report.objects.get()
    attachment = report.attachments.get()
    login_as(client, supervisor)

    response = client.get(reverse("triage:attachment", args=[report.uuid, attachment.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == PDF_HTML_POLYGLOT
