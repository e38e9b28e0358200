import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.db import statement_timeout_lift
from devdata import volume


class Command(BaseCommand):
    help = (
        "Fill the database with fictional volume data for benchmarks: reports, cases with "
        "children, services and follow-ups, outreach sessions. Encrypted fields hold real ciphertext."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=0, help="How many reports.")
        parser.add_argument("--cases", type=int, default=0, help="How many of those reports become a case.")
        parser.add_argument("--sessions", type=int, default=0, help="How many outreach sessions.")
        parser.add_argument(
            "--due", type=int, default=0, help="How many new reports wait for one escalation by the alert sweep."
        )
        parser.add_argument("--codes-out", help="Write up to 10,000 receipt codes of generated reports to this file.")
        parser.add_argument("--reset", action="store_true", help="Delete previously generated volume data first.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed (reproducible data).")
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG=false.")

    def handle(self, *args, reports, cases, sessions, due, codes_out, reset, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to fill a database with fictional data with DJANGO_DEBUG=false; use --force.")
        if min(reports, cases, sessions, due) < 0:
            raise CommandError("Counts cannot be negative.")
        if due + cases > reports:
            raise CommandError("--due plus --cases cannot exceed --reports.")
        started = time.monotonic()
        statement_timeout_lift()
        if reset:
            self.stdout.write("Deleting previously generated volume data ...")
            volume.delete_volume_data(log=self.stdout.write)
        if not (reports or sessions):
            return
        if seed is None:
            seed = int(time.time())
        self.stdout.write(f"Seed {seed}")
        rts = volume.ensure_rts()
        cast = volume.ensure_staff(volume.STAFF_PASSWORD)
        if rts or cast.created:
            self.stdout.write(
                f"Created {rts} RTs and {cast.created} staff/volunteer accounts "
                f"({volume.USERNAME_PREFIX}*, password {volume.STAFF_PASSWORD})."
            )
        generator = volume.VolumeGenerator(
            volume.Options(reports=reports, cases=cases, sessions=sessions, due=due, seed=seed, codes_out=codes_out),
            cast,
            log=self.stdout.write,
        )
        totals = generator.run()
        elapsed = time.monotonic() - started
        for label, count in totals.rows.items():
            self.stdout.write(f"  {label:<28} {count:>12,}")
        self.stdout.write(
            f"Done: {totals.all:,} rows in {elapsed:.1f}s ({totals.all / elapsed:,.0f} rows/s); "
            f"{len(generator.tokens.tokens):,} distinct encrypted texts."
        )
        if codes_out:
            self.stdout.write(f"{len(generator.codes):,} receipt codes written to {codes_out}.")
