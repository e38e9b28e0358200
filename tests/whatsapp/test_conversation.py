"""The guided conversation (whatsapp.conversation) driven by signed webhooks, each processed as
the worker would: it files a report with channel WhatsApp through the one report service, with
the right priority, sends the receipt, keeps what was said, and stops on "batal"."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from PIL import Image

from alerts.models import Alert, AlertKind
from core.encrypted_files import read_decrypted
from reports.choices import Channel, LocationKind, Priority, ReporterRelation
from reports.models import Report
from reports.receipt import receipt_hash
from tests.whatsapp.inbound_support import (
    NUMBER,
    OGG_OPUS,
    audio,
    button_reply,
    image,
    jpeg_with_location,
    say,
    text,
)
from whatsapp.conversation import draft_sweep, find_kelurahan
from whatsapp.models import Contact, Conversation, ConversationStep, Outbound, ReportContact
from whatsapp.numbers import contact_for

pytestmark = pytest.mark.django_db

STORY = "Adik saya dipukul ayah tiri setiap malam."


def told() -> list[str]:
    """What the reporter was sent, oldest first (the Outbound rows, before any worker sends them)."""
    return [json.loads(o.content)["text"] for o in Outbound.objects.order_by("pk")]


def buttons_of(outbound: Outbound) -> list[list[str]]:
    return json.loads(outbound.content).get("buttons", [])


def test_a_full_conversation_in_danger_files_an_urgent_whatsapp_report_with_its_receipt(client, graph, supervisor):
    say(client, text("halo"))

    (greeting,) = Outbound.objects.all()
    assert "Apakah ada anak yang dalam bahaya sekarang?" in told()[0]
    assert "1. Ya" in told()[0] and "2. Tidak" in told()[0]
    assert buttons_of(greeting) == [["ya", "Ya"], ["tidak", "Tidak"]]

    say(client, button_reply("ya", "Ya"))
    assert "112" in told()[-1] and "110" in told()[-1] and "129" in told()[-1]
    assert "Ceritakan apa yang terjadi" in told()[-1]

    say(client, text(STORY), text("Sekarang dia dikunci di kamar."), text("kel. gunung samarinda"), text("9 tahun"))
    say(client, button_reply("ya", "Ya"))

    report = Report.objects.get()
    assert report.channel == Channel.WHATSAPP and report.submitted_by is None
    assert report.priority == Priority.DARURAT and report.danger_now == "yes"
    assert STORY in report.narrative and "dikunci di kamar" in report.narrative
    assert report.location_kind == LocationKind.KELURAHAN and report.kelurahan.name == "Gunung Samarinda"
    assert report.child_age == 9 and report.contact_consent is True
    assert report.reporter_relation == ReporterRelation.OTHER
    assert report.reporter_contact == ""  # the number stays in whatsapp.Contact
    assert ReportContact.objects.get(report=report).contact == contact_for(NUMBER)
    conversation = Conversation.objects.get()
    assert conversation.step == ConversationStep.FILED and conversation.report == report
    assert conversation.answers == "" and not conversation.incomplete

    receipt = told()[-1]
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4})", receipt).group(1).replace(" ", "")
    assert receipt_hash(code) == report.receipt_hash
    assert "Terima kasih. Laporanmu sudah terkirim." in receipt
    assert Outbound.objects.order_by("pk").last().report == report
    assert Alert.objects.filter(report=report, kind=AlertKind.NEW_REPORT).exists()


def test_a_conversation_without_danger_and_with_unknowns_is_a_normal_report(client, graph, supervisor):
    say(
        client,
        text("lapor"),
        text("2"),  # the numbered answer instead of the button
        text(STORY),
        button_reply("unknown", "Tidak tahu"),
        text("tidak tahu"),
        text("tidak"),
    )

    report = Report.objects.get()
    assert report.priority == Priority.BIASA and report.danger_now == "no"
    assert report.location_kind == LocationKind.UNKNOWN and report.kelurahan is None
    assert report.child_age is None and report.contact_consent is False


@pytest.mark.parametrize("answer", ["1", "iya", "Ya!", "YA"])
def test_typed_yes_answers_the_safety_question(client, graph, answer):
    say(client, text("halo"), text(answer))

    conversation = Conversation.objects.get()
    assert conversation.step == ConversationStep.WHAT
    assert json.loads(conversation.answers)["danger"] == "yes"


def test_free_text_at_any_step_is_kept_in_the_story(client, graph, supervisor):
    say(
        client,
        text("Halo kak, saya mau cerita soal teman saya"),  # the first message says something: kept
        text("aku takut"),  # not yes or no: kept, the question asked again
        text("tidak"),
        text(STORY),
        text("dekat masjid besar"),  # not a kelurahan: kept, asked again
        text("sepingan"),  # a letter wrong
        text("sekitar dua belas"),  # not a number: kept, asked again
        text("12"),
        text("ya"),
    )

    report = Report.objects.get()
    for said in ("teman saya", "aku takut", STORY, "dekat masjid besar", "sekitar dua belas"):
        assert said in report.narrative
    assert report.kelurahan.name == "Sepinggan" and report.child_age == 12
    assert any("Kami belum menemukan kelurahan itu" in t for t in told())


def test_a_short_story_is_asked_for_more_before_going_on(client, graph):
    say(client, text("halo"), text("tidak"), text("dipukul"))

    assert Conversation.objects.get().step == ConversationStep.WHAT
    assert "Ceritakan sedikit lagi" in told()[-1]


def test_batal_deletes_the_draft_and_says_so(client, graph):
    say(client, text("halo"), text("ya"), text(STORY), text("Batal"))

    assert not Conversation.objects.exists()
    assert not Report.objects.exists()
    assert "dibatalkan" in told()[-1]


def test_a_draft_left_for_a_day_is_filed_as_it_is_marked_incomplete(client, graph, supervisor):
    say(client, text("halo"), text("ya"), text(STORY))
    later = timezone.now() + timedelta(hours=django_settings.WHATSAPP_DRAFT_HOURS, minutes=1)

    assert draft_sweep(now=timezone.now()) == 0  # not yet
    assert draft_sweep(now=later) == 1

    report = Report.objects.get()
    assert STORY in report.narrative and "[laporan belum lengkap]" in report.narrative
    assert report.priority == Priority.DARURAT and report.channel == Channel.WHATSAPP
    assert report.location_kind == LocationKind.UNKNOWN
    conversation = Conversation.objects.get()
    assert conversation.incomplete and conversation.report == report
    assert "sebagai laporan" in told()[-1] and re.search(r"\d{4} \d{4} \d{4} \d{4}", told()[-1])
    assert draft_sweep(now=later) == 0  # once


def test_a_draft_in_which_nothing_was_said_is_deleted_not_filed(client, graph):
    say(client, text("halo"))
    later = timezone.now() + timedelta(hours=django_settings.WHATSAPP_DRAFT_HOURS, minutes=1)

    assert draft_sweep(now=later) == 0

    assert not Conversation.objects.exists() and not Report.objects.exists()


def test_photos_and_voice_notes_become_encrypted_attachments_without_metadata(client, graph, supervisor, settings):
    photo = graph.add_media(jpeg_with_location(), "image/jpeg")
    voice = graph.add_media(OGG_OPUS, "audio/ogg")
    say(client, text("halo"), text("tidak"), text(STORY), image(photo, caption="ini lukanya"), audio(voice))
    say(client, text("Klandasan Ilir"), text("8"), text("ya"))

    report = Report.objects.get()
    assert "ini lukanya" in report.narrative
    picture, recording = report.attachments.order_by("pk")
    assert (picture.kind, recording.kind) == ("image", "audio")
    raw = (settings.MEDIA_ROOT / picture.stored_name).read_bytes()
    assert not raw.startswith(b"\xff\xd8")
    plain = read_decrypted(picture.stored_name)
    assert plain.startswith(b"\xff\xd8") and b"DistinctiveCameraMaker" not in plain
    assert not Image.open(io.BytesIO(plain)).getexif()
    assert read_decrypted(recording.stored_name) == OGG_OPUS


def test_a_file_the_checks_refuse_is_not_kept_and_the_reporter_is_told(client, graph):
    media = graph.add_media(b"MZ\x90\x00 not a photo at all", "image/jpeg")
    say(client, text("halo"), text("tidak"), image(media))

    assert json.loads(Conversation.objects.get().answers)["media"] == []
    assert Outbound.objects.count() == 3  # greeting, what-happened question, the refusal


def test_the_number_is_never_copied_into_the_report(client, graph, supervisor):
    say(client, text("halo"), text("tidak"), text(STORY), text("tidak tahu"), text("10"), text("ya"))

    report = Report.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reports_report WHERE id = %s", [report.pk])
        row = cursor.fetchone()
    assert all(NUMBER not in str(value) for value in row)
    assert NUMBER not in report.narrative and report.reporter_contact == ""
    assert Contact.objects.get().phone == NUMBER


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Gunung Samarinda", "Gunung Samarinda"), ("kel sepinggan baru", "Sepinggan Baru"), ("di sepingan", "Sepinggan")],
)
def test_kelurahan_names_are_matched_loosely(db, typed, name):
    assert find_kelurahan(typed).name == name


def test_words_that_name_no_kelurahan_match_none(db):
    assert find_kelurahan("rumah nenek") is None


def test_a_draft_that_says_a_child_is_in_danger_is_filed_within_minutes_not_a_day(client, graph, supervisor):
    say(client, text("halo"), text("ya"), text(STORY))
    minutes = django_settings.WHATSAPP_DANGER_DRAFT_MINUTES

    assert draft_sweep(now=timezone.now() + timedelta(minutes=minutes - 1)) == 0
    assert draft_sweep(now=timezone.now() + timedelta(minutes=minutes + 1)) == 1

    report = Report.objects.get()
    assert report.priority == Priority.DARURAT and STORY in report.narrative
    assert Alert.objects.filter(report=report, kind=AlertKind.NEW_REPORT).exists()


def test_a_draft_without_danger_still_waits_the_hours(client, graph, supervisor):
    say(client, text("halo"), text("tidak"), text(STORY))

    assert draft_sweep(now=timezone.now() + timedelta(minutes=django_settings.WHATSAPP_DANGER_DRAFT_MINUTES + 1)) == 0
    assert not Report.objects.exists()


def test_one_draft_that_cannot_be_filed_does_not_hold_back_the_others(client, graph, supervisor, monkeypatch):
    say(client, text("halo", number="6281200000001"), text("ya", number="6281200000001"))
    say(client, text(STORY, number="6281200000001"))
    say(client, text("halo"), text("ya"), text(STORY))
    first = Conversation.objects.order_by("pk").first()
    from whatsapp import conversation as module

    real = module.conversation_file

    def failing_for_the_first(conversation, **kwargs):
        if conversation.pk == first.pk:
            raise RuntimeError("simulated")
        return real(conversation, **kwargs)

    monkeypatch.setattr(module, "conversation_file", failing_for_the_first)
    later = timezone.now() + timedelta(hours=django_settings.WHATSAPP_DRAFT_HOURS, minutes=1)

    assert draft_sweep(now=later) == 1
    assert Report.objects.count() == 1
    assert Conversation.objects.filter(pk=first.pk, report__isnull=True).exists()  # kept, tried again


def test_an_answer_that_says_more_than_the_place_is_kept_in_the_story(client, graph, supervisor):
    say(
        client,
        text("halo"),
        text("tidak"),
        text(STORY),
        text("di gunung samarinda, om saya juga pukul adik kemarin"),
        text("9"),
        text("tidak"),
    )

    report = Report.objects.get()
    assert report.kelurahan.name == "Gunung Samarinda"
    assert "om saya juga pukul adik kemarin" in report.narrative


def test_a_story_longer_than_a_report_holds_goes_on_in_the_thread(client, graph, supervisor):
    from reports.choices import NARRATIVE_MAX_LENGTH
    from reports.models import ReportMessage

    long_part = "Kakak saya dipukul setiap hari oleh pamannya. " * 80  # 3,680 characters: one WhatsApp message
    say(client, text("halo"), text("tidak"), text(long_part), text(long_part + "AKHIR-CERITA"))
    say(client, text("tidak tahu"), text("tidak tahu"), text("tidak"))

    report = Report.objects.get()
    thread = [m.body for m in ReportMessage.objects.filter(report=report).order_by("pk")]
    assert len(report.narrative) <= NARRATIVE_MAX_LENGTH
    everything_said = long_part + long_part + "AKHIR-CERITA"
    # Every word, in order (the report and each message are trimmed at their ends).
    assert thread, "the rest of the story is in the thread"
    words = report.narrative.split() + [word for body in thread for word in body.split()]
    assert " ".join(words) == " ".join(everything_said.split())
