"""The staff triage pages: the report inbox, one report, its files, and the actions on it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from areas.models import Kelurahan
from cases.models import Case, CaseReport
from core.encrypted_files import read_decrypted
from core.models import AuditEvent
from core.wording import duration_in_words
from reports.choices import AuthorKind, Channel, Priority, Status
from reports.models import Report, ReportMessage
from reports.services import report_message_add, report_submit
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.reporting import jpeg_upload, report_input
from triage.services import report_accept, report_acknowledge, report_reject
from triage.views import deadline_for

pytestmark = pytest.mark.django_db

OUTSIDERS = ["volunteer", "head", "sysadmin"]
TRIAGERS = ["officer", "supervisor"]
REFERENCE = re.compile(r"LP-\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def report(db):
    return report_submit(
        data=report_input(
            child_name="Budi Santoso",
            address_detail="Jl. Mawar No. 7, dekat masjid",
            reporter_contact="0812 5555 0101",
            contact_consent=True,
        ),
        files=[jpeg_upload()],
        channel=Channel.WEB,
        acting_user=None,
    ).report


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def audit_rows(action, target):
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk))


def page_url(name, report):
    if name == "inbox":
        return reverse("triage:inbox")
    if name == "report":
        return reverse("triage:report", args=[report.uuid])
    return reverse("triage:attachment", args=[report.uuid, report.attachments.get().pk])


def action_url(name, report):
    return reverse(f"triage:{name}", args=[report.uuid])


def references_in(html):
    return REFERENCE.findall(html)


def set_deadline(report, delta):
    Report.objects.filter(pk=report.pk).update(acknowledge_due_at=timezone.now() + delta)


# --- who gets in ---------------------------------------------------------------------------------

PAGES = ["inbox", "report", "attachment"]
ACTIONS = {
    "acknowledge": {},
    "message": {"body": "Terima kasih, kami akan menghubungi Anda."},
    "priority": {"priority": "darurat", "reason": "Anak masih serumah dengan pelaku."},
    "duplicate": {"duplicate_of": "LP-2026-000001"},
    "reject": {"reason": "spam"},
    "accept": {},
    "accept_into_case": {"case": "BPN-2026-00001"},
}


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_an_anonymous_visitor_to_login(client, report, name):
    response = client.get(page_url(name, report))

    assert response.status_code == 302 and "/akun/masuk/" in response.url


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_the_pages_to_anyone_who_does_not_triage(client, request, report, name, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(page_url(name, report)).status_code == 403
    assert not audit_rows("reports.viewed", report).exists()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", TRIAGERS)
def test_it_opens_the_pages_for_officers_and_supervisors(client, request, report, name, persona):
    login_as(client, request.getfixturevalue(persona))

    response = client.get(page_url(name, report))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ACTIONS)
def test_it_sends_an_anonymous_action_to_login(client, report, name):
    response = client.post(action_url(name, report), ACTIONS[name])

    assert response.status_code == 302 and "/akun/masuk/" in response.url
    report.refresh_from_db()
    assert report.status == Status.NEW and not ReportMessage.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_the_actions_to_anyone_who_does_not_triage(client, request, report, name, persona):
    login_as(client, request.getfixturevalue(persona))

    response = client.post(action_url(name, report), ACTIONS[name])

    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.priority, report.acknowledged_at) == (Status.NEW, Priority.BIASA, None)
    assert not ReportMessage.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_it_takes_actions_only_as_a_post(client, officer, report, name):
    login_as(client, officer)

    assert client.get(action_url(name, report)).status_code == 405


def test_it_refuses_an_action_without_the_csrf_token(officer, report):
    client = Client(enforce_csrf_checks=True)
    login_as(client, officer)

    response = client.post(action_url("acknowledge", report))

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.acknowledged_at is None


def test_it_puts_a_csrf_token_in_every_action_form(client, officer, report):
    login_as(client, officer)

    html = client.get(page_url("report", report)).content.decode()

    forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    actions = [form for form in forms if "/staf/laporan/" in form]
    # message, acknowledge, accept, accept into case, priority, duplicate, refer an adult, reject
    assert len(actions) == 8
    assert all("csrfmiddlewaretoken" in form for form in actions)


@pytest.mark.parametrize("name", ["report", "acknowledge"])
def test_it_answers_404_for_a_report_that_does_not_exist(client, officer, report, name):
    login_as(client, officer)
    missing = "0b7c0a8e-3a52-4bbf-9d8e-1f3e4a5b6c7d"

    url = reverse(f"triage:{name}", args=[missing])
    response = client.get(url) if name == "report" else client.post(url)

    assert response.status_code == 404


def test_it_answers_404_for_an_attachment_of_another_report_or_none(client, officer, report):
    other = report_submit(data=report_input(), files=[jpeg_upload()], channel=Channel.WEB, acting_user=None).report
    login_as(client, officer)

    foreign = client.get(reverse("triage:attachment", args=[report.uuid, other.attachments.get().pk]))
    missing = client.get(reverse("triage:attachment", args=[report.uuid, 999999]))

    assert foreign.status_code == missing.status_code == 404
    assert not audit_rows("reports.viewed", report).exists()


# --- the inbox -----------------------------------------------------------------------------------


def test_it_orders_the_inbox_by_priority_then_deadline(client, officer):
    late_normal = new_report()
    urgent = new_report(danger_now="yes")
    high_later = new_report(child_age=4)
    high_sooner = new_report(violence_types=["seksual"])
    early_normal = new_report()
    set_deadline(high_later, timedelta(hours=20))
    set_deadline(high_sooner, timedelta(hours=2))
    set_deadline(late_normal, timedelta(hours=60))
    set_deadline(early_normal, timedelta(hours=-3))
    login_as(client, officer)

    html = client.get(reverse("triage:inbox")).content.decode()

    assert [urgent.priority, high_later.priority, late_normal.priority] == ["darurat", "tinggi", "biasa"]
    assert references_in(html) == [
        report.reference for report in (urgent, high_sooner, high_later, early_normal, late_normal)
    ]


def test_it_shows_what_triage_needs_and_no_narrative_or_name(client, officer, report):
    Report.objects.filter(pk=report.pk).update(acknowledge_due_at=timezone.now() - timedelta(hours=3, minutes=5))
    login_as(in_english(client), officer)

    html = client.get(reverse("triage:inbox")).content.decode()

    assert report.reference in html
    assert "Normal" in html and "3 hours overdue" in html
    assert "Gunung Samarinda, Balikpapan Utara" in html
    assert "Physical" in html and "New" in html
    assert re.search(r'data-label="Files">\s*1\s*<', html)
    assert "dipukul" not in html and "Budi" not in html and "Mawar" not in html


def test_it_says_how_long_is_left(client, officer):
    fresh = new_report()
    set_deadline(fresh, timedelta(hours=2, minutes=30))
    login_as(in_english(client), officer)

    html = client.get(reverse("triage:inbox")).content.decode()

    assert "2 hours left" in html


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=20), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=2, minutes=59), "2 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=3, hours=5), "3 days"),
    ],
)
def test_it_puts_durations_in_words(delta, words):
    with translation.override("en"):
        assert duration_in_words(delta) == words


def test_it_says_whether_an_acknowledgement_was_in_time(officer, report):
    acknowledged = report_acknowledge(report=report, acting_user=officer)
    with translation.override("en"):
        assert deadline_for(acknowledged, now=timezone.now()).text == "Acknowledged in time"


def test_it_hides_handled_reports_unless_asked(client, officer, supervisor):
    waiting = new_report()
    acknowledged = report_acknowledge(report=new_report(), acting_user=officer)
    rejected = report_reject(report=new_report(), reason="spam", acting_user=officer)
    accepted = new_report()
    report_accept(report=accepted, acting_user=officer)
    login_as(client, supervisor)
    inbox = reverse("triage:inbox")

    default = references_in(client.get(inbox).content.decode())
    only_new = references_in(client.get(inbox, {"status": "new"}).content.decode())
    only_acknowledged = references_in(client.get(inbox, {"status": "acknowledged"}).content.decode())
    everything = references_in(client.get(inbox, {"status": "all"}).content.decode())

    assert sorted(default) == sorted([waiting.reference, acknowledged.reference])
    assert only_new == [waiting.reference]
    assert only_acknowledged == [acknowledged.reference]
    assert sorted(everything) == sorted(r.reference for r in (waiting, acknowledged, rejected, accepted))


def test_it_filters_by_priority_kecamatan_and_form_of_violence(client, officer):
    urgent = new_report(danger_now="yes")
    sexual = new_report(violence_types=["seksual", "psikis"])
    selatan = new_report(kelurahan=Kelurahan.objects.get(name="Sepinggan"))
    login_as(client, officer)
    inbox = reverse("triage:inbox")
    kecamatan = Kelurahan.objects.get(name="Sepinggan").kecamatan

    by_priority = references_in(client.get(inbox, {"priority": "darurat"}).content.decode())
    by_kecamatan = references_in(client.get(inbox, {"kecamatan": kecamatan.pk}).content.decode())
    by_type = references_in(client.get(inbox, {"violence_type": "psikis"}).content.decode())
    combined = references_in(client.get(inbox, {"violence_type": "fisik", "priority": "biasa"}).content.decode())

    assert by_priority == [urgent.reference]
    assert by_kecamatan == [selatan.reference]
    assert by_type == [sexual.reference]
    assert combined == [selatan.reference]


def test_it_ignores_a_filter_value_it_does_not_know(client, officer):
    waiting = new_report()
    login_as(client, officer)

    response = client.get(reverse("triage:inbox"), {"priority": "sangat", "kecamatan": "abc"})

    assert response.status_code == 200
    assert references_in(response.content.decode()) == [waiting.reference]


def test_it_says_when_nothing_is_waiting(client, officer):
    login_as(in_english(client), officer)

    empty = client.get(reverse("triage:inbox")).content.decode()
    filtered = client.get(reverse("triage:inbox"), {"priority": "darurat"}).content.decode()

    assert "Nothing is waiting" in empty
    assert "No report matches these filters." in filtered


def test_it_pages_the_inbox_by_25(client, officer):
    for _number in range(27):
        new_report()
    login_as(client, officer)

    first = references_in(client.get(reverse("triage:inbox")).content.decode())
    second = references_in(client.get(reverse("triage:inbox"), {"page": 2}).content.decode())

    assert len(first) == 25 and len(second) == 2
    assert not set(first) & set(second)


def _inbox_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("triage:inbox"))
    assert response.status_code == 200
    return len(queries)


def test_it_keeps_the_inbox_to_a_fixed_number_of_queries(client, officer):
    login_as(client, officer)

    def add(count):
        for number in range(count):
            files = [jpeg_upload()] if number % 3 == 0 else []
            kinds = ["fisik", "psikis"] if number % 2 else ["seksual"]
            report_submit(data=report_input(violence_types=kinds), files=files, channel=Channel.WEB, acting_user=None)

    add(3)
    with_three = _inbox_queries(client)
    add(27)
    with_thirty = _inbox_queries(client)

    assert with_three == with_thirty
    # Session, user and TOTP device, the session save (3 with its savepoint); then count, page,
    # forms of violence and the kecamatan of the filter.
    # ... the notification counter, and (issue 17) the count of unread reporter messages.
    assert with_thirty <= 12


# --- one report ----------------------------------------------------------------------------------


def test_it_shows_the_whole_report_and_records_the_reading(client, officer, report):
    report_message_add(report=report, body="Anaknya sekarang di rumah neneknya.", acting_user=None)
    login_as(in_english(client), officer)

    response = client.get(page_url("report", report))
    html = response.content.decode()

    assert response.status_code == 200
    for text in ("dipukul ayahnya", "Budi Santoso", "Jl. Mawar No. 7", "0812 5555 0101", "neighbour"):
        assert text in html
    assert "Physical" in html and "Anaknya sekarang di rumah neneknya." in html
    assert reverse("triage:attachment", args=[report.uuid, report.attachments.get().pk]) in html
    viewed = audit_rows("reports.viewed", report).get()
    assert viewed.actor == officer and viewed.data == {"what": "report"}


def test_it_explains_the_priority_in_words(client, officer):
    urgent = new_report(danger_now="yes", violence_types=["seksual"], ongoing=True)
    login_as(in_english(client), officer)

    html = client.get(page_url("report", urgent)).content.decode()

    assert "The child is in danger now" in html
    assert "Sexual violence that is still going on (forensic window)" in html
    assert "in the last 72 hours" not in html  # no date was given: it claims none
    assert "danger_now" not in html


def test_the_forensic_reason_names_the_date_given(client, officer):
    occurred_on = timezone.localdate() - timedelta(days=1)
    urgent = new_report(violence_types=["seksual"], occurred_on=occurred_on)
    login_as(in_english(client), officer)

    html = client.get(page_url("report", urgent)).content.decode()

    with translation.override("en"):
        shown = date_format(occurred_on, "DATE_FORMAT")
    assert f"Sexual violence on {shown}, within the last 72 hours (forensic window)" in html


def test_a_report_assessed_before_the_ongoing_reason_existed_reads_as_ongoing(client, officer):
    urgent = new_report(violence_types=["seksual"], ongoing=True)
    Report.objects.filter(pk=urgent.pk).update(priority_reason="sexual_within_forensic_window", occurred_on=None)
    login_as(in_english(client), officer)

    html = client.get(page_url("report", urgent)).content.decode()

    assert "Sexual violence that is still going on (forensic window)" in html


def test_it_shows_no_contact_without_consent(client, officer):
    quiet = new_report()
    login_as(in_english(client), officer)

    html = client.get(page_url("report", quiet)).content.decode()

    assert "Does not want to be contacted" in html


def test_it_shows_the_case_a_report_belongs_to(client, officer, report):
    case = report_accept(report=report, acting_user=officer)
    login_as(client, officer)

    html = client.get(page_url("report", report)).content.decode()

    assert case.reference in html
    assert f"{reverse('triage:accept', args=[report.uuid])}" not in html  # handled: no accept form any more


def test_it_downloads_the_decrypted_file_and_records_it(client, supervisor, report):
    attachment = report.attachments.get()
    login_as(client, supervisor)

    response = client.get(page_url("attachment", report))

    assert response.content == read_decrypted(attachment.stored_name)
    assert response.content.startswith(b"\xff\xd8") and b"DistinctiveCameraMaker" not in response.content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="{report.reference}-1.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    downloaded = audit_rows("reports.viewed", report).get()
    assert downloaded.actor == supervisor and downloaded.data == {"what": f"attachment:{attachment.pk}"}


# --- the actions ---------------------------------------------------------------------------------


def test_it_acknowledges_a_report(client, officer, report):
    login_as(client, officer)
    page = client.get(page_url("report", report)).content.decode()
    assert "Tandai sudah dibaca/ditanggapi</button>" in page  # never a bare "Tanggapi" beside "Kirim ke pelapor"
    assert ">Tanggapi<" not in page

    response = client.post(action_url("acknowledge", report))

    assert response.status_code == 302 and response.url == page_url("report", report)
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED and report.acknowledged_by == officer
    assert audit_rows("reports.acknowledged", report).get().actor == officer
    follow = client.get(response.url).content.decode()
    assert 'class="message message-success"' in follow
    assert action_url("acknowledge", report) not in follow


def test_it_sends_a_message_to_the_reporter(client, officer, report):
    login_as(client, officer)

    response = client.post(action_url("message", report), {"body": "  Kami sudah membaca laporan Anda.  "})

    assert response.status_code == 302
    message = ReportMessage.objects.get()
    assert (message.report, message.author_kind, message.author) == (report, AuthorKind.STAFF, officer)
    assert message.body == "Kami sudah membaca laporan Anda."
    assert audit_rows("reports.message_added", report).get().data["by"] == AuthorKind.STAFF
    assert "Kami sudah membaca laporan Anda." in client.get(response.url).content.decode()


def test_it_refuses_an_empty_message(client, officer, report):
    login_as(client, officer)

    response = client.post(action_url("message", report), {"body": "   "})

    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not ReportMessage.objects.exists()


def test_it_changes_the_priority_with_a_reason(client, officer, report):
    login_as(in_english(client), officer)

    response = client.post(
        action_url("priority", report), {"priority": "darurat", "reason": "Pelaku kembali ke rumah malam ini."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.priority == Priority.DARURAT
    assert report.acknowledge_due_at == report.received_at + timedelta(hours=1)
    changed = audit_rows("reports.priority_changed", report).get()
    assert changed.actor == officer
    assert (changed.data["from"], changed.data["to"]) == ("biasa", "darurat")
    assert report.priority_changes.get().reason == "Pelaku kembali ke rumah malam ini."
    html = client.get(response.url).content.decode()
    assert "Pelaku kembali ke rumah malam ini." in html and "Normal → Urgent" in html


def test_it_shows_why_a_priority_change_was_refused(client, officer, report):
    login_as(in_english(client), officer)

    unchanged = client.post(action_url("priority", report), {"priority": "biasa", "reason": "Tetap."})
    no_reason = client.post(action_url("priority", report), {"priority": "tinggi", "reason": ""})

    assert unchanged.status_code == no_reason.status_code == 400
    assert "The report already has this priority." in unchanged.content.decode()
    assert 'id="priority_reason_error"' in no_reason.content.decode()
    assert not audit_rows("reports.priority_changed", report).exists()
    # The page came back in full, so the reading of it is recorded too.
    assert audit_rows("reports.viewed", report).count() == 2


def test_it_marks_a_duplicate_of_a_report(client, officer, report):
    original = new_report()
    login_as(client, officer)

    response = client.post(action_url("duplicate", report), {"duplicate_of": f" {original.reference.lower()} "})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.DUPLICATE and report.duplicate_of == original
    assert audit_rows("reports.marked_duplicate", report).get().data == {"of_report": original.pk}


def test_it_marks_a_duplicate_of_a_case(client, supervisor, officer, report):
    case = report_accept(report=new_report(), acting_user=officer)
    login_as(client, supervisor)

    response = client.post(action_url("duplicate", report), {"duplicate_of": case.reference})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.DUPLICATE
    assert CaseReport.objects.get(report=report).case == case
    assert audit_rows("reports.marked_duplicate", report).get().data == {"of_case": case.pk}
    assert audit_rows("cases.report_added", case).filter(data__duplicate=True).exists()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("LP-2026-999999", "There is no report with this reference."),
        ("BPN-2026-99999", "There is no case with this reference among the cases you can open."),
        ("laporan kemarin", "Write a report reference like LP-2026-000123"),
    ],
)
def test_it_refuses_a_duplicate_of_something_unknown(client, officer, report, text, error):
    login_as(in_english(client), officer)

    response = client.post(action_url("duplicate", report), {"duplicate_of": text})

    assert response.status_code == 400 and error in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_it_refuses_a_report_as_a_duplicate_of_itself(client, officer, report):
    login_as(in_english(client), officer)

    response = client.post(action_url("duplicate", report), {"duplicate_of": report.reference})

    assert response.status_code == 400 and "cannot be a duplicate of itself" in response.content.decode()


def test_it_rejects_a_report_with_a_reason(client, officer, report):
    login_as(client, officer)

    response = client.post(action_url("reject", report), {"reason": "no_violence"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.rejection_reason) == (Status.REJECTED, "no_violence")
    assert audit_rows("reports.rejected", report).get().data == {"reason": "no_violence"}


def test_it_needs_a_known_reason_to_reject(client, officer, report):
    login_as(client, officer)

    response = client.post(action_url("reject", report), {"reason": "bosan"})

    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Status.NEW


def _case_page_or_report(case, report):
    try:
        return reverse("cases:detail", args=[case.uuid])
    except NoReverseMatch:
        return page_url("report", report)


def test_it_accepts_a_report_as_a_new_case_for_the_officer_who_accepts(client, officer, report):
    login_as(client, officer)

    response = client.post(action_url("accept", report))

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == _case_page_or_report(case, report)
    assert case.assigned_officer == officer and CaseReport.objects.get(case=case).report == report
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert audit_rows("reports.accepted", report).get().data == {"case": case.pk}
    assert audit_rows("cases.opened", case).get().actor == officer


def test_it_lets_a_supervisor_choose_the_officer(client, supervisor, other_officer, report):
    login_as(client, supervisor)

    response = client.post(action_url("accept", report), {"officer": other_officer.pk})

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.assigned_officer == other_officer
    assert audit_rows("reports.accepted", report).get().actor == supervisor


def test_it_makes_a_supervisor_choose_an_active_officer(client, supervisor, other_officer, head, report):
    other_officer.is_active = False
    other_officer.save(update_fields=["is_active"])
    login_as(client, supervisor)

    missing = client.post(action_url("accept", report))
    inactive = client.post(action_url("accept", report), {"officer": other_officer.pk})
    not_an_officer = client.post(action_url("accept", report), {"officer": head.pk})

    assert missing.status_code == inactive.status_code == not_an_officer.status_code == 400
    assert f'value="{other_officer.pk}"' not in missing.content.decode()
    assert not Case.objects.exists()


def test_it_adds_a_report_to_an_existing_case(client, officer, report):
    case = report_accept(report=new_report(), acting_user=officer)
    login_as(client, officer)

    response = client.post(action_url("accept_into_case", report), {"case": case.reference.lower()})

    assert response.status_code == 302 and response.url == _case_page_or_report(case, report)
    assert Case.objects.count() == 1
    assert CaseReport.objects.get(report=report).case == case
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert audit_rows("reports.accepted", report).get().data == {"case": case.pk}


def test_it_adds_to_an_officers_own_cases_only(client, officer, other_officer, report):
    theirs = report_accept(report=new_report(), acting_user=other_officer)
    login_as(in_english(client), officer)

    response = client.post(action_url("accept_into_case", report), {"case": theirs.reference})

    assert response.status_code == 400
    assert "There is no case with this reference among the cases you can open." in response.content.decode()
    assert not CaseReport.objects.filter(report=report).exists()


def test_it_shows_the_error_of_a_stale_action(client, officer, report):
    login_as(in_english(client), officer)
    first = client.post(action_url("accept", report))

    again = client.post(action_url("accept", report))

    assert first.status_code == 302
    assert again.status_code == 400
    html = again.content.decode()
    assert "This report has already been handled." in html and 'role="alert"' in html
    assert Case.objects.count() == 1
