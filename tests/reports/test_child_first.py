"""Issue 19, the child reporting: who the report is about first (two server-rendered steps), ways
out of the kelurahan question with a landmark, and a submission accepted once (the form's
one-time token, the API's Idempotency-Key), also when two copies race."""

import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from alerts.content import alert_content
from alerts.models import Alert
from areas.models import Kelurahan
from cases.models import Case
from core.errors import DomainError
from reports.choices import Channel, LocationKind, ReporterKind, ReporterRelation
from reports.models import Report
from reports.services import report_submit
from tests.conftest import login_as
from tests.reporting import report_input, report_post_data
from triage.services import report_accept

FORM = reverse("reports:form")
SUBMIT = reverse("api-report-submit")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def token_on(html: str) -> str:
    match = re.search(r'name="submission_token" value="([^"]+)"', html)
    assert match, "the form carries a one-time token"
    return match.group(1)


# --- step 1, step 2 ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_asks_first_who_it_is_about_and_nothing_else(client):
    html = client.get(FORM).content.decode()

    assert "Laporan ini tentang siapa?" in html
    for value in ReporterKind.values:
        assert f'value="{value}"' in html
    assert 'name="narrative"' not in html and 'method="get"' in html


@pytest.mark.django_db
def test_an_unknown_answer_to_step_one_asks_again(client):
    response = client.get(FORM, {"tentang": "kucing"})
    assert response.status_code == 400
    assert 'name="narrative"' not in response.content.decode()


@pytest.mark.django_db
def test_next_without_an_answer_says_what_is_missing(client):
    # An unchecked radio sends nothing: the step's marker alone arrives.
    response = client.get(FORM, {"langkah": "1"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_tentang_0"' in html


@pytest.mark.django_db
def test_a_child_about_herself_is_spoken_to_and_not_asked_who_she_is(client):
    html = client.get(FORM, {"tentang": "child_self"}).content.decode()

    assert "Laporan ini tentang dirimu." in html
    assert "Apakah kamu dalam bahaya sekarang?" in html and "Berapa umurmu?" in html and "Namamu" in html
    assert 'name="reporter_relation"' not in html  # "who are you" is answered: herself
    assert "Nama anak" not in html and "Apakah anak dalam bahaya" not in html
    assert 'name="reporter_kind" value="child_self"' in html


@pytest.mark.django_db
def test_someone_else_is_asked_about_the_child_and_who_they_are_but_never_it_happened_to_me(client):
    for about in (ReporterKind.CHILD_OTHER, ReporterKind.ADULT):
        html = client.get(FORM, {"tentang": about}).content.decode()
        assert 'name="reporter_relation"' in html and 'value="self"' not in html
        assert "Berapa umurmu?" not in html
    child = client.get(FORM, {"tentang": "child_other"}).content.decode()
    assert 'value="teacher"' not in child and 'value="volunteer"' not in child


@pytest.mark.django_db
def test_a_child_about_herself_files_a_self_report_with_her_name_as_the_childs(client):
    data = report_post_data(reporter_relation=None, reporter_kind="child_self", child_name="Sari", child_age="12")
    response = client.post(FORM, data)

    assert response.status_code == 200, response.content.decode()
    report = Report.objects.get()
    assert report.reporter_kind == ReporterKind.CHILD_SELF
    assert report.reporter_relation == ReporterRelation.SELF
    assert report.child_name == "Sari" and report.child_age == 12


@pytest.mark.django_db
def test_a_post_from_before_the_two_steps_is_still_the_full_form(client):
    assert client.post(FORM, report_post_data()).status_code == 200
    assert Report.objects.get().reporter_kind == ""


@pytest.mark.django_db
def test_the_database_keeps_a_self_report_made_by_the_child_herself():
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    assert report.reporter_relation == ReporterRelation.NEIGHBOUR
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(reporter_kind=ReporterKind.CHILD_SELF)


# --- where: ways out and a landmark -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("way_out", [LocationKind.UNKNOWN, LocationKind.OUTSIDE, LocationKind.ONLINE])
def test_a_reporter_who_does_not_know_the_kelurahan_can_still_report_with_a_landmark(client, way_out):
    html = client.get(FORM, {"tentang": "adult"}).content.decode()
    assert f'value="{way_out}"' in html and 'name="landmark"' in html

    data = report_post_data(reporter_kind="adult", kelurahan=way_out, rt="3", landmark="Dekat masjid Al-Ikhlas")
    response = client.post(FORM, data)

    assert response.status_code == 200, response.content.decode()
    report = Report.objects.get()
    assert report.location_kind == way_out and report.kelurahan is None and report.rt is None
    assert report.landmark == "Dekat masjid Al-Ikhlas"
    with connection.cursor() as cursor:  # the landmark can point to a house: encrypted at rest
        cursor.execute("SELECT landmark FROM reports_report WHERE id = %s", [report.pk])
        assert "masjid" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_kelurahan_must_be_chosen_or_a_way_out(client):
    response = client.post(FORM, report_post_data(reporter_kind="adult", kelurahan="nowhere"))
    assert response.status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_the_database_holds_a_kelurahan_exactly_when_the_kind_says_so():
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(location_kind=LocationKind.ONLINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(kelurahan=None)


@pytest.mark.django_db
def test_an_alert_about_a_report_without_kelurahan_names_the_way_out(supervisor):
    report = report_submit(
        data=report_input(kelurahan=None, location_kind=LocationKind.ONLINE), channel=Channel.WEB, acting_user=None
    ).report
    alert = Alert.objects.get(report=report)
    assert alert_content(alert).area == str(LocationKind.ONLINE.label)


@pytest.mark.django_db
def test_a_case_from_a_report_without_kelurahan_takes_the_one_the_officer_gives(officer, client):
    report = report_submit(
        data=report_input(kelurahan=None, location_kind=LocationKind.UNKNOWN), channel=Channel.WEB, acting_user=None
    ).report
    login_as(client, officer)
    page = client.get(reverse("triage:report", args=[report.uuid])).content.decode()
    assert 'name="accept-kelurahan"' in page or 'name="kelurahan"' in page

    with pytest.raises(DomainError) as refused:
        report_accept(report=report, acting_user=officer)
    assert refused.value.code == "kelurahan_needed" and not Case.objects.exists()

    kelurahan = Kelurahan.objects.get(name="Gunung Samarinda")
    case = report_accept(report=report, acting_user=officer, kelurahan=kelurahan)
    assert case.kelurahan == kelurahan


# --- once only: the form -------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_the_same_form_again_files_no_second_report_and_says_it_was_sent(client):
    token = token_on(client.get(FORM, {"tentang": "child_self"}).content.decode())
    data = report_post_data(reporter_relation=None, reporter_kind="child_self", submission_token=token)

    first = client.post(FORM, data)
    again = client.post(FORM, data)  # the receipt page reloaded: the browser posts it again

    assert first.status_code == again.status_code == 200
    assert 'class="receipt-code"' in first.content.decode()
    html = again.content.decode()
    assert "Laporan ini sudah terkirim" in html and 'class="receipt-code"' not in html
    assert "Diterima" in html or "Received" in html  # the same status
    assert "kode itulah yang dipakai" in html
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_each_form_gets_its_own_token(client):
    first = token_on(client.get(FORM, {"tentang": "adult"}).content.decode())
    second = token_on(client.get(FORM, {"tentang": "adult"}).content.decode())
    assert first != second
    client.post(FORM, report_post_data(reporter_kind="adult", submission_token=first))
    client.post(FORM, report_post_data(reporter_kind="adult", submission_token=second))
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_repeat_does_not_count_against_the_hourly_limit(client, settings):
    settings.REPORT_SUBMIT_RATE_CLIENT = "1/h"
    data = report_post_data(reporter_kind="adult", submission_token="t" * 32)
    assert client.post(FORM, data).status_code == 200
    again = client.post(FORM, data)
    assert again.status_code == 200 and "Laporan ini sudah terkirim" in again.content.decode()


# --- once only: the API ---------------------------------------------------------------------------


def api_payload(**overrides):
    return report_post_data(**{"kelurahan": "Gunung Samarinda", **overrides})


@pytest.mark.django_db
def test_the_api_answers_a_repeated_idempotency_key_with_the_same_report(client):
    headers = {"HTTP_IDEMPOTENCY_KEY": "klien-7f1c"}
    first = client.post(SUBMIT, api_payload(), content_type="application/json", **headers)
    again = client.post(SUBMIT, api_payload(), content_type="application/json", **headers)

    assert first.status_code == 201 and len(first.json()["receipt_code"]) == 16
    assert first.json()["already_sent"] is False
    assert again.status_code == 200
    assert again.json()["already_sent"] is True and again.json()["receipt_code"] == ""
    assert again.json()["status"] == first.json()["status"]
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_key_reused_for_another_body(client):
    headers = {"HTTP_IDEMPOTENCY_KEY": "klien-7f1c"}
    client.post(SUBMIT, api_payload(), content_type="application/json", **headers)
    other_body = api_payload(narrative="Ini laporan lain sama sekali, tentang anak lain.")
    other = client.post(SUBMIT, other_body, content_type="application/json", **headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_the_api_files_each_post_and_keys_do_not_meet_form_tokens(client):
    client.post(SUBMIT, api_payload(), content_type="application/json")
    client.post(SUBMIT, api_payload(), content_type="application/json")
    client.post(SUBMIT, api_payload(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="same")
    client.post(FORM, report_post_data(submission_token="same"))
    assert Report.objects.count() == 4


@pytest.mark.django_db
def test_the_api_accepts_who_it_is_about_and_a_way_out(client):
    payload = api_payload(
        kelurahan="", location_kind="online", landmark="Grup WhatsApp kelas", reporter_kind="child_other"
    )
    response = client.post(SUBMIT, payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    report = Report.objects.get()
    assert (report.location_kind, report.kelurahan, report.reporter_kind) == ("online", None, "child_other")


@pytest.mark.django_db
def test_the_api_refuses_a_kelurahan_with_a_way_out(client):
    response = client.post(SUBMIT, api_payload(location_kind="outside"), content_type="application/json")
    assert response.status_code == 400 and "kelurahan" in response.json()


# --- once only, racing: real connections, no mocks --------------------------------------------------


def race(count, work):
    """Run `work` in `count` threads released at once; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_of_one_form_at_once_file_one_report():
    results, errors = race(
        2, lambda: report_submit(data=report_input(), channel=Channel.WEB, acting_user=None, submission_key="k" * 32)
    )
    assert not errors
    assert Report.objects.count() == 1
    assert sorted(result.repeat for result in results) == [False, True]
    assert len({result.report.pk for result in results}) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_api_posts_with_one_key_at_once_file_one_report():
    def post():
        response = Client().post(
            SUBMIT, api_payload(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="balapan-1"
        )
        return response.status_code

    results, errors = race(3, post)
    assert not errors
    assert sorted(results) == [200, 200, 201]
    assert Report.objects.count() == 1
