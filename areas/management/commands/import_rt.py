from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.rt_csv import parse_rt_csv
from areas.services import rt_bulk_import

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = "Import RTs from a CSV file (columns kecamatan, kelurahan, rt); nothing is imported if a line is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, comma or semicolon separated)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("The file is not UTF-8 text (byte %(position)d). Save it as CSV UTF-8.") % {"position": exc.start}
            ) from exc
        lines = text.splitlines()
        total = len(lines)

        def progress(line_number):
            if line_number % PROGRESS_EVERY == 0:
                self.stderr.write(_("Checking line %(line)d of %(total)d…") % {"line": line_number, "total": total})

        result = parse_rt_csv(lines, progress=progress)
        if result.errors:
            for line_number, reason in result.errors:
                self.stderr.write(_("line %(line)d: %(reason)s") % {"line": line_number, "reason": reason})
            raise CommandError(
                _("%(count)d line(s) have errors; nothing was imported. Fix them and run the command again.")
                % {"count": len(result.errors)}
            )
        if not result.entries:
            raise CommandError(_("The file has no RT lines; nothing was imported."))
        created, existing = rt_bulk_import(entries=result.entries, acting_user=None, source=path.name)
        self.stdout.write(
            self.style.SUCCESS(
                _("Done: %(created)d RT(s) created, %(existing)d already present.")
                % {"created": created, "existing": existing}
            )
        )
