"""The reporter's WhatsApp number after a whole exchange (a conversation posted as signed webhooks,
the receipt, the officer's replies, status updates, a failed message and its alert): absent from
every database column (its only copy is Contact.phone's ciphertext), from every log record at
DEBUG (ours, httpx, httpcore, pywa, celery), from alerts and what they send, from the exports and
from the head's pages. Officers who see identities read it on the triage page; the head and
volunteers never."""

import base64
import binascii
import io
import logging
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.content import alert_content
from alerts.models import Alert, AlertKind, Delivery, NotificationPreference
from alerts.services import delivery_send, due_deliveries
from areas.models import Kelurahan
from reports.choices import Channel
from reports.models import Report
from reports.services import report_message_add
from tests.conftest import login_as
from tests.whatsapp.inbound_support import NUMBER, envelope, post, process_all, say, status, text
from triage.services import report_accept
from whatsapp.models import Contact, Outbound, OutboundStatus
from whatsapp.outbound_tasks import sweep_outbound

pytestmark = pytest.mark.django_db

# The number in every form a person or a program might write it: 6281298765432, +62 812…,
# 0812…, with spaces or dashes. The eleven digits after "62" are in all of the plain ones.
LOCAL = NUMBER[2:]  # 81298765432
FORMS = (
    LOCAL,
    f"{LOCAL[:3]} {LOCAL[3:7]} {LOCAL[7:]}",
    f"{LOCAL[:3]}-{LOCAL[3:7]}-{LOCAL[7:]}",
    f"{LOCAL[:3]}{LOCAL[3:7]} {LOCAL[7:]}",
)
WAMID = re.compile(r"wamid\.([A-Za-z0-9+/_=-]{8,})")
LOGGERS = ("", "httpx", "httpcore", "pywa", "pywa.api", "pywa.client", "celery", "whatsapp", "django", "alerts")
STORY = "Anak tetangga sebelah sering dipukul ayahnya kalau malam, saya dengar dia menangis."


def leaks(text: str) -> list[str]:
    """The forms of the number in `text`, also inside a WhatsApp message id (base64 of a record
    that holds the recipient's number)."""
    found = [form for form in FORMS if form in text]
    for encoded in WAMID.findall(text):
        try:
            decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")
        except (binascii.Error, ValueError):
            continue
        if LOCAL.encode() in decoded:
            found.append(f"wamid.{encoded}")
    return found


def database_leaks() -> list[str]:
    """Every text, varchar and json column of every table, read raw."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        assert len(columns) > 100, "the scan reads the whole schema"
        found = []
        quote = connection.ops.quote_name
        for table, column in columns:
            cursor.execute(f"SELECT {quote(column)}::text FROM {quote(table)} WHERE {quote(column)} IS NOT NULL")  # noqa: S608
            for (value,) in cursor.fetchall():
                if hits := leaks(value):
                    found.append(f"{table}.{column}: {hits}")
        return found


def body_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheets = load_workbook(io.BytesIO(response.content)).worksheets
        return "\n".join(str(cell.value) for sheet in sheets for row in sheet.iter_rows() for cell in row)
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_the_test_finds_the_number_in_each_form():
    wamid = "wamid.HBgNNjI4MTI5ODc2NTQzMhUCABIYFjNFQjA"  # as Meta sends them: base64 holding the number
    assert leaks(wamid) and leaks(f"+{NUMBER}") and leaks(f"0{LOCAL}") and leaks("0812-9876-5432")
    assert not leaks("wamid.fake0123456789abcdef") and not leaks("6281200000000")


def test_a_whole_exchange_leaves_the_number_only_in_the_contacts_ciphertext(
    client, graph, caplog, settings, mailoutbox, officer, supervisor, head, volunteer
):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    NotificationPreference.objects.create(user=officer, on_duty=True, in_app=True, email=True)
    officer.email = "petugas@example.org"
    officer.save()

    # The conversation, as signed webhooks, each processed as the worker would; what it queued is sent.
    say(client, text("halo"), text("ya"), text(STORY), text("tidak tahu"), text("9"), text("ya"))
    report = Report.objects.get(channel=Channel.WHATSAPP)
    sweep_outbound()
    # The officer answers inside the window (text), the reporter writes back, the statuses come in.
    report_message_add(report=report, body="Terima kasih. Petugas kami akan menghubungi kamu.", acting_user=officer)
    sweep_outbound()
    say(client, text("Baik kak, terima kasih"))
    last = graph.message_ids[-1]
    assert post(client, envelope(statuses=[status(last, "delivered"), status(last, "read")])).status_code == 200
    process_all()
    # A message that cannot be delivered: failed, and the officer is told.
    graph.fail_next(400)
    report_message_add(report=report, body="Apakah kamu aman sekarang?", acting_user=officer)
    sweep_outbound()
    case = report_accept(report=report, acting_user=officer, kelurahan=Kelurahan.objects.first())
    for delivery_id in due_deliveries(now=timezone.now()):
        delivery_send(delivery_id=delivery_id)

    # It happened: messages went to the number, one failed and staff were told.
    assert graph.sent and all(message["to"] == NUMBER for message in graph.sent)
    assert Outbound.objects.filter(status=OutboundStatus.FAILED).count() == 1
    assert Outbound.objects.filter(status=OutboundStatus.READ).count() == 1
    failed = Alert.objects.get(kind=AlertKind.WHATSAPP_FAILED)
    assert Delivery.objects.filter(alert=failed).exists()
    (contact,) = Contact.objects.all()
    assert contact.phone == NUMBER  # the one copy, decrypted through the model

    # Nowhere in the database, raw.
    assert database_leaks() == []
    # Nowhere in the logs, at DEBUG for every logger.
    assert caplog.records, "logging was captured"
    logged = "\n".join(f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert leaks(logged) == [], logged[-2000:]
    assert leaks(caplog.text) == []
    # Nowhere in what alerts say, nor in the emails they sent.
    for alert in Alert.objects.all():
        for recipient in (officer, supervisor, head):
            assert leaks(str(alert_content(alert, recipient=recipient).as_payload())) == []
    assert mailoutbox, "the alerts' emails were sent"
    assert all(leaks(f"{mail.subject}\n{mail.body}") == [] for mail in mailoutbox)

    # The officer, who sees identities, reads it on the triage page; the head and volunteers never.
    page = login_as(client, officer).get(reverse("triage:report", args=[report.uuid]))
    assert page.status_code == 200 and f"+{NUMBER}" in page.content.decode()

    login_as(client, supervisor)
    download = reverse("dashboard_export:download")
    for query in ("kind=cases&include_identities=on", "kind=cases", "kind=simfoni"):
        for file_format in ("csv", "xlsx"):
            response = client.get(f"{download}?{query}&format={file_format}")
            assert response.status_code == 200, (query, file_format)
            assert leaks(body_of(response)) == [], (query, file_format)

    login_as(client, head)
    refused = client.get(reverse("triage:report", args=[report.uuid]))
    assert refused.status_code in (403, 404) and not leaks(refused.content.decode())
    for url in (
        reverse("dashboard_staff:index"),
        reverse("dashboard_staff:kla"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.uuid]),
        reverse("alerts:inbox"),
        reverse("alerts:overdue"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(body_of(response)) == [], url

    login_as(client, volunteer)
    refused = client.get(reverse("triage:report", args=[report.uuid]))
    assert refused.status_code in (403, 404) and not leaks(refused.content.decode())
