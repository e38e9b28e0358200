"""Processing stored messages (whatsapp.inbound, whatsapp.tasks): exactly once whatever Meta
retries and however many workers race, replies after filing land in the report's thread as the
reporter's (with the same alert as a web reply), and a failure is kept and retried, never lost."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alerts.models import Alert, AlertKind
from core.encrypted_files import read_decrypted
from reports.choices import MESSAGE_MAX_LENGTH, AuthorKind
from reports.models import Report, ReportMessage
from tests.whatsapp.inbound_support import (
    envelope,
    image,
    jpeg_with_location,
    post,
    process_all,
    say,
    text,
)
from whatsapp import tasks
from whatsapp.inbound import due_inbound, inbound_degradation, inbound_process, inbound_sweep, retry_delay
from whatsapp.models import Contact, Conversation, Inbound, Outbound

STORY = "Teman sekelas saya sering dipukul kakaknya di rumah."
CONVERSATION = ("halo", "tidak", STORY, "tidak tahu", "11", "ya")


def file_a_report(client) -> Report:
    say(client, *(text(words) for words in CONVERSATION))
    return Report.objects.get()


@pytest.mark.django_db
def test_a_replayed_conversation_files_one_report(client, graph, supervisor):
    bodies = [json.dumps(envelope(messages=[text(words)])).encode() for words in CONVERSATION]
    for body in bodies:
        for _ in range(2):  # Meta delivers each body twice, and once more after processing
            assert post(client, body).status_code == 200
        process_all()
        assert post(client, body).status_code == 200
        assert process_all() == 0

    assert Report.objects.count() == 1
    assert Inbound.objects.count() == len(CONVERSATION)
    assert not Inbound.objects.filter(processed_at__isnull=True).exists()
    assert set(Inbound.objects.values_list("payload", flat=True)) == {""}  # blanked once processed
    assert Outbound.objects.filter(report__isnull=False).count() == 1  # one receipt


@pytest.mark.django_db
def test_processing_again_changes_nothing(client, graph):
    post(client, envelope(messages=[text("halo")]))
    inbound = Inbound.objects.get()

    assert tasks.process_inbound(inbound.pk) is True
    assert tasks.process_inbound(inbound.pk) is False

    assert Conversation.objects.count() == 1 and Outbound.objects.count() == 1


@pytest.mark.django_db
def test_a_reply_after_filing_lands_in_the_thread_and_raises_the_reporter_message_alert(client, graph, supervisor):
    report = file_a_report(client)

    say(client, text("Kak, tadi malam dia dipukul lagi."))

    message = ReportMessage.objects.get(report=report)
    assert message.author_kind == AuthorKind.REPORTER and message.author is None
    assert message.body == "Kak, tadi malam dia dipukul lagi."
    assert Alert.objects.filter(key=f"message:{message.pk}", kind=AlertKind.REPORTER_MESSAGE).exists()
    assert Conversation.objects.count() == 1  # no new conversation


@pytest.mark.django_db
def test_a_photo_after_filing_is_an_encrypted_attachment_of_the_message(client, graph, supervisor, settings):
    report = file_a_report(client)
    media = graph.add_media(jpeg_with_location(), "image/jpeg")

    say(client, image(media))

    message = ReportMessage.objects.get(report=report)
    assert message.body == "(foto)"
    (attachment,) = message.attachments.all()
    assert not (settings.MEDIA_ROOT / attachment.stored_name).read_bytes().startswith(b"\xff\xd8")
    plain = read_decrypted(attachment.stored_name)
    assert plain.startswith(b"\xff\xd8") and b"DistinctiveCameraMaker" not in plain


@pytest.mark.django_db
def test_lapor_after_filing_starts_a_new_conversation(client, graph, supervisor):
    report = file_a_report(client)

    say(client, text("laporan baru"))

    assert not ReportMessage.objects.filter(report=report).exists()
    draft = Conversation.objects.get(report__isnull=True)
    assert draft.contact == Contact.objects.get()
    assert (
        "Apakah ada anak yang dalam bahaya sekarang?"
        in json.loads(Outbound.objects.order_by("pk").last().content)["text"]
    )


@pytest.mark.django_db
def test_a_message_updates_when_the_number_last_wrote(client, graph):
    say(client, text("halo"))
    first = Contact.objects.get().last_inbound_at
    assert timezone.now() - first < timedelta(minutes=1)  # the message's own time (WhatsApp's timestamp)

    late = text("tidak")
    late["timestamp"] = str(int((timezone.now() - timedelta(days=2)).timestamp()))  # a late retry
    say(client, late)

    assert Contact.objects.get().last_inbound_at == first  # never moved back


@pytest.mark.django_db
def test_a_failure_is_kept_without_content_retried_later_and_then_processed(client, graph, supervisor, caplog):
    report = file_a_report(client)
    media = graph.add_media(jpeg_with_location(), "image/jpeg")
    missing = "9999999999999999"
    post(client, envelope(messages=[image(missing, caption="rahasia sekali")]))
    inbound = Inbound.objects.get(processed_at__isnull=True)

    assert inbound_process(inbound.pk) is False  # the media is not there: the Graph API says 404

    inbound.refresh_from_db()
    assert inbound.attempts == 1 and inbound.last_error == "SendError"
    assert inbound.payload and inbound.processed_at is None  # kept, not lost
    assert "rahasia" not in caplog.text
    assert not ReportMessage.objects.filter(report=report).exists()
    now = timezone.now()
    assert inbound.pk not in due_inbound(now=now)  # it waits before the next try
    assert inbound.pk in due_inbound(now=inbound.received_at + retry_delay(1) + timedelta(minutes=1))

    # The media appears (Meta's own hiccup): the sweep processes it.
    payload = json.loads(inbound.payload)
    payload["image"]["id"] = media
    inbound.payload = json.dumps(payload)
    inbound.save()
    assert inbound_sweep(now=inbound.received_at + timedelta(minutes=5)) == 1
    assert ReportMessage.objects.get(report=report).body == "rahasia sekali"


@pytest.mark.django_db
def test_a_message_failing_again_and_again_is_an_error_and_degrades_readiness(client, graph, settings, caplog):
    settings.WHATSAPP_MAX_ATTEMPTS = 2
    post(client, envelope(messages=[image("9999999999999999")]))
    inbound = Inbound.objects.get()
    assert inbound_degradation(now=timezone.now()).reasons == []

    inbound_process(inbound.pk)
    inbound_process(inbound.pk)

    assert Inbound.objects.get().attempts == 2
    assert any(r.levelname == "ERROR" and "still failing" in r.getMessage() for r in caplog.records)
    assert inbound_degradation(now=timezone.now()).reasons == ["whatsapp_inbound_stuck"]
    assert not Alert.objects.filter(kind=AlertKind.WHATSAPP_STUCK).exists()  # no report to name yet


@pytest.mark.django_db
def test_a_stuck_reply_on_a_filed_report_alerts_its_staff_once(client, graph, supervisor, settings):
    report = file_a_report(client)
    settings.WHATSAPP_MAX_ATTEMPTS = 2
    post(client, envelope(messages=[image("9999999999999999", caption="rahasia")]))
    inbound = Inbound.objects.get(processed_at__isnull=True)

    for _ in range(3):
        inbound_process(inbound.pk)

    alert = Alert.objects.get(kind=AlertKind.WHATSAPP_STUCK)
    assert alert.report == report and alert.deliveries.filter(recipient=supervisor).exists()
    assert Inbound.objects.get(pk=inbound.pk).processed_at is None  # still kept, still retried


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_cannot_process_one_message_twice(client, graph, supervisor):
    report = file_a_report(client)
    post(client, envelope(messages=[text("Tolong cepat, dia dipukul lagi.")]))
    inbound = Inbound.objects.get(processed_at__isnull=True)
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(inbound_process(inbound.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert ReportMessage.objects.filter(report=report).count() == 1
    assert Alert.objects.filter(kind=AlertKind.REPORTER_MESSAGE).count() == 1


@pytest.mark.django_db
def test_a_reply_longer_than_a_thread_message_is_kept_whole(client, graph, supervisor):
    report = file_a_report(client)
    long_text = "Kak, ini ceritanya panjang sekali. " * 120  # over MESSAGE_MAX_LENGTH

    say(client, text(long_text))

    bodies = list(ReportMessage.objects.filter(report=report).order_by("pk").values_list("body", flat=True))
    assert bodies == [long_text[:MESSAGE_MAX_LENGTH].strip(), long_text[MESSAGE_MAX_LENGTH:].strip()]


@pytest.mark.django_db
def test_a_refused_file_after_filing_keeps_the_words_and_tells_why(client, graph, supervisor):
    report = file_a_report(client)
    media = graph.add_media(b"MZ\x90\x00 not a photo at all", "image/jpeg")
    before = Outbound.objects.count()

    say(client, image(media, caption="ini buktinya"))

    message = ReportMessage.objects.get(report=report)
    assert message.body == "ini buktinya" and not message.attachments.exists()
    assert Outbound.objects.count() == before + 1  # why the file was not kept
