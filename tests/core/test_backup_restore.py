"""`backup` then `restore` into a fresh database and media folder brings everything back.

The whole product's data is written through its services (test_key_rotation.everything: every
encrypted column, attachments, photos), committed so that pg_dump sees it; `backup` runs the real
pg_dump against the test database; `restore` runs in another process, as an operator would, with
DATABASE_URL and MEDIA_ROOT pointing at a database and a folder created for the test and the same
keys. That process then reports every decrypted value, every file's decrypted bytes, the report
the receipt code finds and the migration state, which must equal this process's.
"""

import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation
from django.utils.translation import gettext

from core.backup import DATABASE_PART, FILES_PART, MANIFEST, BackupError, applied_migrations, client_program
from core.encrypted_files import read_decrypted
from core.fields import EncryptedFileNameField, EncryptedTextField
from tests.core.test_key_rotation import SECRET, assert_every_encrypted_column_holds_data, everything

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


def snapshot(receipt_code: str = "") -> dict:
    """What must survive a backup: every decrypted value and file of every encrypted field (by
    primary key), the number of rows of every table, the report the receipt code finds, and the
    latest applied migration of each app. Run here and in the restored installation."""
    from reports.selectors import report_by_receipt_code

    existing = set(connection.introspection.table_names())
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
    ]
    values, files = {}, {}
    for model in models:
        for field in model._meta.local_concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            rows = model._base_manager.order_by("pk").values_list("pk", field.name)
            if isinstance(field, EncryptedTextField):
                values[label] = [[str(pk), value] for pk, value in rows if value]
            elif isinstance(field, EncryptedFileNameField):
                files[label] = [
                    [str(pk), hashlib.sha256(read_decrypted(name)).hexdigest()] for pk, name in rows if name
                ]
    report = report_by_receipt_code(receipt_code) if receipt_code else None
    return {
        "values": values,
        "files": files,
        "rows": {model._meta.label: model._base_manager.count() for model in models},
        "receipt_report": report.pk if report else None,
        "migrations": applied_migrations(),
    }


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # the socket folder of the embedded server
        return f"postgres://{db['USER']}{password}@/{name}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def keys(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.FIELD_ENCRYPTION_KEYS


def manage(*arguments: str, database: str, media_root: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """manage.py in another process, on `database` and `media_root`, with this test's keys."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "balikpapan_kla.settings_test",
        "DATABASE_URL": database_url(database),
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(media_root),
        "FIELD_ENCRYPTION_KEYS": ",".join(django_settings.FIELD_ENCRYPTION_KEYS),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "RECEIPT_CODE_SECRET": django_settings.RECEIPT_CODE_SECRET,
        "CHILD_MATCH_SECRET": django_settings.CHILD_MATCH_SECRET,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def said(message: str, **values) -> str:
    """A command's message as an operator reads it: in the default language, Indonesian."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return gettext(message) % values if values else gettext(message)


def backup(destination: Path) -> tuple[Path, str]:
    """A backup in `destination`, its data keys in `destination`'s sibling "keys" (key_export())."""
    out = io.StringIO()
    call_command("backup", str(destination), "--keys-to", str(destination.parent / "keys"), stdout=out)
    [folder] = [path for path in destination.iterdir() if path.name.startswith("kla-backup-")]
    return folder, out.getvalue()


def restore(folder: Path, *, database: str, media_root: Path, tmp_path: Path, keys: Path | None = None):
    """`manage.py restore` of `folder` in another process, with the newest key export (or `keys`)."""
    keys = keys or key_export(folder.parent)
    return manage(
        "restore", str(folder), "--keys", str(keys), database=database, media_root=media_root, tmp_path=tmp_path
    )


def key_export(backups: Path) -> Path:
    """The newest key export next to `backups` (written by backup() or `export_keys`)."""
    return sorted((backups.parent / "keys").glob("kla-keys-*.json"))[-1]


def test_it_restores_every_value_file_and_receipt_code_into_a_fresh_database(
    keys, pg_tools, fresh_database, officer, supervisor, volunteer, rt, tmp_path
):
    world = everything(officer=officer, supervisor=supervisor, volunteer=volunteer, rt=rt)
    assert_every_encrypted_column_holds_data()
    before = snapshot(world["receipt_code"])
    assert before["receipt_report"] == world["report"].pk
    assert SECRET["narrative"] in json.dumps(before["values"])
    assert all(before["files"].values()), "every file field holds a file"

    folder, output = backup(tmp_path / "backups")

    assert said("3/3 Writing the manifest…") in output and "FIELD_ENCRYPTION_KEYS, RECEIPT_CODE_SECRET" in output
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["migrations"] == before["migrations"]
    assert manifest["parts"][FILES_PART]["files"] == sum(len(names) for names in before["files"].values())
    assert sorted(path.name for path in folder.iterdir()) == sorted([DATABASE_PART, FILES_PART, MANIFEST])
    assert manifest["data_keys"] == "apart"
    assert not [path for path in folder.parent.iterdir() if path != folder], "no partial folder left"
    key = keys[0].encode()
    for part in (DATABASE_PART, FILES_PART):
        assert SECRET["narrative"].encode() not in (folder / part).read_bytes()
    assert key not in (folder / DATABASE_PART).read_bytes() + (folder / FILES_PART).read_bytes()

    target, media = fresh_database(), tmp_path / "restored-media"
    restored = restore(folder, database=target, media_root=media, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert said("6/6 The database is at this code's migrations; nothing to migrate.") in restored.stdout

    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from tests.core.test_backup_restore import snapshot; "
        f"print(json.dumps(snapshot({world['receipt_code']!r})))",
        database=target,
        media_root=media,
        tmp_path=tmp_path,
    )
    assert shown.returncode == 0, shown.stderr
    after = json.loads(shown.stdout)
    assert after["values"] == before["values"]
    assert after["files"] == before["files"]
    assert after["rows"] == before["rows"]
    assert after["receipt_report"] == world["report"].pk
    assert after["migrations"] == before["migrations"]


def test_it_migrates_a_backup_made_by_older_code(pg_tools, fresh_database, tmp_path):
    old, new = fresh_database(), fresh_database()
    media = tmp_path / "media"
    migrated = manage("migrate", "areas", "0002", database=old, media_root=media, tmp_path=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    made = manage(
        "backup",
        str(tmp_path / "backups"),
        "--keys-to",
        str(tmp_path / "keys"),
        database=old,
        media_root=media,
        tmp_path=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    assert json.loads((folder / MANIFEST).read_text())["migrations"]["areas"] == "0002_load_balikpapan"

    restored = restore(folder, database=new, media_root=tmp_path / "new-media", tmp_path=tmp_path)

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "    areas.0003_kemendagri_codes\n" in restored.stdout
    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from core.backup import applied_migrations; print(json.dumps(applied_migrations()))",
        database=new,
        media_root=tmp_path / "new-media",
        tmp_path=tmp_path,
    )
    leaves = dict(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    assert {app: name for app, name in json.loads(shown.stdout).items() if app in leaves} == leaves


def test_it_refuses_a_database_that_is_not_empty(keys, pg_tools, tmp_path):
    folder, _output = backup(tmp_path / "backups")
    keys_media = Path(django_settings.MEDIA_ROOT)

    with translation.override("en"), pytest.raises(CommandError, match=r"The database test_\w+ is not empty"):
        call_command("restore", str(folder), "--keys", str(key_export(folder.parent)), stdout=io.StringIO())

    assert not keys_media.exists() or not any(keys_media.iterdir())


def test_it_refuses_a_media_folder_that_is_not_empty(keys, pg_tools, fresh_database, tmp_path):
    folder, _output = backup(tmp_path / "backups")
    media = tmp_path / "busy-media"
    media.mkdir()
    (media / "left-over.bin").write_bytes(b"x")
    target = fresh_database()

    refused = restore(folder, database=target, media_root=media, tmp_path=tmp_path)

    assert refused.returncode != 0
    assert (
        said(
            "%(media)s (MEDIA_ROOT) is not empty. Restore only into an empty folder. Nothing was changed.",
            media=media.resolve(),
        )
        in refused.stderr
    )
    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(len(connection.introspection.table_names()))",
        database=target,
        media_root=media,
        tmp_path=tmp_path,
    )
    assert shown.stdout.strip() == "0", "nothing was restored"


@pytest.mark.parametrize("part", [DATABASE_PART, FILES_PART])
def test_it_refuses_a_tampered_backup(keys, pg_tools, fresh_database, tmp_path, part):
    folder, _output = backup(tmp_path / "backups")
    damaged = bytearray((folder / part).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (folder / part).write_bytes(bytes(damaged))
    target, media = fresh_database(), tmp_path / "restored-media"

    refused = restore(folder, database=target, media_root=media, tmp_path=tmp_path)

    assert refused.returncode != 0
    assert (
        said(
            "%(path)s does not match its checksum in manifest.json: the backup is damaged or was changed.",
            path=(folder / part).resolve(),
        )
        in refused.stderr
    )
    assert not media.exists()


def test_a_failed_backup_leaves_no_folder_behind(keys, pg_tools, monkeypatch, tmp_path):
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict, "NAME", f"no_such_database_{secrets.token_hex(4)}")
    destination = tmp_path / "backups"

    with translation.override("en"), pytest.raises(CommandError, match=r"pg_dump failed \(exit 1\)"):
        call_command("backup", str(destination), "--keys-to", str(tmp_path / "keys"), stdout=io.StringIO())

    assert list(destination.iterdir()) == []


def test_it_refuses_a_destination_it_cannot_write_to(keys, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")

    with translation.override("en"), pytest.raises(CommandError, match="Cannot write to"):
        call_command("backup", str(blocked / "backups"), "--keys-to", str(tmp_path / "keys"), stdout=io.StringIO())


def test_it_names_the_postgresql_version_it_needs_when_no_client_program_is_new_enough():
    with translation.override("en"), pytest.raises(BackupError, match="pg_dump of PostgreSQL 99 or newer is needed"):
        client_program("pg_dump", at_least=99)
