"""Existing reports and cases get their own data keys, and their values move under them
(core.datakeys). Raw SQL on a frozen list of tables and columns, so later model changes do not
change what this migration does. Each value is decrypted with the master keys and encrypted
again under its owner's data key; a value already under a data key is left as it is, so the
migration is safe to run again. The files move in 0010, after this has committed."""

from cryptography.fernet import Fernet
from django.db import migrations

from core.crypto import data_key_of, decrypt_text, encrypt_text

OWNERS = ("reports_report", "cases_case")

# (table, SELECT of (row id, owner's data key id), encrypted text columns)
TABLES = [
    (
        "reports_report",
        "SELECT t.id, t.data_key_id FROM reports_report t",
        [
            "source_contact_person",
            "narrative",
            "address_detail",
            "landmark",
            "child_name",
            "reporter_contact",
            "reporter_name",
            "contact_consent_note",
        ],
    ),
    (
        "reports_prioritychange",
        "SELECT t.id, j0.data_key_id FROM reports_prioritychange t JOIN reports_report j0 ON j0.id = t.report_id",
        ["reason"],
    ),
    (
        "reports_reportmessage",
        "SELECT t.id, j0.data_key_id FROM reports_reportmessage t JOIN reports_report j0 ON j0.id = t.report_id",
        ["body"],
    ),
    (
        "cases_case",
        "SELECT t.id, t.data_key_id FROM cases_case t",
        ["needs", "closure_explanation", "closure_justification", "closing_message", "legal_hold_reason"],
    ),
    (
        "cases_child",
        "SELECT t.id, j0.data_key_id FROM cases_child t JOIN cases_case j0 ON j0.id = t.case_id",
        ["name", "birth_date", "guardian_contact"],
    ),
    (
        "cases_perpetrator",
        "SELECT t.id, j0.data_key_id FROM cases_perpetrator t JOIN cases_case j0 ON j0.id = t.case_id",
        ["description"],
    ),
    (
        "cases_caseservice",
        "SELECT t.id, j0.data_key_id FROM cases_caseservice t JOIN cases_case j0 ON j0.id = t.case_id",
        ["outcome"],
    ),
    (
        "cases_followup",
        "SELECT t.id, j0.data_key_id FROM cases_followup t JOIN cases_case j0 ON j0.id = t.case_id",
        ["notes"],
    ),
    (
        "cases_casenote",
        "SELECT t.id, j0.data_key_id FROM cases_casenote t JOIN cases_case j0 ON j0.id = t.case_id",
        ["body"],
    ),
    (
        "cases_legalrecord",
        "SELECT t.id, j0.data_key_id FROM cases_legalrecord t JOIN cases_case j0 ON j0.id = t.case_id",
        ["police_waiver_reason", "verdict_outcome"],
    ),
    (
        "cases_courthearing",
        "SELECT t.id, j0.data_key_id FROM cases_courthearing t JOIN cases_case j0 ON j0.id = t.case_id",
        ["note"],
    ),
    (
        "cases_referral",
        "SELECT t.id, j0.data_key_id FROM cases_referral t JOIN cases_case j0 ON j0.id = t.case_id",
        ["request", "consent_given_by", "feedback"],
    ),
    (
        "cases_casetransfer",
        "SELECT t.id, j0.data_key_id FROM cases_casetransfer t JOIN cases_case j0 ON j0.id = t.case_id",
        ["reason"],
    ),
    (
        "cases_assessment",
        "SELECT t.id, j0.data_key_id FROM cases_assessment t JOIN cases_case j0 ON j0.id = t.case_id",
        ["override_reason"],
    ),
    (
        "cases_assessmentrating",
        "SELECT t.id, j1.data_key_id FROM cases_assessmentrating t JOIN cases_assessment j0 ON j0.id = t.assessment_id"
        " JOIN cases_case j1 ON j1.id = j0.case_id",
        ["note"],
    ),
    (
        "cases_caseplan",
        "SELECT t.id, j0.data_key_id FROM cases_caseplan t JOIN cases_case j0 ON j0.id = t.case_id",
        ["decision_note"],
    ),
    (
        "cases_plangoal",
        "SELECT t.id, j1.data_key_id FROM cases_plangoal t JOIN cases_caseplan j0 ON j0.id = t.plan_id"
        " JOIN cases_case j1 ON j1.id = j0.case_id",
        ["goal"],
    ),
]


def seal(fernets: dict[int, Fernet], key_id: int, plaintext: str) -> str:
    return f"dk:{key_id}:" + fernets[key_id].encrypt(plaintext.encode()).decode("ascii")


def data_key_fernets(cursor) -> dict[int, Fernet]:
    cursor.execute("SELECT id, material FROM core_datakey WHERE shredded_at IS NULL")
    return {key_id: Fernet(decrypt_text(material).encode("ascii")) for key_id, material in cursor.fetchall()}


def give_owners_keys(cursor) -> None:
    for table in OWNERS:
        cursor.execute(f"SELECT id FROM {table} WHERE data_key_id IS NULL ORDER BY id")  # noqa: S608
        for (pk,) in cursor.fetchall():
            material = Fernet.generate_key().decode("ascii")
            cursor.execute(
                "INSERT INTO core_datakey (material, created_at) VALUES (%s, now()) RETURNING id",
                [encrypt_text(material)],
            )
            (key_id,) = cursor.fetchone()
            cursor.execute(f"UPDATE {table} SET data_key_id = %s WHERE id = %s", [key_id, pk])  # noqa: S608


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        give_owners_keys(cursor)
        fernets = data_key_fernets(cursor)
        for table, select, columns in TABLES:
            cursor.execute(f"{select} ORDER BY t.id")
            owners = dict(cursor.fetchall())
            cursor.execute(f"SELECT id, {', '.join(columns)} FROM {table} ORDER BY id")  # noqa: S608
            for pk, *values in cursor.fetchall():
                key_id = owners[pk]
                changed = {
                    column: seal(fernets, key_id, decrypt_text(value))
                    for column, value in zip(columns, values, strict=True)
                    if value and data_key_of(value) is None
                }
                if changed:
                    assignments = ", ".join(f"{column} = %s" for column in changed)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*changed.values(), pk],
                    )


def backwards(apps, schema_editor):
    """Back under the master keys, so the previous code reads everything again."""
    with schema_editor.connection.cursor() as cursor:
        for table, _select, columns in TABLES:
            cursor.execute(f"SELECT id, {', '.join(columns)} FROM {table} ORDER BY id")  # noqa: S608
            for pk, *values in cursor.fetchall():
                changed = {
                    column: encrypt_text(decrypt_text(value))
                    for column, value in zip(columns, values, strict=True)
                    if value and data_key_of(value) is not None
                }
                if changed:
                    assignments = ", ".join(f"{column} = %s" for column in changed)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*changed.values(), pk],
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_data_keys"),
        ("reports", "0008_data_keys"),
        ("core", "0003_data_keys"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
