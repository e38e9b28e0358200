"""Back up the database and the encrypted files into a new folder under DEST_DIR.

    manage.py backup /path/to/backups      → /path/to/backups/kla-backup-20261203-174501/

The database first, then the files. pg_dump reads one consistent snapshot. Files are written
before the rows that name them commit (reports.services, outreach.services: save_encrypted, then
the INSERT in the same transaction) and a committed row's file is never deleted, so every file
the snapshot names is already on disk when the archive is taken after it. A file written after
the snapshot is archived too and belongs to no row in the dump: harmless. The other order could
leave a row without its file, which is not.

The backup is built in a hidden folder next to its final place and renamed only once every part
and the manifest are written and flushed: a folder named kla-backup-… is always complete. On any
failure the hidden folder is removed and the command exits non-zero.

Files are archived as they are on disk, still encrypted; the keys are not in the backup. The
data keys of reports and cases are left out of the dump too and written, after it, into a key
export in the --keys-to folder, which must be kept elsewhere (core.backup). Written after the
dump, the export holds a key for every record the dump holds.
Do not run it while `rotate_encryption_keys` runs: a file re-encrypted between the dump and the
archive is fine, but a backup taken half-way needs the old key as well as the new one.
"""

import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.backup import (
    DATABASE_PART,
    FILES_PART,
    FORMAT,
    KEYS_KEPT_APART,
    MANIFEST,
    BackupError,
    applied_migrations,
    client_program,
    code_commit,
    data_key_table,
    fsync_folder,
    part_entry,
    remove_tree,
    run_client,
    server_major,
    write_key_export,
    write_private,
)


def _in_flight(name: str) -> bool:
    """A temporary file core.encrypted_files is writing at this moment (renamed when done)."""
    return name.startswith(".") and name.endswith(".tmp")


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump) and the encrypted files (MEDIA_ROOT) into a new "
        "folder under DEST_DIR, with a manifest of checksums. The encryption keys are not included."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest_dir", help="Folder in which the backup folder is created.")
        parser.add_argument(
            "--keys-to",
            required=True,
            help="Folder for the data keys' export, kept apart from the backups (another disk or place).",
        )

    def handle(self, *args, dest_dir, keys_to, **options):
        destination = Path(dest_dir).resolve()
        keys_folder = Path(keys_to).resolve()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        if destination == media_root or destination.is_relative_to(media_root):
            raise CommandError(
                _("%(dest)s is inside MEDIA_ROOT (%(media)s): choose a folder outside it.")
                % {"dest": destination, "media": media_root}
            )
        if keys_folder.is_relative_to(destination) or destination.is_relative_to(keys_folder):
            raise CommandError(
                _(
                    "The data keys (%(keys)s) must be kept apart from the backups (%(dest)s): a backup "
                    "stored with its keys can bring back what was erased. Choose a folder outside it."
                )
                % {"keys": keys_folder, "dest": destination}
            )
        try:
            destination.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(prefix=".kla-backup-", suffix=".partial", dir=destination))
        except OSError as exc:
            raise CommandError(
                _("Cannot write to %(dest)s: %(error)s") % {"dest": destination, "error": exc.strerror or exc}
            ) from exc
        created_at = timezone.now()
        final = destination / f"kla-backup-{created_at:%Y%m%d-%H%M%S}"
        try:
            if final.exists():
                raise BackupError(_("%(path)s already exists; wait a second and run again.") % {"path": final})
            manifest = self.build(building, media_root=media_root, created_at=created_at)
            os.rename(building, final)
            fsync_folder(destination)
            self.stdout.write(_("Exporting the data keys to %(folder)s…") % {"folder": keys_folder})
            key_export, key_count = write_key_export(keys_folder, created_at=timezone.now())
        except BackupError as exc:
            remove_tree(building)
            raise CommandError(str(exc)) from exc
        except BaseException:
            remove_tree(building)
            raise
        files = manifest["parts"][FILES_PART]["files"]
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup complete: %(path)s (database %(db_bytes)s bytes, %(files)d files).")
                % {"path": final, "db_bytes": manifest["parts"][DATABASE_PART]["bytes"], "files": files}
            )
        )
        self.stdout.write(
            _("Data keys: %(count)d, in %(path)s. Restore needs it (restore --keys).")
            % {"count": key_count, "path": key_export}
        )
        self.stdout.write(
            _(
                "The keys are NOT in the backup. Keep %(keys)s safe and apart from it: "
                "without FIELD_ENCRYPTION_KEYS the backup cannot be read."
            )
            % {"keys": ", ".join(KEYS_KEPT_APART)}
        )

    def build(self, folder: Path, *, media_root: Path, created_at) -> dict:
        major = server_major()
        pg_dump = client_program("pg_dump", at_least=major)
        self.stdout.write(
            _("1/3 Dumping the database with %(program)s (PostgreSQL %(version)s)…")
            % {"program": pg_dump.path, "version": pg_dump.version}
        )
        # The migration state is read before the dump: a migration applied in between would show
        # in the dump but not here, and restore would then only find nothing left to migrate.
        migrations = applied_migrations()
        dump = folder / DATABASE_PART
        run_client(
            pg_dump,
            ["--format=custom", "--no-password", f"--exclude-table-data={data_key_table()}", f"--file={dump}"],
        )
        os.chmod(dump, 0o600)

        self.stdout.write(_("2/3 Archiving the encrypted files in %(media)s…") % {"media": media_root})
        archive = folder / FILES_PART
        count = self.archive_files(media_root, archive)

        self.stdout.write(_("3/3 Writing the manifest…"))
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "commit": code_commit(),
            "database": {"server_major": major, "pg_dump_version": pg_dump.version, "pg_dump_major": pg_dump.major},
            "migrations": migrations,
            "data_keys": "apart",
            "parts": {DATABASE_PART: part_entry(dump), FILES_PART: part_entry(archive, files=count)},
        }
        write_private(folder / MANIFEST, json.dumps(manifest, indent=2).encode())
        fsync_folder(folder)
        return manifest

    def archive_files(self, media_root: Path, archive: Path) -> int:
        """Archive MEDIA_ROOT's folders and regular files (no links, no half-written files)."""
        count = 0
        descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            if media_root.is_dir():
                for root, folders, names in os.walk(media_root):
                    folders.sort()
                    for name in sorted(folders):
                        path = Path(root) / name
                        if not path.is_symlink():
                            tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                    for name in sorted(names):
                        path = Path(root) / name
                        if _in_flight(name) or path.is_symlink() or not path.is_file():
                            continue
                        try:
                            tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                        except FileNotFoundError:  # the clean-up of a write whose rows never committed
                            continue
                        count += 1
        with archive.open("rb") as file:
            os.fsync(file.fileno())
        return count
