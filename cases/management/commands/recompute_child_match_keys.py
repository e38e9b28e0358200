from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.services import child_match_keys_recompute


class Command(BaseCommand):
    help = (
        "Recompute every child's match key under CHILD_MATCH_SECRET. Run it after changing that "
        "secret; safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Children per transaction (default 500).")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))

        def progress(done, total):
            self.stdout.write(_("%(done)d of %(total)d children checked") % {"done": done, "total": total})

        children, changed = child_match_keys_recompute(acting_user=None, batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                _("Done: %(children)d children checked, %(changed)d match keys recomputed.")
                % {"children": children, "changed": changed}
            )
        )
