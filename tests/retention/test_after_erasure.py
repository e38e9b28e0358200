"""After the schedule ran: the receipt code of an erased report says so (page and API) and takes no
message; a de-identified case still counts on the dashboard and in the SIMFONI-PPA export."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Case
from core import retention
from core.errors import DomainError
from core.periods import Period
from core.retention import add_years
from dashboard import staff_selectors
from reports.models import Report, ReportMessage
from reports.services import report_message_add
from tests.dashboard.test_dashboard_exports import DOWNLOAD, as_dicts, csv_rows
from tests.reporting import NARRATIVE
from tests.retention.conftest import a_case, close, rejected

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:status")
STATUS_API = reverse("api-report-status")
MESSAGE_API = reverse("api-report-message")


@pytest.fixture
def erased(officer, now):
    submitted = rejected(officer, received=now - timedelta(days=120))
    retention.run(now=now, only=["reports.rejected"])
    assert Report.objects.get(pk=submitted.report.pk).erased_at is not None
    return submitted


@pytest.mark.parametrize(
    ("language", "words"),
    [("id", "Laporan ini sudah dihapus"), ("en", "This report was deleted")],
)
def test_the_status_page_says_the_report_was_erased_and_links_the_privacy_notice(client, erased, language, words):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(PAGE, {"receipt_code": erased.receipt_code})

    html = response.content.decode()
    assert response.status_code == 410
    assert words in html
    assert 'href="/privasi/"' in html
    assert "Spam" not in html and "Ditolak" not in html and "Rejected" not in html


def test_a_reply_on_the_page_is_refused_with_the_same_words(client, erased):
    response = client.post(PAGE, {"receipt_code": erased.receipt_code, "body": "Halo, apakah masih dibaca?"})

    assert response.status_code == 410
    assert "Laporan ini sudah dihapus" in response.content.decode()
    assert not ReportMessage.objects.filter(report=erased.report).exists()


def test_the_api_says_it_was_erased_and_refuses_messages(client, erased):
    status = client.post(STATUS_API, {"receipt_code": erased.receipt_code}, content_type="application/json")
    message = client.post(
        MESSAGE_API, {"receipt_code": erased.receipt_code, "body": "Halo?"}, content_type="application/json"
    )

    for response in (status, message):
        assert response.status_code == 410
        assert response.json()["code"] == "erased"
        assert "/privasi/" in response.json()["detail"]
    assert not ReportMessage.objects.filter(report=erased.report).exists()


def test_the_service_refuses_a_message_to_an_erased_report(erased, officer):
    for author in (None, officer):
        with pytest.raises(DomainError) as error:
            report_message_add(report=Report.objects.get(pk=erased.report.pk), body="Halo?", acting_user=author)
        assert error.value.code == "erased"


def test_a_report_not_erased_still_shows_its_status(client, officer, now):
    submitted = rejected(officer, received=now - timedelta(days=10))
    retention.run(now=now)

    response = client.post(PAGE, {"receipt_code": submitted.receipt_code})
    assert response.status_code == 200
    assert "sudah dihapus" not in response.content.decode()


@pytest.fixture
def deidentified(officer, now):
    case = a_case(
        officer,
        child_name="Budi Santoso",
        child_age=8,
        child_sex="L",
        violence_types=["fisik"],
        place="rumah_tangga",
        perpetrator_relation="orang_tua",
    )
    Case.objects.filter(pk=case.pk).update(occurred_on=add_years(timezone.localdate(now), -14))
    close(case, when=add_years(now, -11))
    [outcome] = retention.run(now=now, only=["cases.closed"])
    assert [item.record.pk for item in outcome.erased] == [case.pk]
    return Case.objects.get(pk=case.pk)


def test_a_deidentified_case_still_counts_on_the_dashboard(as_user, supervisor, deidentified):
    today = timezone.localdate()
    period = Period(start=today.replace(month=1, day=1), end=today)

    profile = staff_selectors.case_profile(period=period, kecamatan=None, not_recorded="–")

    assert profile.cases == 1
    assert [(row.key, row.count) for row in profile.by_violence] == [("fisik", 1)]
    assert sum(band.boys for band in profile.children_by_age) == 1
    response = as_user(supervisor).get("/staf/dasbor/")
    assert response.status_code == 200


def test_a_deidentified_case_is_still_in_the_simfoni_export_without_its_identity(
    client, as_user, supervisor, deidentified
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    [row] = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD, {"kind": "simfoni"})))

    assert row["No. registrasi"] == deidentified.reference
    assert row["Bentuk kekerasan"] == "Fisik"
    assert row["Tempat kejadian"] == "Rumah tangga"
    assert deidentified.status == CaseStatus.CLOSED
    text = " ".join(row.values())
    assert "Budi" not in text and NARRATIVE not in text
    [cases_row] = as_dicts(csv_rows(as_user(supervisor).get(DOWNLOAD, {"kind": "cases"})))
    assert cases_row and "Budi" not in " ".join(cases_row.values())
