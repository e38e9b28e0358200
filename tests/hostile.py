"""Shared pieces of the hostile-input tests (tests/test_hostile_*.py).

`footprint()` is everything a refused submission must not leave behind: rows of every model a
public surface writes, and the files under MEDIA_ROOT. A test takes it before and after.
"""

from pathlib import Path

from django.conf import settings

from alerts.models import Alert, Delivery
from core.models import AuditEvent
from outreach.models import ChildCareGroup, ForumAnakActivity, OutreachPhoto, OutreachSession
from reports.models import Report, ReportAttachment, ReportMessage, ReportViolenceType

SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(document.cookie)"
TEMPLATE = "{{ request.user.password }}{% debug %}"
# Each payload, and what must never reach a page or a mail raw: the markup that would run. Template
# syntax is harmless as text; that it is shown as typed proves it was never rendered.
HTML_PAYLOADS = {
    "script": (SCRIPT, "<script>alert(1)"),
    "img-onerror": (IMG_ONERROR, "<img src=x onerror"),
    "javascript-url": (JS_URL, 'href="javascript:'),
    "template-syntax": (TEMPLATE, None),
}

# Unicode that is valid text and must come back exactly as it went in.
RTL_OVERRIDE = "Anak dipukul \u202egnalam\u202c setiap malam oleh tetangga"
ZERO_WIDTH = "Anak\u200d\u200b\u2060 dipukul setiap malam, kata teman\ufeff sekelas"
COMBINING_FLOOD = "Anak dipukul setiap malam " + "a" + "\u0301" * 4000
EMOJI = "Anak 👧🏽 dipukul 👨‍👩‍👧 setiap malam, dia menangis 😢🆘"
NFD_TEXT = "Anak di Kafe\u0301 dipukul setiap malam oleh pemiliknya"  # "Kafé" decomposed
NFC_TEXT = "Anak di Kaf\u00e9 dipukul setiap malam oleh pemiliknya"
VALID_UNICODE = {
    "rtl-override": RTL_OVERRIDE,
    "zero-width": ZERO_WIDTH,
    "combining-flood": COMBINING_FLOOD,
    "emoji": EMOJI,
    "nfd": NFD_TEXT,
    "nfc": NFC_TEXT,
}

MEGABYTE_TEXT = "x" * 1_000_000
TEN_THOUSAND = "y" * 10_000


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def footprint() -> dict:
    """What a public surface can write: compare before and after a refused submission."""
    return {
        "reports": Report.objects.count(),
        "violence_types": ReportViolenceType.objects.count(),
        "messages": ReportMessage.objects.count(),
        "attachments": ReportAttachment.objects.count(),
        "sessions": OutreachSession.objects.count(),
        "photos": OutreachPhoto.objects.count(),
        "groups": ChildCareGroup.objects.count(),
        "forum_activities": ForumAnakActivity.objects.count(),
        "alerts": Alert.objects.count(),
        "deliveries": Delivery.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "files": media_files(),
    }


def api_error(response, field: str) -> list[dict]:
    """The API's one error shape, {field: [{"message", "code"}, ...]}: the errors of `field`."""
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert field in body, body
    errors = body[field]
    assert isinstance(errors, list) and errors, body
    for error in errors:
        assert set(error) == {"message", "code"}, body
        assert error["message"] and error["code"], body
    return errors


def api_report(**overrides) -> dict:
    """A report for /api/v1/reports/; an override of ... leaves the field out."""
    payload = {
        "narrative": "Anak tetangga dipukul setiap malam, terdengar menangis.",
        "violence_types": ["fisik"],
        "danger_now": "no",
        "injured": "unknown",
        "kelurahan": "Gunung Samarinda",
        "reporter_relation": "neighbour",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}
