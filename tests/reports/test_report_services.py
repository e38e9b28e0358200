import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from areas.models import Kelurahan
from core.encrypted_files import read_decrypted
from core.errors import DomainError
from core.models import AuditEvent
from reports.choices import Channel, Priority, Status
from reports.models import Report, ReportAttachment, ReportMessage
from reports.receipt import receipt_hash
from reports.selectors import report_by_receipt_code
from reports.services import report_message_add, report_submit
from tests.factories import UserFactory
from tests.reporting import jpeg_upload, pdf_upload, report_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def test_it_stores_a_report_with_a_16_digit_code_kept_only_as_a_keyed_hash():
    submitted = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)

    code, report = submitted.receipt_code, submitted.report
    assert len(code) == 16 and code.isdigit()
    assert report.receipt_hash == receipt_hash(code) != code
    assert code not in report.receipt_hash
    assert report.status == Status.NEW
    assert report.priority == Priority.BIASA
    assert report.acknowledge_due_at == report.received_at + timedelta(hours=72) or (
        abs((report.acknowledge_due_at - report.received_at) - timedelta(hours=72)) < timedelta(seconds=1)
    )
    assert [v.violence_type for v in report.violence_types.all()] == ["fisik"]
    assert report_by_receipt_code(code) == report
    assert report_by_receipt_code(f"{code[:4]} {code[4:8]}-{code[8:12]} {code[12:]}") == report


def test_it_gives_every_report_a_different_code():
    codes = {report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).receipt_code for _ in range(20)}

    assert len(codes) == 20


def test_it_writes_an_audit_row_without_the_reporter(officer):
    report = report_submit(data=report_input(), channel=Channel.API, acting_user=None).report

    event = AuditEvent.objects.get(action="reports.submitted", target_id=str(report.pk))
    assert event.actor is None
    assert event.data == {"channel": "api", "priority": "biasa", "attachments": 0, "attachments_not_saved": 0}


def test_it_sets_urgent_priority_and_a_one_hour_deadline_for_a_child_in_danger():
    report = report_submit(data=report_input(danger_now="yes"), channel=Channel.WEB, acting_user=None).report

    assert report.priority == Priority.DARURAT
    assert abs((report.acknowledge_due_at - report.received_at) - timedelta(hours=1)) < timedelta(seconds=1)
    assert report.priority_reason == "danger_now"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"narrative": "terlalu pendek"}, "narrative"),
        ({"narrative": "x" * 5001}, "narrative"),
        ({"occurred_on": timezone.localdate() + timedelta(days=1)}, "occurred_on"),
        ({"reporter_contact": "0812 3456 7890", "contact_consent": False}, "contact_consent"),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(overrides, field, settings):
    with pytest.raises(DomainError) as error:
        report_submit(data=report_input(**overrides), files=[jpeg_upload()], channel=Channel.WEB, acting_user=None)

    assert error.value.field == field
    assert Report.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "reports").exists() or not any((settings.MEDIA_ROOT / "reports").iterdir())


def test_it_refuses_an_rt_of_another_kelurahan(rt):
    with pytest.raises(DomainError) as error:
        report_submit(
            data=report_input(kelurahan=Kelurahan.objects.get(name="Sepinggan"), rt=rt),
            channel=Channel.WEB,
            acting_user=None,
        )

    assert error.value.field == "rt"


def test_it_stores_attachments_encrypted_and_the_photo_without_its_location(settings):
    report = report_submit(
        data=report_input(), files=[jpeg_upload(), pdf_upload()], channel=Channel.WEB, acting_user=None
    ).report

    photo, document = report.attachments.order_by("pk")
    assert (photo.kind, document.kind) == ("image", "pdf")
    raw = (settings.MEDIA_ROOT / photo.stored_name).read_bytes()
    assert b"JFIF" not in raw and not raw.startswith(b"\xff\xd8")
    plain = read_decrypted(photo.stored_name)
    assert plain.startswith(b"\xff\xd8")
    assert b"DistinctiveCameraMaker" not in plain
    assert not Image.open(io.BytesIO(plain)).getexif()
    assert read_decrypted(document.stored_name).startswith(b"%PDF-")
    assert "foto" not in photo.stored_name and "surat" not in document.stored_name


def test_a_bad_file_among_good_ones_saves_no_report_and_no_file(settings):
    fake = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")

    with pytest.raises(DomainError) as error:
        report_submit(data=report_input(), files=[jpeg_upload(), fake], channel=Channel.WEB, acting_user=None)

    assert error.value.field == "attachments"
    assert Report.objects.count() == ReportAttachment.objects.count() == 0
    folder = settings.MEDIA_ROOT / "reports"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_failing_transaction_removes_the_files_it_wrote(settings, monkeypatch):
    def explode(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr("reports.services.audit_log", explode)

    with pytest.raises(IntegrityError):
        report_submit(data=report_input(), files=[jpeg_upload()], channel=Channel.WEB, acting_user=None)

    assert Report.objects.count() == 0
    folder = settings.MEDIA_ROOT / "reports"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_volunteer_report_is_marked_as_such(volunteer):
    report = report_submit(data=report_input(), channel=Channel.VOLUNTEER, acting_user=volunteer).report

    assert report.channel == Channel.VOLUNTEER and report.submitted_by == volunteer


@pytest.mark.parametrize("role", [Role.OFFICER, None])
def test_only_a_volunteer_may_use_the_volunteer_channel(role):
    user = UserFactory(role=role) if role else None

    with pytest.raises(DomainError):
        report_submit(data=report_input(), channel=Channel.VOLUNTEER, acting_user=user)


def test_the_database_refuses_a_contact_without_consent():
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report

    # Raw SQL: the field refuses QuerySet.update() of a report's value (it would escape the report's key).
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET reporter_contact = 'gAAAA-something' WHERE id = %s", [report.pk])


def test_messages_from_the_reporter_and_staff_are_recorded_with_an_audit_row(officer):
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report

    from_reporter = report_message_add(report=report, body="Saya mau menambah cerita.", acting_user=None)
    from_staff = report_message_add(report=report, body="Terima kasih, kami tindak lanjuti.", acting_user=officer)

    assert (from_reporter.author_kind, from_reporter.author) == ("reporter", None)
    assert (from_staff.author_kind, from_staff.author) == ("staff", officer)
    assert AuditEvent.objects.filter(action="reports.message_added", target_id=str(report.pk)).count() == 2


@pytest.mark.parametrize("body", ["", "   ", "x" * 3001])
def test_an_empty_or_too_long_message_is_refused(body):
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report

    with pytest.raises(DomainError) as error:
        report_message_add(report=report, body=body, acting_user=None)

    assert error.value.field == "body"
    assert ReportMessage.objects.count() == 0


def test_a_report_holds_a_limited_number_of_files(settings):
    settings.REPORT_ATTACHMENTS_PER_REPORT_MAX = 2
    report = report_submit(data=report_input(), files=[jpeg_upload()], channel=Channel.WEB, acting_user=None).report

    with pytest.raises(DomainError) as error:
        report_message_add(
            report=report, body="Ini dua foto lagi.", files=[jpeg_upload(), jpeg_upload()], acting_user=None
        )

    assert error.value.code == "report_attachments_full"
    assert ReportMessage.objects.count() == 0
