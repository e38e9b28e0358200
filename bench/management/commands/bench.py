"""Helpers the harness (bench/run.py) calls in the server's own settings: prepare staff
sessions, time one sweep tick, check the overload run's answers against the database."""

import json
import statistics
import time
from datetime import datetime

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from alerts.models import NotificationPreference
from cases.models import Case
from reports.models import Report
from reports.selectors import report_by_receipt_code


class Command(BaseCommand):
    help = "Benchmark helpers (bench/run.py): prepare, sweep, overload-check, sizes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prepare", "sweep", "overload-check", "sizes"])
        parser.add_argument("--out", default="")
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--codes", default="")
        parser.add_argument("--since", default="")
        parser.add_argument("--until", default="")

    def handle(self, *args, action, **options):
        result = getattr(self, action.replace("-", "_"))(**options)
        text = json.dumps(result, default=str)
        if options["out"]:
            with open(options["out"], "w") as out:
                out.write(text)
        self.stdout.write(text)

    # --- staff sessions and the objects the pages show -------------------------------------------

    def _staff(self, username, role, *, webhook=False, on_duty=False):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "is_active": True})
        user.role, user.is_active = role, True
        user.phone = user.phone or "+620000000000"
        user.set_unusable_password()
        user.save()
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"email": False, "webhook": webhook, "in_app": True, "on_duty": on_duty}
        )
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(24 * 3600)
        session.create()
        return user, session.session_key

    def prepare(self, **options):
        _, supervisor_session = self._staff("bench-supervisor", Role.SUPERVISOR)
        # The only officer on duty, and the only one whose chat gateway gets alerts: the
        # alert latency row waits for this officer's webhook.
        NotificationPreference.objects.filter(on_duty=True).exclude(user__username="bench-officer").update(
            on_duty=False
        )
        self._staff("bench-officer", Role.OFFICER, webhook=True, on_duty=True)
        case = Case.objects.order_by("-pk").first()
        return {
            "session": supervisor_session,
            "case_uuid": str(case.uuid) if case else None,
            "reports": Report.objects.count(),
            "cases": Case.objects.count(),
        }

    def sizes(self, **options):
        return {"reports": Report.objects.count(), "cases": Case.objects.count()}

    # --- one beat tick ------------------------------------------------------------------------------

    def sweep(self, *, runs, **options):
        """Time alerts.tasks.sweep (escalation, sending what is due) as one beat tick runs it,
        and then the hourly alerts.tasks.remind, inside a transaction that is rolled back so every
        run finds the same work."""
        from alerts.models import Alert
        from alerts.tasks import remind, sweep

        settings.ALERT_WEBHOOK_URLS = []  # nothing leaves the machine; a webhook fails fast
        timings, raised, reminders = [], [], []
        for _ in range(runs):
            with transaction.atomic():
                before = Alert.objects.count()
                started = time.perf_counter()
                sweep()
                timings.append(time.perf_counter() - started)
                raised.append(Alert.objects.count() - before)
                started = time.perf_counter()
                remind()
                reminders.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        return {
            "seconds": timings,
            "median_seconds": statistics.median(timings),
            "alerts_raised": raised,
            "reminder_seconds": reminders,
        }

    # --- overload: every 201 has its row, every row had its 201 -------------------------------------------

    def overload_check(self, *, codes, since, until, **options):
        with open(codes) as lines:
            received = [line.strip() for line in lines if line.strip()]
        missing = [code for code in received if report_by_receipt_code(code) is None]
        window = Report.objects.filter(
            received_at__gte=datetime.fromisoformat(since), received_at__lte=datetime.fromisoformat(until)
        )
        rows = window.count()
        return {
            "answered_201": len(received),
            "distinct_codes": len(set(received)),
            "codes_without_row": len(missing),
            "rows_in_window": rows,
            "rows_without_201": max(0, rows - len(set(received) - set(missing))),
        }
