"""Re-encrypt every encrypted column and file under the newest key in FIELD_ENCRYPTION_KEYS.

To rotate: put the new key first in FIELD_ENCRYPTION_KEYS, keeping the old ones after it;
deploy; run this command; only then drop the old keys. Each table is walked in primary-key
order, one transaction per batch, and whatever is already under the newest key is skipped, so
after an interruption a re-run does only the rest.

Tokens are read and written as raw column values. Going through the fields would decrypt and
re-encrypt every value, and writing a token through EncryptedTextField would encrypt it again.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _

from core.crypto import UndecryptableError, is_under_newest_key, rotate_token
from core.encrypted_files import rotate_file
from core.fields import EncryptedFileNameField, EncryptedTextField, encrypted_fields


def encrypted_models() -> list[type[models.Model]]:
    """Every concrete model with an encrypted column in its own table (a proxy shares its parent's)."""
    return [model for model in apps.get_models() if model._meta.concrete_model is model and encrypted_fields(model)]


def _token_columns(model: type[models.Model]) -> list[str]:
    return [field.column for field in encrypted_fields(model, EncryptedTextField)]


def _file_columns(model: type[models.Model]) -> list[str]:
    return [field.column for field in encrypted_fields(model, EncryptedFileNameField)]


@dataclass
class Tally:
    rows: int = 0
    values: int = 0
    files: int = 0
    missing_files: int = 0

    def add(self, other: "Tally") -> None:
        self.rows += other.rows
        self.values += other.values
        self.files += other.files
        self.missing_files += other.missing_files


class _RawTable:
    """Raw SQL on one model's table, bypassing the fields' encryption.

    Table and column names come from the model's meta and are quoted; every value is a parameter.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        quote = self.connection.ops.quote_name
        self.token_columns, self.file_columns = _token_columns(model), _file_columns(model)
        self._table, self._pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        self._selected = ", ".join(
            quote(column) for column in [model._meta.pk.column, *self.token_columns, *self.file_columns]
        )

    def batch_after(self, last_pk, *, size: int) -> list[tuple[object, dict[str, str | None], dict[str, str | None]]]:
        """Up to `size` rows after `last_pk` (None: from the start) in primary-key order, as (pk, tokens, names)."""
        select, order = f"SELECT {self._selected} FROM {self._table}", f"ORDER BY {self._pk} LIMIT %s"  # noqa: S608
        with self.connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(f"{select} {order}", [size])
            else:
                cursor.execute(f"{select} WHERE {self._pk} > %s {order}", [last_pk, size])
            rows = cursor.fetchall()
        split = len(self.token_columns)
        return [
            (
                pk,
                dict(zip(self.token_columns, values[:split], strict=True)),
                dict(zip(self.file_columns, values[split:], strict=True)),
            )
            for pk, *values in rows
        ]

    def replace_tokens(self, pk, *, old: dict[str, str], new: dict[str, str]) -> bool:
        """Write `new` only if the row still holds `old`: a value saved meanwhile is already under
        the newest key and must not be overwritten with an older one. Returns whether it wrote."""
        quote = self.connection.ops.quote_name
        assignments = ", ".join(f"{quote(column)} = %s" for column in new)
        unchanged = " AND ".join(f"{quote(column)} = %s" for column in old)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._table} SET {assignments} WHERE {self._pk} = %s AND {unchanged}",  # noqa: S608
                [*new.values(), pk, *old.values()],
            )
            return cursor.rowcount == 1


class Command(BaseCommand):
    help = (
        "Re-encrypt encrypted columns and files under the newest key of FIELD_ENCRYPTION_KEYS. "
        "Skips what is already under it, so it is safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted; change nothing.")

    def handle(self, *args, batch_size, dry_run, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        total = Tally()
        models_to_rotate = encrypted_models()
        for model in models_to_rotate:
            total.add(self.rotate_model(model, batch_size=batch_size, dry_run=dry_run))

        counts = {
            "models": len(models_to_rotate),
            "rows": total.rows,
            "values": total.values,
            "files": total.files,
        }
        if dry_run:
            summary = _(
                "Dry run, nothing changed: %(rows)d rows checked in %(models)d models; "
                "%(values)d values and %(files)d files would be re-encrypted."
            )
        else:
            summary = _(
                "Done: %(rows)d rows checked in %(models)d models; %(values)d values and %(files)d files re-encrypted."
            )
        self.stdout.write(summary % counts)
        if total.missing_files:
            self.stderr.write(
                _("%(count)d referenced files are missing (listed above).") % {"count": total.missing_files}
            )

    def rotate_model(self, model: type[models.Model], *, batch_size: int, dry_run: bool) -> Tally:
        table = _RawTable(model)
        tally = Tally()
        last_pk = None
        while True:
            with transaction.atomic(using=table.connection.alias):
                rows = table.batch_after(last_pk, size=batch_size)
                for pk, tokens, names in rows:
                    tally.values += self.rotate_row_tokens(table, pk, tokens, dry_run=dry_run)
                    files, missing = self.rotate_row_files(model, pk, names, dry_run=dry_run)
                    tally.files += files
                    tally.missing_files += missing
            tally.rows += len(rows)
            if rows or tally.rows == 0:
                self.stdout.write(self.progress(model, tally, dry_run=dry_run))
            if len(rows) < batch_size:
                return tally
            last_pk = rows[-1][0]

    def rotate_row_tokens(self, table: _RawTable, pk, tokens: dict[str, str | None], *, dry_run: bool) -> int:
        """Re-encrypt one row's tokens that are not under the newest key; return how many."""
        rotated = {}
        for column, token in tokens.items():
            if not token:  # "" and NULL are stored unencrypted
                continue
            try:
                if not is_under_newest_key(token.encode()):
                    rotated[column] = rotate_token(token.encode()).decode("ascii")
            except UndecryptableError:
                raise self.undecryptable(table.model, pk, column) from None
        if not rotated or dry_run:
            return len(rotated)
        replaced = table.replace_tokens(pk, old={column: tokens[column] for column in rotated}, new=rotated)
        return len(rotated) if replaced else 0

    def rotate_row_files(self, model, pk, names: dict[str, str | None], *, dry_run: bool) -> tuple[int, int]:
        """Re-encrypt one row's files not under the newest key; return how many, and how many are missing."""
        rotated = missing = 0
        for column, name in names.items():
            if not name:
                continue
            try:
                rotated += rotate_file(name, dry_run=dry_run)
            except UndecryptableError:
                raise self.undecryptable(model, pk, column) from None
            except FileNotFoundError:
                missing += 1
                self.stderr.write(
                    _("%(model)s pk=%(pk)s, column %(column)s: the file is missing.")
                    % {"model": model._meta.label, "pk": pk, "column": column}
                )
        return rotated, missing

    def progress(self, model, tally: Tally, *, dry_run: bool) -> str:
        counts = {"model": model._meta.label, "rows": tally.rows, "values": tally.values, "files": tally.files}
        if dry_run:
            return (
                _("%(model)s: %(rows)d rows checked, %(values)d values and %(files)d files would be re-encrypted")
                % counts
            )
        return _("%(model)s: %(rows)d rows checked, %(values)d values and %(files)d files re-encrypted") % counts

    def undecryptable(self, model, pk, column: str) -> CommandError:
        return CommandError(
            _(
                "%(model)s pk=%(pk)s, column %(column)s: no key in FIELD_ENCRYPTION_KEYS can decrypt it. "
                "Put the key that encrypted it back in the list, after the newest, and run again."
            )
            % {"model": model._meta.label, "pk": pk, "column": column}
        )
