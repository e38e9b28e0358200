"""Uploads never touch the disk in plain form, and a request's memory is bounded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from reports.models import Report
from tests.reporting import report_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_temporary_files(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", refuse)


def photo_bytes(size: int) -> bytes:
    from tests.reporting import jpeg_upload

    data = jpeg_upload(gps=False).read()
    return data + b"\0" * (size - len(data))  # a valid JPEG, padded after its end


def test_several_large_photos_stay_in_memory(client, settings):
    data = report_post_data()
    data["attachments"] = [SimpleUploadedFile(f"f{i}.jpg", photo_bytes(4 * 1024 * 1024)) for i in range(3)]

    response = client.post(reverse("reports:form"), data)

    assert response.status_code == 200, response.content.decode()[:500]
    assert Report.objects.get().attachments.count() == 3


def test_a_too_large_file_is_refused_by_its_position_without_being_kept_whole(client, settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1024 * 1024
    data = report_post_data()
    data["attachments"] = [
        SimpleUploadedFile("a.jpg", photo_bytes(2000)),
        SimpleUploadedFile("b.jpg", b"x" * 3_000_000),
    ]

    response = client.post(reverse("reports:form"), data)

    assert response.status_code == 400
    assert "Berkas ke-2 terlalu besar" in response.content.decode()
    assert Report.objects.count() == 0


def test_too_many_files_are_refused_with_a_clear_message(client, settings):
    data = report_post_data()
    data["attachments"] = [SimpleUploadedFile(f"{i}.jpg", photo_bytes(2000)) for i in range(7)]

    response = client.post(reverse("reports:form"), data)

    assert response.status_code == 400
    assert "5" in response.content.decode()
    assert Report.objects.count() == 0


def test_the_handler_keeps_at_most_one_byte_over_the_limit_and_nothing_past_the_file_count(settings):
    from core.uploads import BoundedMemoryUploadHandler

    settings.REPORT_ATTACHMENT_MAX_BYTES = 100
    settings.REPORT_ATTACHMENT_MAX_FILES = 1
    handler = BoundedMemoryUploadHandler()
    kept = []
    for name in ("one.jpg", "two.jpg"):
        handler.new_file("attachments", name, "image/jpeg", 10_000)
        for start in range(0, 10_000, 1000):
            assert handler.receive_data_chunk(b"y" * 1000, start) is None
        kept.append(handler.file_complete(10_000))

    assert [upload.size for upload in kept] == [101, 1]


def more_files_than_django_reads(settings) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{i}.jpg", b"x") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]


def too_large_for_django(settings) -> str:
    return "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


@pytest.mark.parametrize("url", [reverse("reports:form"), reverse("reports:status")])
def test_more_files_than_django_reads_get_a_page_in_the_readers_language(client, settings, url):
    data = {
        **report_post_data(),
        "receipt_code": "1",
        "body": "Halo",
        "attachments": more_files_than_django_reads(settings),
    }

    indonesian = client.post(url, data)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(url, data)

    assert indonesian.status_code == english.status_code == 400
    assert "paling banyak 5 berkas" in indonesian.content.decode()
    assert "You can send up to 5 files" in english.content.decode()
    assert "Bad Request" not in indonesian.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize("url", [reverse("reports:form"), reverse("reports:status")])
def test_a_body_too_large_for_django_gets_a_page_in_the_readers_language(client, settings, url):
    response = client.post(url, {**report_post_data(), "narrative": too_large_for_django(settings)})

    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert "Bad Request" not in response.content.decode()


@pytest.mark.parametrize("url", [reverse("api-report-submit"), reverse("api-report-message")])
def test_the_api_answers_too_many_files_per_field_and_too_large_a_body_in_json(client, settings, url):
    files = client.post(url, {**report_post_data(), "attachments": more_files_than_django_reads(settings)})
    large = client.post(url, {"narrative": too_large_for_django(settings)})

    assert files.status_code == 400
    assert files.json()["attachments"][0]["code"] == "too_many_attachments"
    assert large.status_code == 413 and large.json()["code"] == "request_too_large"
    assert Report.objects.count() == 0


def test_any_other_unreadable_body_gets_a_page_not_djangos_bare_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2

    response = client.post(reverse("accounts:login"), {"a": "1", "b": "2", "c": "3"})

    assert response.status_code == 400
    assert "tidak dapat dibaca" in response.content.decode()
