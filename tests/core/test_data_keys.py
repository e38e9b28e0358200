"""Per-record data keys (core.datakeys): each report and each case under its own key, erasure by
shredding that key, and what that means for backups, key rotation and the existing data."""

import io
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.models import Case, Child
from core.crypto import data_key_of, decrypt_bytes, decrypt_text
from core.datakeys import ShreddedError, erase_owned, forget_cached_keys, key_owner_models, owned_models, owner_of
from core.encrypted_files import path_of
from core.fields import EncryptedFileNameField, EncryptedTextField, encrypted_fields
from core.management.commands.rotate_encryption_keys import encrypted_models
from core.models import DataKey
from reports.choices import Channel
from reports.models import Report, ReportAttachment
from reports.services import report_submit
from tests.core.test_backup_restore import backup, key_export, manage, restore
from tests.core.test_key_rotation import SECRET, everything, raw_rows, rotate
from tests.reporting import report_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MEDIA_ROOT = tmp_path / "private"
    forget_cached_keys()
    yield settings.FIELD_ENCRYPTION_KEYS
    forget_cached_keys()


def owned_tokens(owners) -> dict[str, list[str]]:
    """The raw tokens and file names stored for `owners` (reports or cases), by column: what a
    backup taken now holds of them."""
    found = {}
    pks = [owner.pk for owner in owners]
    for model, path in owned_models(type(owners[0])):
        for field in encrypted_fields(model):
            values = model._base_manager.filter(**{f"{path}__in": pks}).values_list("pk", flat=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT "{field.column}" FROM "{model._meta.db_table}" WHERE id = ANY(%s)',  # noqa: S608
                    [list(values)],
                )
                found[f"{model._meta.label}.{field.name}"] = [value for (value,) in cursor.fetchall() if value]
    return found


def test_every_value_and_file_of_a_report_or_case_is_under_its_own_data_key(keys, officer, supervisor, volunteer, rt):
    everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)

    checked = 0
    for owner_model in key_owner_models():
        for model, _path in owned_models(owner_model):
            for row in model._base_manager.all():
                expected = owner_of(row).data_key_id
                for field in encrypted_fields(model):
                    [raw] = raw_rows_of(row, field)
                    if not raw:
                        continue
                    stored = path_of(raw).read_bytes() if isinstance(field, EncryptedFileNameField) else raw
                    assert data_key_of(stored) == expected, f"{model._meta.label}.{field.name} of {row.pk}"
                    checked += 1
    assert checked >= 30
    # Everything else stays under the master keys: outreach, the privacy registers, the keys themselves.
    for model in encrypted_models():
        if model not in {m for owner in key_owner_models() for m, _path in owned_models(owner)}:
            for field in encrypted_fields(model, EncryptedTextField):
                assert all(data_key_of(value) is None for (value,) in raw_rows(model, [field.column]) if value)


def raw_rows_of(row, field) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{field.column}" FROM "{row._meta.db_table}" WHERE id = %s',  # noqa: S608
            [row.pk],
        )
        return [value for (value,) in cursor.fetchall()]


def test_two_reports_have_two_keys_and_each_key_opens_only_its_own():
    first = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    second = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report

    assert first.data_key_id and second.data_key_id and first.data_key_id != second.data_key_id
    [token] = raw_rows_of(first, Report._meta.get_field("narrative"))
    assert data_key_of(token) == first.data_key_id
    forged = token.replace(f"dk:{first.data_key_id}:", f"dk:{second.data_key_id}:")
    with pytest.raises(Exception, match="does not decrypt"):
        decrypt_text(forged)


def test_a_report_value_cannot_escape_its_key_through_queryset_update():
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report

    with pytest.raises(FieldError, match="own data key"), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(narrative="ditulis tanpa kunci laporan")
    # Blanking, which erasure does, stays possible.
    assert Report.objects.filter(pk=report.pk).update(landmark="") == 1


def test_reading_many_reports_costs_one_query_for_their_keys():
    for _ in range(12):
        report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    forget_cached_keys()

    with CaptureQueriesContext(connection) as queries:
        narratives = [report.narrative for report in Report.objects.all()]

    assert len(narratives) == 12 and all(narratives)
    assert len([q for q in queries.captured_queries if "core_datakey" in q["sql"]]) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_erasing_a_case_makes_it_unreadable_now_and_from_a_backup_taken_before(
    keys, pg_tools, fresh_database, officer, supervisor, volunteer, rt, tmp_path
):
    world = everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    Case.objects.filter(pk=world["case"].pk).update(legal_hold_at=None, legal_hold_by=None, legal_hold_reason="")
    case = Case.objects.get(pk=world["case"].pk)
    reports = list(Report.objects.filter(case_link__case=case))
    assert world["report"] in reports
    held_by_backup = {**owned_tokens([case]), **owned_tokens(reports)}
    attachment_names = held_by_backup["reports.ReportAttachment.stored_name"]
    attachment_bytes = [path_of(name).read_bytes() for name in attachment_names]
    assert attachment_bytes and held_by_backup["cases.Child.name"]
    folder, _output = backup(tmp_path / "backups")
    untouched = Report.objects.exclude(pk__in=[r.pk for r in reports]).exclude(narrative="").first()
    assert untouched is not None

    with transaction.atomic():
        erased = erase_owned([case])
        erase_owned(reports)

    # Now: every value blank, every file gone, the keys shredded.
    assert erased.keys == 1 and erased.values > 10
    assert all(not values for values in owned_tokens([case]).values())
    assert all(not values for values in owned_tokens(reports).values())
    assert not any(path_of(name).exists() for name in attachment_names)
    assert DataKey.objects.filter(
        pk__in=[case.data_key_id, *[r.data_key_id for r in reports]], material=""
    ).count() == (1 + len(reports))
    assert [child.name for child in Child.objects.filter(case=case)] == ["", ""]
    # What the backup holds of it opens with no key configured here, even with no cache.
    forget_cached_keys()
    for label, tokens in held_by_backup.items():
        for token in tokens if label != "reports.ReportAttachment.stored_name" else []:
            with pytest.raises(ShreddedError):
                decrypt_text(token)
    for data in attachment_bytes:
        with pytest.raises(ShreddedError):
            decrypt_bytes(data)
    assert Report.objects.get(pk=untouched.pk).narrative  # others are untouched

    # Restored from the backup taken before, with the keys as they are now: the case is gone there too.
    call_command("export_keys", str(tmp_path / "keys"), stdout=io.StringIO())
    target, media = fresh_database(), tmp_path / "restored-media"
    restored = restore(folder, database=target, media_root=media, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from tests.core.test_data_keys import restored_view; "
        f"print(json.dumps(restored_view({case.pk}, {untouched.pk})))",
        database=target,
        media_root=media,
        tmp_path=tmp_path,
    )
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view == {"child_names": ["", ""], "case_key_shredded": True, "other_narrative": untouched.narrative}
    for data in attachment_bytes:
        assert data not in b"".join(path.read_bytes() for path in Path(media).rglob("*") if path.is_file())


def restored_view(case_pk: int, other_report_pk: int) -> dict:
    """Run in the restored installation (test above)."""
    case = Case.objects.get(pk=case_pk)
    return {
        "child_names": [child.name for child in Child.objects.filter(case=case)],
        "case_key_shredded": DataKey.objects.get(pk=case.data_key_id).shredded_at is not None,
        "other_narrative": Report.objects.get(pk=other_report_pk).narrative,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_refuses_a_key_export_older_than_the_backup(keys, pg_tools, fresh_database, tmp_path):
    call_command("export_keys", str(tmp_path / "keys"), stdout=io.StringIO())
    stale = key_export(tmp_path / "backups")
    report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    folder, _output = backup(tmp_path / "backups")

    refused = restore(folder, database=fresh_database(), media_root=tmp_path / "m", tmp_path=tmp_path, keys=stale)

    assert refused.returncode != 0
    assert "older than the backup" in refused.stderr or "lebih lama dari cadangan" in refused.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_without_the_key_export_changes_nothing(keys, pg_tools, fresh_database, tmp_path):
    folder, _output = backup(tmp_path / "backups")
    target = fresh_database()

    refused = manage("restore", str(folder), database=target, media_root=tmp_path / "m", tmp_path=tmp_path)

    assert refused.returncode != 0 and "--keys" in refused.stderr
    tables = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(len(connection.introspection.table_names()))",
        database=target,
        media_root=tmp_path / "m",
        tmp_path=tmp_path,
    )
    assert tables.stdout.strip() == "0"


def test_a_backup_refuses_to_keep_the_keys_with_it(keys, tmp_path):
    with translation.override("en"), pytest.raises(Exception, match="apart"):
        call_command(
            "backup", str(tmp_path / "backups"), "--keys-to", str(tmp_path / "backups" / "keys"), stdout=io.StringIO()
        )
    assert not (tmp_path / "backups" / "keys").exists()


def test_rotating_the_master_keys_rewraps_the_data_keys_and_leaves_the_data_alone(
    settings, keys, officer, supervisor, volunteer, rt
):
    world = everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    narrative_before = raw_rows_of(world["report"], Report._meta.get_field("narrative"))
    attachment = ReportAttachment.objects.get(pk=world["attachment"].pk)
    file_before = path_of(attachment.stored_name).read_bytes()
    wrapped_before = dict(DataKey.objects.values_list("pk", "material"))

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, keys[0]]
    rotate()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    forget_cached_keys()

    assert raw_rows_of(world["report"], Report._meta.get_field("narrative")) == narrative_before
    assert path_of(attachment.stored_name).read_bytes() == file_before
    for pk, material in raw_material():
        Fernet(new_key).decrypt(material.encode())  # re-wrapped under the new master key
        assert wrapped_before[pk] != material
    assert Report.objects.get(pk=world["report"].pk).narrative == SECRET["narrative"]
    assert decrypt_bytes(file_before)


def raw_material() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, material FROM core_datakey WHERE material <> ''")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_existing_data_under_data_keys_without_loss(keys, officer, supervisor, volunteer, rt):
    """On a copy with every encrypted field and an attachment, written under the master keys the
    way the code before data keys wrote them: after the migration, every value and file reads the
    same and is under its owner's key."""
    world = everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    before = readable_everything()
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0008_data_keys")])  # the two migrations' way back: all under the master keys
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_report SET data_key_id = NULL")
            cursor.execute("UPDATE cases_case SET data_key_id = NULL")
            # The reports' and cases' keys; a WhatsApp contact's (a later app, not converted) stay.
            cursor.execute(
                "DELETE FROM core_datakey WHERE id NOT IN "
                "(SELECT data_key_id FROM whatsapp_contact WHERE data_key_id IS NOT NULL)"
            )
        forget_cached_keys()
        assert all(
            data_key_of(value) is None
            for label, values in owned_raw().items()
            if label.split(".")[0] in ("reports", "cases")
            for value in values
        )
        attachment = path_of(ReportAttachment.objects.get(pk=world["attachment"].pk).stored_name)
        assert data_key_of(attachment.read_bytes()) is None
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        forget_cached_keys()

    assert readable_everything() == before
    assert Report.objects.filter(data_key__isnull=True).count() == 0
    assert Case.objects.filter(data_key__isnull=True).count() == 0
    assert all(data_key_of(value) is not None for values in owned_raw().values() for value in values)
    report = Report.objects.get(pk=world["report"].pk)
    assert data_key_of(attachment.read_bytes()) == report.data_key_id


def owned_raw() -> dict[str, list[str]]:
    found = {}
    for owner_model in key_owner_models():
        for model, _path in owned_models(owner_model):
            for field in encrypted_fields(model, EncryptedTextField):
                found[f"{model._meta.label}.{field.name}"] = [v for (v,) in raw_rows(model, [field.column]) if v]
    return found


def readable_everything() -> dict:
    values = {}
    for model in encrypted_models():
        if model is DataKey:  # made anew by the migration
            continue
        for field in encrypted_fields(model):
            rows = model._base_manager.order_by("pk").values_list("pk", field.name)
            if isinstance(field, EncryptedFileNameField):
                values[f"{model._meta.label}.{field.name}"] = [
                    [pk, decrypt_bytes(path_of(name).read_bytes()).hex()] for pk, name in rows if name
                ]
            else:
                values[f"{model._meta.label}.{field.name}"] = [[pk, value] for pk, value in rows if value]
    return values


def test_the_database_refuses_to_erase_a_case_under_a_legal_hold(officer, supervisor):
    from django.db import IntegrityError
    from django.utils import timezone

    from tests.cases_data import new_report
    from triage import services as ts

    case = ts.report_accept(report=new_report(), acting_user=officer)
    case.legal_hold_at, case.legal_hold_by, case.legal_hold_reason = timezone.now(), supervisor, "Banding berjalan."
    case.save()

    with pytest.raises(IntegrityError, match="case_legal_hold_complete"), transaction.atomic():
        erase_owned([case])

    assert Case.objects.get(pk=case.pk).legal_hold_reason == "Banding berjalan."
    assert DataKey.objects.get(pk=case.data_key_id).shredded_at is None
