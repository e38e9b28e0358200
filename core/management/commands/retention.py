"""Apply the retention schedule now (core.retention.run), or with --dry-run say what would go."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.retention import run


class Command(BaseCommand):
    help = "Apply the retention schedule: erase what its rules say must go. --dry-run only lists it, and why."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be erased and why; change nothing.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the output (default: the site's).",
        )

    def handle(self, *args, dry_run, language, **options):
        with translation.override(language):
            failed = self._run(dry_run=dry_run)
        if failed:
            raise CommandError(_("%(count)d rule(s) failed; see above and the log.") % {"count": failed})

    def _run(self, *, dry_run: bool) -> int:
        now = timezone.now()
        if dry_run:
            self.stdout.write(_("Dry run: nothing is changed."))

        def progress(eraser, done, total):
            self.stdout.write(
                _("… %(rule)s: %(done)d of %(total)d") % {"rule": eraser.name, "done": done, "total": total}
            )

        outcomes = run(now=now, dry_run=dry_run, progress=progress)
        total = failed = 0
        for outcome in outcomes:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(f"{outcome.eraser.name}: {outcome.eraser.describe()}"))
            listed = outcome.due if dry_run else outcome.erased
            for item in listed:
                self.stdout.write(f"  {item.reference}: {item.reason}")
            if outcome.error:
                failed += 1
                self.stderr.write(self.style.ERROR(_("  failed: %(error)s") % {"error": outcome.error}))
            if dry_run:
                line = _("  %(count)d would be erased.") % {"count": len(listed)}
            else:
                line = _("  %(count)d erased.") % {"count": len(listed)}
            self.stdout.write(line)
            total += len(listed)
        self.stdout.write("")
        if dry_run:
            self.stdout.write(_("Total: %(count)d would be erased.") % {"count": total})
        else:
            self.stdout.write(self.style.SUCCESS(_("Total: %(count)d erased.") % {"count": total}))
        return failed
