"""Restore a backup made by `manage.py backup` into an empty database and an empty MEDIA_ROOT.

    manage.py restore /path/to/backups/kla-backup-20261203-174501

Only into an empty database (no table at all) and an empty or missing MEDIA_ROOT: there is no
--force. Restoring over live data would mix two histories, and a dump restored over tables that
exist fails half-way; an operator who really means to replace an installation drops and creates
the database and empties the folder first, which is a decision made outside this command.

In order, stopping at the first problem:
1. the manifest is read and every part checked against its size and SHA-256; a backup made by
   newer code (a migration this code does not know) is refused;
2. the database and MEDIA_ROOT are checked to be empty;
3. the files are unpacked into a hidden folder next to MEDIA_ROOT (nothing outside it: tar's
   "data" filter);
4. `pg_restore --single-transaction --exit-on-error`: the whole database or nothing. A backup that
   left the data keys out (format 2) is restored in two steps, tables and rows first, then the
   keys from the export given with --keys, then indexes and constraints: a record whose key the
   export lacks (an export older than the backup) stops it there;
5. the files are moved into MEDIA_ROOT;
6. `migrate`, if this code has migrations the backup had not applied (it says which);
7. what was erased since the backup (its key is shredded in the export) is blanked here too;
8. a sample of encrypted values and files is opened with the keys configured here, so that a
   restore with the wrong FIELD_ENCRYPTION_KEYS is found now, not by the first officer.
"""

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from core.backup import (
    DATABASE_PART,
    FILES_PART,
    KEYS_KEPT_APART,
    BackupError,
    client_program,
    insert_data_keys,
    owners_without_keys,
    read_key_export,
    read_manifest,
    remove_tree,
    run_client,
    server_major,
    verify_parts,
)
from core.crypto import UndecryptableError, decrypt_text
from core.datakeys import ShreddedError, blank_shredded, forget_cached_keys
from core.encrypted_files import read_decrypted
from core.fields import EncryptedFileNameField, EncryptedTextField
from core.management.commands.rotate_encryption_keys import encrypted_models


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `backup` into an EMPTY database and an EMPTY MEDIA_ROOT "
        "(refuses otherwise), checking its checksums first and migrating if this code is newer."
    )

    def add_arguments(self, parser):
        parser.add_argument("src_dir", help="The backup folder (kla-backup-…) holding manifest.json.")
        parser.add_argument(
            "--keys",
            help="The data keys' export (kla-keys-….json from `backup --keys-to` or `export_keys`), "
            "the newest there is. Needed for every backup but the oldest format.",
        )

    def handle(self, *args, src_dir, keys, **options):
        source = Path(src_dir).resolve()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        unpacked = None
        try:
            manifest = read_manifest(source)
            keys_apart = manifest.get("data_keys") == "apart"
            if keys_apart and not keys:
                raise BackupError(
                    _(
                        "This backup holds no data keys: give the newest key export with --keys "
                        "(kla-keys-….json, written by `backup --keys-to` or `export_keys`). Nothing was changed."
                    )
                )
            key_export = read_key_export(Path(keys).resolve()) if keys_apart else None
            self.stdout.write(_("1/6 Checking the backup's checksums…"))
            verify_parts(source, manifest)
            self.refuse_newer_backup(manifest)
            self.stdout.write(_("2/6 Checking that the database and %(media)s are empty…") % {"media": media_root})
            self.refuse_non_empty(media_root)

            at_least = max(server_major(), manifest.get("database", {}).get("pg_dump_major", 0))
            pg_restore = client_program("pg_restore", at_least=at_least)

            self.stdout.write(_("3/6 Unpacking %(count)d files…") % {"count": manifest["parts"][FILES_PART]["files"]})
            unpacked = self.unpack(source / FILES_PART, media_root)

            self.stdout.write(
                _("4/6 Restoring the database with %(program)s (PostgreSQL %(version)s)…")
                % {"program": pg_restore.path, "version": pg_restore.version}
            )
            arguments = [
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}",
                str(source / DATABASE_PART),
            ]
            if key_export is None:
                run_client(pg_restore, arguments)
            else:
                run_client(pg_restore, ["--section=pre-data", "--section=data", *arguments])
                self.restore_keys(key_export)
                run_client(pg_restore, ["--section=post-data", *arguments])
            self.stdout.write(_("5/6 Moving the files into %(media)s…") % {"media": media_root})
            self.move_into(unpacked, media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if unpacked is not None:
                remove_tree(unpacked)

        migrated = self.migrate_if_needed()
        forget_cached_keys()
        erased, refused = blank_shredded()
        if erased:
            self.stdout.write(
                _(
                    "%(count)d reports or cases were erased after this backup was made (their keys are "
                    "shredded in the export): their values are blanked here too."
                )
                % {"count": erased}
            )
        if refused:
            self.stderr.write(
                _(
                    "%(count)d cases erased after this backup are under a legal hold in it and were not "
                    "blanked; their keys are shredded, so their values cannot be read. Release the hold "
                    "and run `manage.py retention`."
                )
                % {"count": refused}
            )
        unreadable = self.sample_decrypts()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(created_at)s: %(tables)d tables, %(files)d files; "
                    "%(migrations)d migrations applied after it."
                )
                % {
                    "created_at": manifest["created_at"],
                    "tables": len(connections[DEFAULT_DB_ALIAS].introspection.table_names()),
                    "files": manifest["parts"][FILES_PART]["files"],
                    "migrations": migrated,
                }
            )
        )
        if unreadable:
            for problem in unreadable:
                self.stderr.write(problem)
            raise CommandError(
                _(
                    "The data was restored but the keys configured here do not open it. Set %(keys)s "
                    "to the values of the installation the backup came from."
                )
                % {"keys": ", ".join(KEYS_KEPT_APART)}
            )

    def restore_keys(self, export: dict) -> None:
        count = insert_data_keys(export)
        self.stdout.write(
            _("    %(count)d data keys from the export of %(created_at)s.")
            % {"count": count, "created_at": export["created_at"]}
        )
        missing = owners_without_keys()
        if missing:
            raise BackupError(
                _(
                    "The key export lacks the keys of %(count)d reports or cases of this backup: it is "
                    "older than the backup. Drop and create the database, empty MEDIA_ROOT, and restore "
                    "again with a key export taken after the backup."
                )
                % {"count": missing}
            )

    def refuse_newer_backup(self, manifest: dict) -> None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        unknown = sorted(
            f"{app}.{name}"
            for app, name in manifest.get("migrations", {}).items()
            if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
        )
        if unknown:
            raise BackupError(
                _(
                    "This backup was made by newer code (migrations %(names)s are unknown here). "
                    "Restore it with that version of the application or a later one."
                )
                % {"names": ", ".join(unknown)}
            )

    def refuse_non_empty(self, media_root: Path) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        tables = connection.introspection.table_names()
        if tables:
            raise BackupError(
                _(
                    "The database %(name)s is not empty (%(count)d tables, e.g. %(example)s). Restore only "
                    "into an empty database: create a new one, or drop and create this one, then run again. "
                    "Nothing was changed."
                )
                % {"name": connection.settings_dict["NAME"], "count": len(tables), "example": tables[0]}
            )
        if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
            raise BackupError(
                _("%(media)s (MEDIA_ROOT) is not empty. Restore only into an empty folder. Nothing was changed.")
                % {"media": media_root}
            )

    def unpack(self, archive: Path, media_root: Path) -> Path:
        """Unpack next to MEDIA_ROOT, on the same file system, so that moving in is a rename."""
        media_root.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
        try:
            with tarfile.open(archive, mode="r:gz") as tar:
                tar.extractall(folder, filter="data")
        except (OSError, tarfile.TarError) as exc:
            remove_tree(folder)
            raise BackupError(_("Cannot unpack %(archive)s: %(error)s") % {"archive": archive, "error": exc}) from exc
        return folder

    def move_into(self, unpacked: Path, media_root: Path) -> None:
        media_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for entry in sorted(unpacked.iterdir()):
            shutil.move(str(entry), str(media_root / entry.name))

    def migrate_if_needed(self) -> int:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            self.stdout.write(_("6/6 The database is at this code's migrations; nothing to migrate."))
            return 0
        self.stdout.write(
            _("6/6 This code is newer than the backup; applying %(count)d migrations:") % {"count": len(plan)}
        )
        for migration, _backwards in plan:
            self.stdout.write(f"    {migration.app_label}.{migration.name}")
        call_command("migrate", interactive=False, verbosity=0)
        return len(plan)

    def sample_decrypts(self) -> list[str]:
        """Open the first encrypted value of every encrypted column and the first file of every
        file column; return what could not be opened."""
        problems = []
        connection = connections[DEFAULT_DB_ALIAS]
        existing = set(connection.introspection.table_names())
        for model in encrypted_models():
            if model._meta.db_table not in existing:  # an app whose migrations are not written yet
                continue
            quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
            for field in model._meta.local_concrete_fields:
                if not isinstance(field, EncryptedTextField | EncryptedFileNameField):
                    continue
                column = quote(field.column)
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' LIMIT 20")  # noqa: S608
                    rows = cursor.fetchall()
                label = f"{model._meta.label}.{field.name}"
                for (value,) in rows:  # the first that is not erased on purpose
                    try:
                        if isinstance(field, EncryptedTextField):
                            decrypt_text(value)
                        else:
                            read_decrypted(value)
                    except ShreddedError:
                        continue
                    except UndecryptableError:
                        problems.append(_("%(field)s: no key opens it.") % {"field": label})
                    except FileNotFoundError:
                        problems.append(_("%(field)s: the file %(name)s is missing.") % {"field": label, "name": value})
                    break
        return problems
