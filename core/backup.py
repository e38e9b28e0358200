"""What `manage.py backup` and `manage.py restore` share: the PostgreSQL client programs, the
connection handed to them, the manifest and its checksums.

A backup is a folder holding three parts:

- `database.dump`: `pg_dump --format=custom` of the whole database but the data keys' rows;
- `files.tar.gz`: MEDIA_ROOT as it is on disk, every file still encrypted (core.encrypted_files);
- `manifest.json`: when, from which code (commit and applied migrations), the size and SHA-256
  of each part and the number of files.

The keys are never part of it: FIELD_ENCRYPTION_KEYS opens the encrypted columns and files,
RECEIPT_CODE_SECRET and CHILD_MATCH_SECRET verify receipt codes and match children, SECRET_KEY
signs sessions. Kept apart, a stolen backup reveals no child's identity; lost, the backup is
unreadable.

Nor are the data keys of reports and cases (core.datakeys): `backup --keys-to` and
`export_keys` write them, still wrapped by FIELD_ENCRYPTION_KEYS, to a file of their own, kept
elsewhere and for a short time. A restore takes the newest such file, so a record erased since
the backup stays unreadable: its key is shredded in that file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
DATABASE_PART = "database.dump"
FILES_PART = "files.tar.gz"
# 2: the data keys are left out of the database dump and exported apart (core.datakeys).
FORMAT = 2
FORMATS_READ = (1, 2)
KEYS_KEPT_APART = ("FIELD_ENCRYPTION_KEYS", "RECEIPT_CODE_SECRET", "CHILD_MATCH_SECRET", "SECRET_KEY")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?")


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class ClientProgram:
    path: str
    major: int
    version: str


def server_major(using: str = DEFAULT_DB_ALIAS) -> int:
    connection = connections[using]
    connection.ensure_connection()
    return connection.pg_version // 10000


def _candidate_folders() -> list[Path]:
    """Where PostgreSQL client programs may be, most specific first: next to the embedded server
    of the `pgserver` wheel (`make run`), Debian's one folder per major version, then PATH."""
    folders = []
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.origin:
        folders.append(Path(spec.origin).parent / "pginstall" / "bin")
    folders.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin")))
    folders.extend(Path(folder) for folder in os.environ.get("PATH", "").split(os.pathsep) if folder)
    return folders


def _version_of(path: Path) -> ClientProgram | None:
    try:
        output = subprocess.run(  # noqa: S603 (a PostgreSQL client program found above)
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = _VERSION.search(output)
    if not found:
        return None
    return ClientProgram(path=str(path), major=int(found.group(1)), version=found.group(0).split(") ")[1])


def client_program(name: str, *, at_least: int) -> ClientProgram:
    """The `pg_dump` or `pg_restore` to use: the oldest major version that is at least `at_least`
    (the server's, and for pg_restore the dump's too). A pg_dump older than the server refuses to
    run; one much newer writes an archive an older pg_restore cannot read."""
    found: dict[str, ClientProgram] = {}
    for folder in _candidate_folders():
        path = folder / name
        if str(path.resolve()) in found or not (path.is_file() and os.access(path, os.X_OK)):
            continue
        program = _version_of(path)
        if program:
            found[str(path.resolve())] = program
    suitable = [program for program in found.values() if program.major >= at_least]
    if suitable:
        return min(suitable, key=lambda program: program.major)
    seen = ", ".join(f"{program.path} ({program.version})" for program in found.values()) or "-"
    raise BackupError(
        _(
            "%(name)s of PostgreSQL %(major)d or newer is needed; found: %(seen)s. Install the PostgreSQL "
            "client programs (Debian: apt-get install postgresql-client-%(major)d)."
        )
        % {"name": name, "major": at_least, "seen": seen}
    )


def client_environment(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The environment that points libpq's programs at the database Django uses: host (or the
    socket folder of the embedded server), port, user, name, password and TLS settings."""
    db = connections[using].settings_dict
    options = db.get("OPTIONS", {})
    values = {
        "PGHOST": db.get("HOST") or options.get("host", ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
        "PGSSLROOTCERT": options.get("sslrootcert", ""),
        "PGSSLCERT": options.get("sslcert", ""),
        "PGSSLKEY": options.get("sslkey", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", "")),
    }
    # Other PG* variables of the environment (PGSSLROOTCERT, say) reach Django's libpq as well.
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def run_client(program: ClientProgram, arguments: list[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    result = subprocess.run(  # noqa: S603 (a PostgreSQL client program, arguments built here)
        [program.path, *arguments], env=client_environment(using), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(name)s failed (exit %(code)d): %(error)s")
            % {"name": Path(program.path).name, "code": result.returncode, "error": result.stderr.strip()}
        )


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app, by the number its name starts with."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def code_commit() -> str | None:
    """The git commit of the running code, when it runs from a checkout (the image has no .git)."""
    try:
        result = subprocess.run(  # noqa: S603 (a fixed command)
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def part_entry(path: Path, **extra) -> dict:
    return {"bytes": path.stat().st_size, "sha256": sha256_of(path), **extra}


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(folder)s is not a backup: it has no manifest.json.") % {"folder": folder})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(_("%(path)s is not valid JSON (%(error)s).") % {"path": path, "error": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS_READ:
        raise BackupError(_("%(path)s: unknown backup format.") % {"path": path})
    return manifest


def verify_parts(folder: Path, manifest: dict) -> None:
    """Every part is there, with the size and SHA-256 the manifest recorded."""
    for name in (DATABASE_PART, FILES_PART):
        expected = manifest.get("parts", {}).get(name)
        path = folder / name
        if not expected:
            raise BackupError(_("The manifest does not list %(name)s.") % {"name": name})
        if not path.is_file():
            raise BackupError(_("%(path)s is missing.") % {"path": path})
        if path.stat().st_size != expected["bytes"] or sha256_of(path) != expected["sha256"]:
            raise BackupError(
                _("%(path)s does not match its checksum in manifest.json: the backup is damaged or was changed.")
                % {"path": path}
            )


def write_private(path: Path, data: bytes) -> None:
    """Write a file only the service's user can read, and flush it to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# The data keys (core.datakeys) are never in a backup: they are exported apart, so that shredding
# a key reaches every backup taken before (issue 21). ---------------------------------------------

KEYS_FORMAT = 1
KEYS_KIND = "kla-data-keys"


def data_key_table() -> str:
    from .models import DataKey

    return DataKey._meta.db_table


def write_key_export(destination: Path, *, created_at) -> tuple[Path, int]:
    """Write every data key, still wrapped by the master keys (shredded ones as shredded), into a
    new file `kla-keys-<time>.json` in `destination`; return its path and the number of keys."""
    connection = connections[DEFAULT_DB_ALIAS]
    rows = []
    if data_key_table() in connection.introspection.table_names():  # not before core's migration 0003
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, material, created_at, shredded_at FROM {connection.ops.quote_name(data_key_table())} "  # noqa: S608
                "ORDER BY id"
            )
            rows = cursor.fetchall()
    keys = [
        {
            "id": pk,
            "material": material,
            "created_at": created.isoformat(),
            "shredded_at": shredded.isoformat() if shredded else None,
        }
        for pk, material, created, shredded in rows
    ]
    content = json.dumps(
        {"format": KEYS_FORMAT, "kind": KEYS_KIND, "created_at": created_at.isoformat(), "keys": keys}
    ).encode()
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = destination / f"kla-keys-{created_at:%Y%m%d-%H%M%S-%f}.json"
    if path.exists():
        raise BackupError(_("%(path)s already exists; wait a second and run again.") % {"path": path})
    partial = destination / f".{path.name}.partial"
    write_private(partial, content)
    os.rename(partial, path)
    fsync_folder(destination)
    return path, len(keys)


def read_key_export(path: Path) -> dict:
    try:
        export = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(_("%(path)s does not exist.") % {"path": path}) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(_("%(path)s is not a key export (%(error)s).") % {"path": path, "error": exc}) from exc
    if not isinstance(export, dict) or export.get("kind") != KEYS_KIND or export.get("format") != KEYS_FORMAT:
        raise BackupError(_("%(path)s is not a key export made by `manage.py export_keys`.") % {"path": path})
    return export


def insert_data_keys(export: dict) -> int:
    """Put the exported keys into the (empty) data key table of a restored database."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(data_key_table())
    if data_key_table() not in connection.introspection.table_names():  # a backup of older code
        return 0
    with connection.cursor() as cursor:
        for key in export["keys"]:
            cursor.execute(
                f"INSERT INTO {table} (id, material, created_at, shredded_at) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [key["id"], key["material"], key["created_at"], key["shredded_at"]],
            )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT max(id) FROM {table}), 1))",  # noqa: S608
            [data_key_table()],
        )
    return len(export["keys"])


def owners_without_keys() -> int:
    """Reports and cases of the restored database whose data key the key export does not hold."""
    from .datakeys import key_owner_models

    connection = connections[DEFAULT_DB_ALIAS]
    quote, keys = connection.ops.quote_name, connection.ops.quote_name(data_key_table())
    missing = 0
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in key_owner_models():
            if model._meta.db_table not in existing or data_key_table() not in existing:
                continue
            table, column = quote(model._meta.db_table), quote(model._meta.get_field("data_key").column)
            cursor.execute(
                f"SELECT count(*) FROM {table} o WHERE o.{column} IS NOT NULL "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.id = o.{column})"
            )
            missing += cursor.fetchone()[0]
    return missing
