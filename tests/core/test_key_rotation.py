"""Key rotation covers every encrypted value, wherever it is stored.

The whole product's data is built through its services, touching every encrypted column and file;
`rotate_encryption_keys` runs under a new key; the old key is dropped; then every page, API answer,
download and export that a supervisor, a volunteer and the reporter can open is opened, and must
answer 200 with the text decrypted. A Fernet token stored anywhere but an encrypted column (a JSON
audit detail, say) fails the test as well, since rotation would not reach it.

Also here: the migrations that took ciphertext out of the audit trail and encrypted the
volunteers' free text, run on rows written the old way.
"""

import importlib
import io
import re
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import InternalError, connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from cases import legal, plans
from cases import services as cs
from cases.choices import AssessmentDomain
from cases.legal_hold import case_legal_hold_place
from cases.models import Case, CasePlan
from cases.referrals import ReferralAnswerInput, TransferInput, case_transfer, referral_answer, referral_send
from core.audit import audit_log
from core.crypto import data_key_of, decrypt_text, encrypt_text, is_under_newest_key
from core.datakeys import forget_cached_keys
from core.encrypted_files import read_decrypted
from core.fields import EncryptedFileNameField, EncryptedTextField
from core.management.commands.rotate_encryption_keys import encrypted_models
from core.models import AuditEvent
from outreach.models import ForumAnakActivity, OutreachSession
from outreach.services import (
    child_care_group_register,
    forum_activity_log,
    outreach_session_log,
    partner_activity_log,
    partner_register,
)
from privacy.choices import RequestStatus
from privacy.services import (
    BreachUpdateInput,
    SubjectRequestUpdateInput,
    breach_record,
    breach_update,
    subject_request_record,
    subject_request_update,
)
from reports.choices import Channel
from reports.models import PriorityChange
from reports.services import IntakeInput, report_message_add, report_submit
from tests.cases_data import follow_up_input, new_report, referral_input, service_input
from tests.conftest import login_as
from tests.factories import UserFactory
from tests.outreach_data import forum_input, group_input, partner_activity_input, partner_input, session_input
from tests.privacy.data import breach_input, subject_request_input
from tests.reporting import jpeg_upload, report_input
from tests.system.test_access_matrix import (
    API_EXPECTED,
    EXPECTED,
    PERSONAS,
    api_operations,
    api_url_for,
    url_for,
    url_patterns,
)
from triage import services as ts
from triage.services import report_change_priority, report_intake
from whatsapp.models import Contact, Conversation, Inbound, ReportContact
from whatsapp.numbers import number_hash
from whatsapp.outbound import queue_text

pytestmark = pytest.mark.django_db

# One marker per encrypted value, ASCII so that HTML escaping and JSON's \u escapes leave it whole.
SECRET = {
    "narrative": "SECRET-narrative Anak dipukul setiap malam di rumah",
    "child_name": "SECRET-report-child",
    "address_detail": "SECRET-address Gang Melati 4",
    "landmark": "SECRET-landmark dekat masjid",
    "reporter_contact": "SECRET-contact 0812",
    "reporter_name": "SECRET-reporter-name",
    "consent_note": "SECRET-consent-note",
    "agency_contact": "SECRET-agency-contact",
    "reporter_message": "SECRET-reporter-message",
    "staff_message": "SECRET-staff-message",
    "priority_reason": "SECRET-priority-reason",
    "case_needs": "SECRET-case-needs",
    "case_child": "SECRET-case-child",
    "guardian_contact": "SECRET-guardian 0813",
    "perpetrator": "SECRET-perpetrator",
    "service_outcome": "SECRET-service-outcome",
    "follow_up_notes": "SECRET-follow-up-notes",
    "case_note": "SECRET-case-note",
    "closure_explanation": "SECRET-closure-explanation",
    "closing_message": "SECRET-closing-message",
    "referral_request": "SECRET-referral-request",
    "referral_consent_by": "SECRET-referral-consent-by",
    "referral_feedback": "SECRET-referral-feedback",
    "transfer_reason": "SECRET-transfer-reason",
    "facilitators": "SECRET-facilitators",
    "session_notes": "SECRET-session-notes",
    "group_contact": "SECRET-group-contact",
    "suggestions": "SECRET-forum-suggestions",
    "assessment_note": "SECRET-assessment-note",
    "risk_override": "SECRET-risk-override",
    "plan_goal": "SECRET-plan-goal",
    "plan_note": "SECRET-plan-note",
    "closure_justification": "SECRET-closure-justification",
    "police_waiver": "SECRET-police-waiver",
    "verdict": "SECRET-verdict-outcome",
    "hearing_note": "SECRET-hearing-note",
    "partner_contact": "SECRET-partner-contact",
    "partner_notes": "SECRET-partner-activity-notes",
    "legal_hold_reason": "SECRET-legal-hold-reason",
    "whatsapp_number": "6281377775555",
}
# Where a reader finds each one after the old key is gone.
SEEN_BY = {
    # The transfer is of another case than the world's (it closes its case), whose pages are not opened.
    "supervisor": set(SECRET) - {"group_contact", "suggestions", "transfer_reason"},
    "volunteer": {"facilitators", "session_notes", "group_contact", "suggestions"},
    "reporter": {"staff_message", "reporter_message", "closing_message"},
}
BIRTH_DATE = date(2016, 5, 17)  # in the identities export as 2016-05-17
FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{40,}={0,2}")


@pytest.fixture
def old_key(settings, tmp_path):
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    settings.MEDIA_ROOT = tmp_path / "private"
    return key


def everything(*, officer, supervisor, volunteer, rt) -> dict:
    """Every kind of encrypted value and file, each written by the service that owns it."""
    # A referral recorded by staff: the public form's secrets and the staff door's own.
    fields = vars(
        report_input(
            narrative=SECRET["narrative"],
            child_name=SECRET["child_name"],
            address_detail=SECRET["address_detail"],
            landmark=SECRET["landmark"],
            reporter_contact=SECRET["reporter_contact"],
            contact_consent=True,
        )
    )
    submitted = report_intake(
        data=IntakeInput(
            **fields,
            reporter_role="police",
            reporter_name=SECRET["reporter_name"],
            contact_consent_note=SECRET["consent_note"],
            source_agency="police",
            source_letter_number="B/1/XII/2026",
            source_letter_date=date(2026, 12, 1),
            source_contact_person=SECRET["agency_contact"],
        ),
        files=[jpeg_upload()],
        channel=Channel.REFERRAL,
        acting_user=officer,
    ).submitted
    report = submitted.report
    report_message_add(report=report, body=SECRET["reporter_message"], files=[jpeg_upload()], acting_user=None)
    report_message_add(report=report, body=SECRET["staff_message"], acting_user=officer)
    report_change_priority(report=report, priority="darurat", reason=SECRET["priority_reason"], acting_user=officer)

    case = ts.report_accept(report=report, acting_user=officer)
    cs.case_add_child(
        case=case,
        data=cs.ChildInput(
            name=SECRET["case_child"], birth_date=BIRTH_DATE, guardian_contact=SECRET["guardian_contact"]
        ),
        acting_user=officer,
    )
    cs.case_add_perpetrator(
        case=case, relation="orang_tua", lives_with_child=True, description=SECRET["perpetrator"], acting_user=officer
    )
    ratings = dict.fromkeys(AssessmentDomain.values, 3)
    plans.case_assess(
        case=case,
        data=plans.AssessmentInput(
            assessed_on=timezone.localdate(),
            ratings=ratings,
            notes={"safety": SECRET["assessment_note"]},
            needs=SECRET["case_needs"],
            risk_level="tinggi",
            override_reason=SECRET["risk_override"],
        ),
        expected_version=case.version,
        acting_user=officer,
    )
    case = Case.objects.get(pk=case.pk)
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    plans.plan_goal_add(
        case=case,
        data=plans.GoalInput(
            domain="safety", goal=SECRET["plan_goal"], target_on=date(2099, 1, 1), responsible_officer=officer
        ),
        acting_user=officer,
    )
    plan = plans.plan_submit(case=case, expected_version=CasePlan.objects.get(case=case).version, acting_user=officer)
    plans.plan_decide(
        case=case, approve=True, note=SECRET["plan_note"], expected_version=plan.version, acting_user=supervisor
    )
    case = cs.case_advance(case=Case.objects.get(pk=case.pk), expected_version=case.version, acting_user=officer)
    service = cs.service_update(
        service=service,
        data=service_input(status="in_progress", started_on=service.planned_on, outcome=SECRET["service_outcome"]),
        expected_version=service.version,
        acting_user=officer,
    )
    case = cs.case_advance(case=Case.objects.get(pk=case.pk), expected_version=case.version, acting_user=officer)
    cs.follow_up_record(case=case, data=follow_up_input(notes=SECRET["follow_up_notes"]), acting_user=officer)
    cs.case_note_add(case=case, body=SECRET["case_note"], acting_user=officer)
    # The legal record (cases.legal): why not to the police, the verdict, a hearing's note.
    legal.legal_police_waive(case=case, reason=SECRET["police_waiver"], expected_version=1, acting_user=officer)
    legal.legal_record_update(
        case=case,
        data=legal.LegalRecordInput(verdict_on=date(2026, 11, 30), verdict_outcome=SECRET["verdict"]),
        expected_version=2,
        acting_user=officer,
    )
    legal.court_hearing_add(
        case=case, held_at=timezone.now() - timedelta(days=3), note=SECRET["hearing_note"], acting_user=officer
    )
    referral = referral_send(
        case=case,
        data=referral_input(request=SECRET["referral_request"], consent_given_by=SECRET["referral_consent_by"]),
        acting_user=officer,
    )
    referral = referral_answer(
        referral=referral,
        data=ReferralAnswerInput(status="refused", answered_on=referral.sent_on, feedback=SECRET["referral_feedback"]),
        expected_version=referral.version,
        acting_user=officer,
    )
    moved = ts.report_accept(report=new_report(), acting_user=officer)
    case_transfer(
        case=moved,
        data=TransferInput(
            receiving_agency="UPTD PPA Kota Samarinda",
            transferred_on=date(2026, 12, 1),
            reason=SECRET["transfer_reason"],
        ),
        expected_version=moved.version,
        acting_user=officer,
    )
    cs.case_request_closure(
        case=Case.objects.get(pk=case.pk),
        reason="other",
        explanation=SECRET["closure_explanation"],
        closing_message=SECRET["closing_message"],
        expected_version=case.version,
        acting_user=officer,
    )

    # Closed with high risk: the supervisor's justification (cases.services.case_decide_closure).
    case = Case.objects.get(pk=case.pk)
    cs.case_decide_closure(
        case=case,
        approve=True,
        justification=SECRET["closure_justification"],
        expected_version=case.version,
        acting_user=supervisor,
    )
    # A supervisor's legal hold, with its reason: the retention schedule leaves the case alone.
    case = Case.objects.get(pk=case.pk)
    case_legal_hold_place(
        case=case, reason=SECRET["legal_hold_reason"], expected_version=case.version, acting_user=supervisor
    )

    session = outreach_session_log(
        data=session_input(rt, facilitators=SECRET["facilitators"], notes=SECRET["session_notes"]),
        photos=[jpeg_upload()],
        acting_user=volunteer,
    )
    group = child_care_group_register(
        data=group_input(rt, contact_person=SECRET["group_contact"]), acting_user=volunteer
    )
    forum_activity_log(data=forum_input(rt, suggestions=SECRET["suggestions"]), acting_user=volunteer)
    partner = partner_register(data=partner_input(contact_person=SECRET["partner_contact"]), acting_user=supervisor)
    partner_activity_log(
        partner=partner, data=partner_activity_input(notes=SECRET["partner_notes"]), acting_user=supervisor
    )
    # The privacy registers (the data protection officer's, whose pages the personas above do not open).
    dpo = UserFactory(username="key_rotation_dpo", role=Role.DPO)
    subject_request = subject_request_record(data=subject_request_input(), acting_user=dpo)
    subject_request_update(
        subject_request=subject_request,
        data=SubjectRequestUpdateInput(status=RequestStatus.DONE, decision_note="Data sudah diperbaiki."),
        acting_user=dpo,
    )
    breach = breach_record(data=breach_input(), acting_user=dpo)
    breach_update(
        breach=breach, data=BreachUpdateInput(measures="Sandi diganti.", subjects_estimate=2), acting_user=dpo
    )
    # WhatsApp: the reporter's number (shown on the triage page to those who see identities), an
    # open conversation's answers, a message not yet processed and one not yet sent.
    wa_contact = Contact.objects.create(
        phone=SECRET["whatsapp_number"], number_hash=number_hash(SECRET["whatsapp_number"])
    )
    ReportContact.objects.create(report=report, contact=wa_contact)
    Conversation.objects.create(contact=wa_contact, answers='{"story": ["Anak tetangga dipukul"]}')
    Inbound.objects.create(wa_message_id="wamid.key-rotation", payload='{"type": "text", "text": {"body": "halo"}}')
    queue_text(wa_contact, "Terima kasih, laporanmu sudah kami terima.", report=report)
    return {
        "report": report,
        "attachment": report.attachments.first(),
        "receipt_code": submitted.receipt_code,
        "case": case,
        "service": service,
        "referral": referral,
        "session": session,
        "group": group,
        "partner": partner,
    }


def rotate() -> str:
    stdout = io.StringIO()
    with translation.override("en"):
        call_command("rotate_encryption_keys", stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def raw_rows(model: type[models.Model], columns: list[str]) -> list[tuple]:
    quote = connection.ops.quote_name
    selected = ", ".join(f"{quote(column)}::text" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchall()


def text_columns(model: type[models.Model]) -> list[models.Field]:
    kinds = (models.CharField, models.TextField, models.JSONField)
    return [field for field in model._meta.local_concrete_fields if isinstance(field, kinds)]


def tokens_outside_encrypted_columns() -> list[str]:
    """Every Fernet token in the database that is not the whole value of an encrypted column."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in text_columns(model):
            if isinstance(field, EncryptedTextField):
                continue
            for (value,) in raw_rows(model, [field.column]):
                if value and FERNET_TOKEN.search(value):
                    found.append(f"{model._meta.label}.{field.name}")
                    break
    return found


def assert_everything_is_under(key: str) -> None:
    """Every encrypted column of every row, and every encrypted file, opens with `key` alone: a
    value under a data key through that key, which itself (core.DataKey.material) opens with `key`."""
    alone = Fernet(key)
    forget_cached_keys()  # every data key is unwrapped again, under what is configured now
    for model in encrypted_models():
        tokens = [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedTextField)]
        files = [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedFileNameField)]
        for row in raw_rows(model, [field.column for field in tokens]) if tokens else []:
            for value in row:
                if value and data_key_of(value) is not None:
                    decrypt_text(value)
                elif value:
                    alone.decrypt(value.encode())
        for row in raw_rows(model, [field.column for field in files]) if files else []:
            for name in row:
                if name:
                    read_decrypted(name)


def assert_every_encrypted_column_holds_data() -> None:
    """The data above must reach every encrypted column: a new one fails here until it is added."""
    for model in encrypted_models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField | EncryptedFileNameField):
                values = [value for (value,) in raw_rows(model, [field.column]) if value]
                assert values, f"{model._meta.label}.{field.name}: no data, add some to everything()"


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    if response["Content-Type"].startswith("image/"):
        assert response.content.startswith(b"\xff\xd8"), "a JPEG, decrypted"
        return ""
    return response.content.decode()


def open_everything(client, persona: str, world: dict) -> str:
    """Every page and GET API operation the persona may open (the access matrix's 200s; a route
    the matrix has not decided on fails there), every download and export, all of it read to the
    end; what they showed, as one text."""
    column = PERSONAS.index(persona)

    def opens(table: dict, key: str) -> bool:
        return key in table and table[key][1].split()[column] == "200"

    texts, failures = [], []
    urls = [url_for(route, name, EXPECTED[route][0], world) for route, name in url_patterns() if opens(EXPECTED, route)]
    urls += [
        api_url_for(operation.split(" ", 1)[1], API_EXPECTED[operation][0], world)
        for operation in api_operations(client)
        if operation.startswith("GET ") and opens(API_EXPECTED, operation)
    ]
    if persona == "supervisor":
        report = world["report"]
        urls += [reverse("triage:attachment", args=[report.uuid, file.pk]) for file in report.attachments.all()]
        download = reverse("dashboard_export:download")
        urls += [
            f"{download}?kind={kind}&format={file_format}{identities}"
            for kind, identities in (("cases", "&include_identities=on"), ("cases", ""), ("simfoni", ""))
            for file_format in ("csv", "xlsx")
        ]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
            continue
        texts.append(body_of(response))
    assert not failures, f"{persona}: " + ", ".join(failures)
    return "\n".join(texts)


def test_after_rotation_the_old_key_can_be_dropped_and_everything_still_opens(
    settings, client, old_key, officer, supervisor, volunteer, rt
):
    world = everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    assert_every_encrypted_column_holds_data()
    assert tokens_outside_encrypted_columns() == [], "rotation cannot reach a token stored there"

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert "Done:" in rotate()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone for good

    assert_everything_is_under(new_key)
    seen = {
        "supervisor": open_everything(login_as(client, supervisor), "supervisor", world),
        "volunteer": open_everything(login_as(Client(), volunteer), "volunteer", world),
    }
    code = {"receipt_code": world["receipt_code"]}
    page = Client().post(reverse("reports:status"), code)
    api = Client().post("/api/v1/reports/status/", code, content_type="application/json")
    assert page.status_code == api.status_code == 200
    assert "no-store" in page["Cache-Control"] and "no-store" in api["Cache-Control"]
    seen["reporter"] = page.content.decode() + api.content.decode()
    assert BIRTH_DATE.isoformat() in seen["supervisor"]
    for persona, names in SEEN_BY.items():
        missing = sorted(name for name in names if SECRET[name] not in seen[persona])
        assert not missing, f"{persona} did not see: {missing}"


def test_rotation_leaves_nothing_under_the_old_key(settings, old_key, officer, supervisor, volunteer, rt):
    everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    rotate()

    assert "0 values and 0 files re-encrypted" in rotate(), "a second run finds nothing left to do"
    for model in encrypted_models():
        tokens = [field.column for field in model._meta.local_concrete_fields if isinstance(field, EncryptedTextField)]
        for row in raw_rows(model, tokens) if tokens else []:
            assert all(is_under_newest_key(value.encode()) for value in row if value), model._meta.label


# --- the migrations -------------------------------------------------------------------------------


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_the_migration_moves_priority_change_reasons_out_of_the_audit_trail(officer):
    """Rows written by the old report_change_priority: the reason as a token in the audit detail."""
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    legacy = audit_log(
        actor=officer,
        action="reports.priority_changed",
        target=report,
        data={"from": "biasa", "to": "darurat", "reason_encrypted": encrypt_text("Pelaku pulang malam ini")},
    )

    with connection.schema_editor() as editor:
        migration("reports", "0003_priority_change").move_reasons_out_of_the_audit_trail(apps, editor)

    change = PriorityChange.objects.get()
    assert (change.report, change.changed_by, change.changed_at) == (report, officer, legacy.at)
    assert (change.old_priority, change.new_priority, change.reason) == ("biasa", "darurat", "Pelaku pulang malam ini")
    assert AuditEvent.objects.get(pk=legacy.pk).data == {"from": "biasa", "to": "darurat", "change": change.pk}
    with pytest.raises(InternalError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = action WHERE id = %s", [legacy.pk])


def test_the_migration_encrypts_volunteer_text_written_in_plain(volunteer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)
    activity = forum_activity_log(data=forum_input(rt), acting_user=volunteer)
    forum_activity_log(data=forum_input(rt, title="Tanpa saran"), acting_user=volunteer)
    with connection.cursor() as cursor:  # the rows as they were before the migration
        cursor.execute(
            "UPDATE outreach_outreachsession SET facilitators = 'Ibu Sari', notes = 'Catatan' WHERE id = %s",
            [session.pk],
        )
        cursor.execute("UPDATE outreach_forumanakactivity SET suggestions = 'Taman' WHERE id = %s", [activity.pk])

    with connection.schema_editor() as editor:
        migration("outreach", "0002_encrypt_volunteer_text").encrypt_existing_rows(apps, editor)

    session = OutreachSession.objects.get()
    assert (session.facilitators, session.notes) == ("Ibu Sari", "Catatan")
    assert sorted(activity.suggestions for activity in ForumAnakActivity.objects.all()) == ["", "Taman"]
    [(facilitators, notes)] = raw_rows(OutreachSession, ["facilitators", "notes"])
    assert decrypt_text(facilitators) == "Ibu Sari" and decrypt_text(notes) == "Catatan"


def test_volunteer_free_text_is_stored_only_as_ciphertext(volunteer, rt):
    outreach_session_log(
        data=session_input(rt, facilitators=SECRET["facilitators"], notes=SECRET["session_notes"]),
        acting_user=volunteer,
    )
    forum_activity_log(data=forum_input(rt, suggestions=SECRET["suggestions"]), acting_user=volunteer)

    stored = raw_rows(OutreachSession, ["facilitators", "notes"]) + raw_rows(ForumAnakActivity, ["suggestions"])

    assert len(stored) == 2
    for row in stored:
        for value in row:
            assert "SECRET" not in value and FERNET_TOKEN.fullmatch(value), value
