"""Old records for the demo, so `manage.py retention --dry-run` lists something under every rule
(core.retention): a rejected (spam) report of four months ago, a duplicate of thirteen months
ago, a case closed eleven years ago whose children are adults now, a session photo of three
years ago; and a case as old on legal hold, which the schedule must leave alone.

Each is made through the services as it would have been then, and then dated back (the dates
are the only columns changed directly: none of them is encrypted).
"""

import io
import random
from datetime import time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from areas.models import Kelurahan
from cases.legal_hold import case_legal_hold_place
from cases.models import Case
from cases.services import ChildInput, case_add_child
from core.retention import add_years
from outreach.models import OutreachPhoto, OutreachSession
from outreach.services import SessionInput, outreach_session_log
from reports.choices import Channel, RejectionReason
from reports.models import Report, ReportMessage
from reports.services import ReportInput, report_submit
from triage.demo import _walk
from triage.services import report_accept, report_mark_duplicate, report_reject

MARK = "[CONTOH FIKTIF, LAMA]"


def _report(kelurahan: Kelurahan, **fields) -> Report:
    data = {
        "narrative": f"{MARK} Laporan lama untuk contoh jadwal penyimpanan data.",
        "violence_types": ["psikis"],
        "danger_now": "no",
        "injured": "no",
        "kelurahan": kelurahan,
        "reporter_relation": "neighbour",
    }
    data.update(fields)
    return report_submit(data=ReportInput(**data), channel=Channel.WEB, acting_user=None).report


def _date_back(report: Report, when) -> None:
    Report.objects.filter(pk=report.pk).update(received_at=when, acknowledge_due_at=when + timedelta(hours=72))
    ReportMessage.objects.filter(report=report).update(created_at=when)


def _old_closed_case(kelurahan, *, officer, supervisor, now, rng) -> Case:
    """A case opened twelve years ago about a child of ten, closed eleven years ago; an older
    sibling with a date of birth. Both are adults now."""
    report = _report(
        kelurahan,
        child_name=f"{MARK} Anak",
        child_age=10,
        child_sex="P",
        violence_types=["fisik"],
        place="rumah_tangga",
    )
    case = report_accept(report=report, acting_user=officer)
    opened = add_years(now, -12)
    Case.objects.filter(pk=case.pk).update(opened_at=opened, occurred_on=timezone.localdate(opened))
    _date_back(report, opened)
    case.refresh_from_db()
    case_add_child(
        case=case,
        data=ChildInput(name=f"{MARK} Kakak", birth_date=add_years(timezone.localdate(now), -25), sex="L"),
        acting_user=officer,
    )
    case = _walk(case, "closed", officer=officer, supervisor=supervisor, rng=rng)
    Case.objects.filter(pk=case.pk).update(closed_at=add_years(now, -11))
    case.refresh_from_db()
    return case


def _demo_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("foto-sosialisasi.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_demo_retention(*, seed: int = 2026) -> int:
    """Create the old records, unless they exist; returns how many (0: already there)."""
    now = timezone.now()
    if Report.objects.filter(received_at__lt=now - timedelta(days=60)).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, reproducible on purpose
    officer = User.objects.get(username="petugas")
    supervisor = User.objects.get(username="koordinator")
    volunteer = User.objects.get(username="relawan")
    kelurahan = Kelurahan.objects.get(name="Gunung Samarinda")

    spam = _report(kelurahan, narrative=f"{MARK} Promo pulsa murah, hubungi nomor ini sekarang juga.")
    report_reject(report=spam, reason=RejectionReason.SPAM, acting_user=officer)
    _date_back(spam, now - timedelta(days=120))

    original = Report.objects.filter(case_link__isnull=False).order_by("pk").first()
    duplicate = _report(kelurahan, narrative=f"{MARK} Laporan yang sama dikirim dua kali oleh tetangga.")
    report_mark_duplicate(report=duplicate, of_report=original, acting_user=officer)
    _date_back(duplicate, add_years(now, -1) - timedelta(days=30))

    _old_closed_case(kelurahan, officer=officer, supervisor=supervisor, now=now, rng=rng)
    held = _old_closed_case(kelurahan, officer=officer, supervisor=supervisor, now=now, rng=rng)
    case_legal_hold_place(
        case=held,
        reason=f"{MARK} Permintaan penyidik: berkas masih diperlukan untuk perkara lain.",
        expected_version=held.version,
        acting_user=supervisor,
    )

    session = outreach_session_log(
        data=SessionInput(
            rt=volunteer.rts.order_by("number").first(),
            held_on=timezone.localdate(now) - timedelta(days=1),
            start_time=time(8, 0),
            duration_minutes=60,
            topics=["hak_anak"],
            facilitators=f"{MARK} Ibu Kader",
            boys=5,
            girls=6,
            men=2,
            women=4,
        ),
        photos=[_demo_photo()],
        acting_user=volunteer,
    )
    three_years_ago = add_years(now, -3)
    OutreachSession.objects.filter(pk=session.pk).update(held_on=timezone.localdate(three_years_ago))
    OutreachPhoto.objects.filter(session=session).update(created_at=three_years_ago)
    return 5
