"""What `manage.py backup` and `manage.py restore` share: the PostgreSQL client programs, the
connection handed to them, the manifest and its checksums.

A backup is a folder holding three parts:

- `database.dump`: `pg_dump --format=custom` of the whole database;
- `files.tar.gz`: MEDIA_ROOT as it is on disk, every file still encrypted (core.encrypted_files);
- `manifest.json`: when, from which code (commit and applied migrations), the size and SHA-256
  of each part and the number of files.

The keys are never part of it: FIELD_ENCRYPTION_KEYS opens the encrypted columns and files,
RECEIPT_CODE_SECRET and CHILD_MATCH_SECRET verify receipt codes and match children, SECRET_KEY
signs sessions. Kept apart, a stolen backup reveals no child's identity; lost, the backup is
unreadable.
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
FORMAT = 1
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
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
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
