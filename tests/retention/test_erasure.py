"""What the runner does: erasure leaves values blank, keys shredded and files gone; one audit row
per erasure without content; a dry run changes nothing; a re-run does nothing more; a failing
eraser stops no other; the nightly task and `manage.py retention` run the same runner."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from cases.models import Case, Child
from cases.services import ChildInput, case_add_child, case_note_add
from core import retention
from core.models import AuditEvent, DataKey
from core.retention import Eraser, add_years
from core.tasks import retention_run
from outreach.models import OutreachPhoto, OutreachSession
from outreach.services import outreach_session_log
from reports.models import Report, ReportAttachment, ReportMessage
from reports.services import report_message_add
from tests.outreach_data import session_input
from tests.reporting import NARRATIVE, jpeg_upload
from tests.retention.conftest import a_case, close, rejected

pytestmark = pytest.mark.django_db

ERASURES = ("reports.erased", "cases.deidentified", "outreach.photo_erased")


def stored(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


@pytest.fixture
def old_spam(officer, now):
    submitted = rejected(officer, received=now - timedelta(days=100), files=[jpeg_upload()], child_name="Rina")
    report_message_add(
        report=submitted.report, body="Foto tambahan dari tetangga.", files=[jpeg_upload()], acting_user=None
    )
    ReportMessage.objects.filter(report=submitted.report).update(created_at=now - timedelta(days=95))
    return submitted


@pytest.fixture
def old_case(officer, now):
    case = a_case(officer, child_name="Budi Santoso", child_age=8, child_sex="L", violence_types=["fisik"])
    case_add_child(
        case=case,
        data=ChildInput(name="Sari", age_at_incident=7, sex="P", guardian_contact="0812-1"),
        acting_user=officer,
    )
    case_note_add(case=case, body="Ibu Budi tinggal di Gang Mawar 3.", acting_user=officer)
    Case.objects.filter(pk=case.pk).update(occurred_on=add_years(now.date(), -15))
    return close(case, when=add_years(now, -11))


@pytest.fixture
def old_photo(volunteer, rt, now):
    session = outreach_session_log(data=session_input(rt), photos=[jpeg_upload()], acting_user=volunteer)
    OutreachSession.objects.filter(pk=session.pk).update(held_on=add_years(now.date(), -3))
    OutreachPhoto.objects.filter(session=session).update(created_at=add_years(now, -3))
    return session.photos.get()


def test_erasing_a_report_blanks_its_values_shreds_its_key_and_deletes_its_files(
    old_spam, now, django_capture_on_commit_callbacks
):
    report = old_spam.report
    files = [a.stored_name for a in ReportAttachment.objects.filter(report=report)]
    key = report.data_key_id
    assert len(files) == 2 and all(stored(name).exists() for name in files) and key

    with django_capture_on_commit_callbacks(execute=True):
        [outcome] = retention.run(now=now, only=["reports.rejected"])

    assert [item.record.pk for item in outcome.erased] == [report.pk]
    report = Report.objects.get(pk=report.pk)
    assert report.erased_at == now
    assert (report.narrative, report.child_name) == ("", "")
    assert list(ReportMessage.objects.filter(report=report).values_list("body", flat=True)) == [""]
    assert not any(stored(name).exists() for name in files)
    shredded = DataKey.objects.get(pk=key)
    assert shredded.material == "" and shredded.shredded_at == now


def test_deidentifying_a_case_erases_it_and_its_reports_and_keeps_the_counts(old_case, now):
    report = old_case.case_reports.get().report
    keys = [old_case.data_key_id, report.data_key_id]
    ages = list(Child.objects.filter(case=old_case).order_by("pk").values_list("sex", "age", "age_at_incident"))

    [outcome] = retention.run(now=now, only=["cases.closed"])

    assert [item.record.pk for item in outcome.erased] == [old_case.pk]
    case = Case.objects.get(pk=old_case.pk)
    assert case.deidentified_at == now
    assert case.notes.get().body == ""
    children = list(Child.objects.filter(case=case).order_by("pk"))
    assert [(c.name, c.guardian_contact, c.match_key) for c in children] == [("", "", "")] * 2
    assert [(c.sex, c.age, c.age_at_incident) for c in children] == ages
    assert [sex for sex, _age, _at_incident in ages] == ["L", "P"]
    assert (case.kelurahan_id, case.violence_types, case.closed_at) == (
        old_case.kelurahan_id,
        ["fisik"],
        old_case.closed_at,
    )
    report = Report.objects.get(pk=report.pk)
    assert (report.narrative, report.erased_at) == ("", now)
    assert DataKey.objects.filter(pk__in=keys, material="", shredded_at=now).count() == 2


def test_erasing_a_photo_deletes_the_row_and_then_the_file(old_photo, now, django_capture_on_commit_callbacks):
    name = old_photo.stored_name
    assert stored(name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        retention.run(now=now, only=["outreach.photos"])

    assert not OutreachPhoto.objects.filter(pk=old_photo.pk).exists()
    assert OutreachSession.objects.filter(pk=old_photo.session_id).exists()
    assert not stored(name).exists()


def test_each_erasure_writes_an_audit_row_with_references_and_the_rule_only(old_spam, old_case, old_photo, now):
    retention.run(now=now)

    rows = {row.action: row for row in AuditEvent.objects.filter(action__in=ERASURES)}
    report = old_case.case_reports.get().report
    assert rows["reports.erased"].target_id == str(old_spam.report.pk)
    assert rows["reports.erased"].data == {"rule": "reports.rejected"}
    assert rows["cases.deidentified"].target_id == str(old_case.pk)
    assert rows["cases.deidentified"].data == {"rule": "cases.closed", "reports": [report.pk]}
    assert rows["outreach.photo_erased"].data == {"rule": "outreach.photos", "session": old_photo.session_id}
    assert all(row.actor_id is None for row in rows.values())
    text = str([row.data for row in rows.values()])
    for content in (NARRATIVE, "Rina", "Budi", "Gang Mawar", "0812", old_case.reference, report.reference):
        assert content not in text


def test_a_dry_run_lists_and_changes_nothing(old_spam, old_case, old_photo, now):
    outcomes = {o.eraser.name: o for o in retention.run(now=now, dry_run=True)}

    assert [i.reference for i in outcomes["reports.rejected"].due] == [old_spam.report.reference]
    assert [i.reference for i in outcomes["cases.closed"].due] == [old_case.reference]
    assert len(outcomes["outreach.photos"].due) == 1
    assert all(not o.erased for o in outcomes.values())
    assert Report.objects.get(pk=old_spam.report.pk).narrative == NARRATIVE
    assert Case.objects.get(pk=old_case.pk).deidentified_at is None
    assert OutreachPhoto.objects.filter(pk=old_photo.pk).exists()
    assert not DataKey.objects.filter(shredded_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__in=ERASURES).exists()


def test_a_second_run_does_nothing_more(old_spam, old_case, old_photo, now):
    first = retention.run(now=now)
    rows = AuditEvent.objects.filter(action__in=ERASURES).count()

    second = retention.run(now=now + timedelta(minutes=5))

    assert sum(len(o.erased) for o in first) == 3
    assert [(o.due, o.erased, o.error) for o in second] == [([], [], "")] * len(second)
    assert AuditEvent.objects.filter(action__in=ERASURES).count() == rows


def test_erase_checks_again_what_the_list_said(old_case, supervisor, now):
    """A case put on legal hold between the list and the erasure stays."""
    from cases.legal_hold import case_legal_hold_place
    from cases.retention import ClosedCases

    [item] = ClosedCases().due(now)
    case_legal_hold_place(
        case=old_case, reason="Diminta penyidik.", expected_version=old_case.version, acting_user=supervisor
    )

    assert ClosedCases().erase([item.record], now) == {}
    assert Case.objects.get(pk=old_case.pk).deidentified_at is None


class Broken(Eraser):
    name = "aaa.broken"  # first in the order: the others run after it
    action = "reports.erased"
    description = "always fails"

    def due(self, now):
        raise RuntimeError("the disk is full")


@pytest.fixture
def broken():
    retention.register(Broken())
    yield
    retention.unregister(Broken.name)


def test_a_failing_eraser_is_reported_and_stops_no_other(broken, old_spam, now, caplog):
    outcomes = {o.eraser.name: o for o in retention.run(now=now)}

    assert outcomes["aaa.broken"].error == "RuntimeError: the disk is full"
    assert [i.record.pk for i in outcomes["reports.rejected"].erased] == [old_spam.report.pk]
    assert "Retention eraser aaa.broken failed" in caplog.text


def test_the_command_says_what_failed_and_fails(broken, old_spam):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("retention", "--language", "en", stdout=out, stderr=err)

    assert "the disk is full" in err.getvalue()
    assert f"{old_spam.report.reference}: rejected (Spam)" in out.getvalue()
    assert "… reports.rejected: 1 of 1" in out.getvalue()  # progress
    assert "Total: 1 erased." in out.getvalue()


def test_the_command_dry_run_lists_every_rule_with_reasons_in_indonesian(old_spam, old_case, old_photo):
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()

    for name in ("reports.rejected", "reports.duplicate", "cases.closed", "outreach.photos"):
        assert f"{name}: " in text
    assert f"{old_case.reference}: " in text and f"{old_spam.report.reference}: " in text
    assert "Total: 3" not in text  # the words are Indonesian
    assert Report.objects.get(pk=old_spam.report.pk).erased_at is None


def test_the_nightly_task_is_scheduled_and_runs_the_schedule(old_spam, old_case):
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == retention_run.name

    result = retention_run.apply().get()

    assert result["reports.rejected"] == 1 and result["cases.closed"] == 1
    assert Report.objects.get(pk=old_spam.report.pk).erased_at is not None
    assert retention_run.apply().get()["cases.closed"] == 0
