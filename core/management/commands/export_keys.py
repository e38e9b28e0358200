"""Export the data keys of reports and cases (core.datakeys) into a new file in DEST_DIR.

    manage.py export_keys /path/to/keys      → /path/to/keys/kla-keys-20261203-174501.json

The keys stay wrapped by FIELD_ENCRYPTION_KEYS; a shredded key is exported as shredded. `backup
--keys-to` writes the same file right after its dump. Keep these files apart from the backups and
only for a short time (the README's operations section): a key export taken before an erasure,
together with a backup, brings the erased record back.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.backup import BackupError, write_key_export


class Command(BaseCommand):
    help = "Export the data keys of reports and cases, still wrapped, into a new file in DEST_DIR."

    def add_arguments(self, parser):
        parser.add_argument("dest_dir", help="Folder for the export, apart from the backups.")

    def handle(self, *args, dest_dir, **options):
        try:
            path, count = write_key_export(Path(dest_dir).resolve(), created_at=timezone.now())
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        message = _("Exported %(count)d data keys to %(path)s.") % {"count": count, "path": path}
        self.stdout.write(self.style.SUCCESS(message))
