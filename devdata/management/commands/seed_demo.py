from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import user_create
from alerts.models import NotificationPreference
from areas.models import RT, Kelurahan
from areas.services import rt_bulk_import
from cases.demo import seed_demo_referrals
from devdata.retention_demo import seed_demo_retention
from outreach.demo import seed_demo_outreach
from reports.demo import seed_demo_reports
from triage.demo import seed_demo_cases, seed_demo_intake

DEMO_PASSWORD = "Demo-KLA-2026"  # noqa: S105 - printed on purpose; seed_demo refuses to run in production

# RTs in a few kelurahan that the article's figures put high on the list (Utara, Selatan).
DEMO_RTS = {
    "Gunung Samarinda": range(1, 11),
    "Muara Rapak": range(1, 9),
    "Sepinggan": range(1, 9),
    "Klandasan Ilir": range(1, 6),
    "Manggar": range(1, 6),
}

DEMO_ACCOUNTS = [
    # username, role, first name, last name, RTs (kelurahan, numbers)
    ("relawan", Role.VOLUNTEER, "Sari", "Relawan", ("Gunung Samarinda", (1, 2, 3))),
    ("relawan2", Role.VOLUNTEER, "Budi", "Kader", ("Sepinggan", (1, 2))),
    ("petugas", Role.OFFICER, "Rina", "Petugas", None),
    ("petugas2", Role.OFFICER, "Andi", "Konselor", None),
    ("koordinator", Role.SUPERVISOR, "Dewi", "Koordinator", None),
    ("kepala", Role.HEAD, "Hadi", "Kepala Dinas", None),
    ("admin", Role.ADMIN, "Tim", "TI", None),
]


class Command(BaseCommand):
    help = "Create demo RTs and one account per role (and, as the product grows, sample data). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG=false.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Refusing to create demo accounts with DJANGO_DEBUG=false. Use --force if you really mean it.")
            )
        with transaction.atomic():
            kelurahan = {k.name: k for k in Kelurahan.objects.filter(name__in=DEMO_RTS)}
            entries = {(kelurahan[name].pk, number) for name, numbers in DEMO_RTS.items() for number in numbers}
            created, existing = rt_bulk_import(entries=entries, acting_user=None, source="seed_demo")
            self.stdout.write(
                _("RTs: %(created)d created, %(existing)d already present.")
                % {"created": created, "existing": existing}
            )

            rows = []
            for username, role, first_name, last_name, rt_spec in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    rows.append((username, role, _("already present, unchanged")))
                    continue
                rts = []
                if rt_spec:
                    kelurahan_name, numbers = rt_spec
                    rts = list(RT.objects.filter(kelurahan__name=kelurahan_name, number__in=numbers))
                user_create(
                    username=username,
                    role=role,
                    password=DEMO_PASSWORD,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@demo.invalid",
                    rts=rts,
                    acting_user=None,
                )
                rows.append((username, role, _("created")))

            # The demo officer is on duty: new reports alert them (email file and in-app).
            NotificationPreference.objects.get_or_create(
                user=User.objects.get(username="petugas"), defaults={"on_duty": True}
            )

            kader, sessions = seed_demo_outreach(password=DEMO_PASSWORD)
            self.stdout.write(
                _("Outreach: %(kader)d kader accounts (kader01-kader34) and %(sessions)d sessions created.")
                % {"kader": kader, "sessions": sessions}
                if sessions
                else _("Outreach: already present, none added.")
            )

            reports = seed_demo_reports()
            self.stdout.write(
                _("Reports: %(count)d fictional reports created.") % {"count": reports}
                if reports
                else _("Reports: already present, none added.")
            )
            cases = seed_demo_cases()
            self.stdout.write(
                _("Cases: %(count)d fictional cases created, in every step.") % {"count": cases}
                if cases
                else _("Cases: already present, none added.")
            )
            # After the cases: the walk-in is accepted into a case of its own, the others wait.
            intake = seed_demo_intake()
            self.stdout.write(
                _("Staff intake: %(count)d fictional complaints recorded (walk-in, SAPA 129, police referral).")
                % {"count": intake}
                if intake
                else _("Staff intake: already present, none added.")
            )
            referrals = seed_demo_referrals()
            self.stdout.write(
                _("Referrals: %(count)d fictional referrals recorded, one still unanswered.") % {"count": referrals}
                if referrals
                else _("Referrals: already present, none added.")
            )
            # Last: old records for `manage.py retention --dry-run` (and one case it must leave alone).
            old = seed_demo_retention()
            self.stdout.write(
                _("Retention: %(count)d old fictional records created (see manage.py retention --dry-run).")
                % {"count": old}
                if old
                else _("Retention: old records already present, none added.")
            )

        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        for username, role, state in rows:
            self.stdout.write(f"  {username:<12} {Role(role).label:<24} {state}")
        if settings.STAFF_2FA_REQUIRED:
            self.stdout.write(
                _("Staff accounts set up two-step login (TOTP) at their first login: have an authenticator app ready.")
            )
        else:
            self.stdout.write(
                _("Two-step login (TOTP) is switched off for this demo: staff log in with the password alone.")
            )
