"""The guided conversation that becomes a report, in Indonesian, written for a child: short
messages, one question at a time, in ConversationStep order.

danger ("Apakah ada anak yang dalam bahaya sekarang?": yes → the numbers to call now, and the
report is urgent) → what happened (free text, several messages) → where (a kelurahan, matched
loosely against areas.Kelurahan, or "tidak tahu", outside Balikpapan, online) → the child's age
(a number or "tidak tahu") → may we contact you here → filed through reports.services.report_submit
with channel WhatsApp (the same priority, alerts and escalation as the web form), the receipt code
and what happens next sent back.

Quick-reply buttons where WhatsApp offers them, and numbered answers ("1" / "2") or words
("ya", "iya", "tidak") typed instead are accepted too. Free text at any step is kept (added to the
story); photos and voice notes are checked as the web form's files and become the report's
attachments; "batal" at any point deletes the draft. A draft left for WHATSAPP_DRAFT_HOURS is
filed as it is, marked incomplete (`draft_file_stale`).

The number is never copied into the report: it stays in whatsapp.Contact, linked by
whatsapp.ReportContact; the report says only whether the reporter agreed to be contacted."""

import difflib
import json
import logging
import re
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from areas.models import Kelurahan
from core.errors import DomainError
from reports import wording
from reports.attachments import prepare_attachments
from reports.choices import (
    CHILD_AGE_MAX,
    MESSAGE_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NARRATIVE_MIN_LENGTH,
    Channel,
    LocationKind,
    ReporterRelation,
    YesNoUnknown,
)
from reports.receipt import format_receipt_code
from reports.services import ReportInput, report_message_add, report_submit

from .models import Contact, Conversation, ConversationStep, ReportContact
from .outbound import queue_buttons, queue_text

logger = logging.getLogger(__name__)

# Button ids (the step says what they answer).
YES, NO = "ya", "tidak"
UNKNOWN, OUTSIDE, ONLINE = "unknown", "outside", "online"

_YES_WORDS = {"1", "ya", "iya", "iyaa", "y", "yes", "yaa", "ada", "benar", "betul", "boleh"}
_NO_WORDS = {"2", "tidak", "tdk", "ga", "gak", "nggak", "enggak", "engga", "no", "n", "t", "bukan", "jangan", "tak"}
_DONT_KNOW = re.compile(r"^(saya |aku )?(tidak|tdk|gak|ga|nggak|enggak|ngga|ndak|belum) ?(tahu|tau|tahu kak)$|^gatau$")
# An answer to "where?" or "how old?" longer than this says more than the answer: kept in the story.
ANSWER_MAX_WORDS = 4
_CANCEL_WORDS = {"batal", "batalkan", "stop", "berhenti"}
_NEW_REPORT_WORDS = {"lapor", "laporan baru", "lapor baru", "buat laporan", "mau lapor"}
# A first message that only opens the chat: not kept as part of the story.
_OPENERS = _NEW_REPORT_WORDS | {"halo", "hallo", "hai", "hi", "hello", "p", "ping", "assalamualaikum", "permisi", "tes"}


def _plain(text: str) -> str:
    """Lower case, no punctuation, single spaces: how a typed answer is compared."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def asks_for_new_report(text: str) -> bool:
    return _plain(text) in _NEW_REPORT_WORDS


def _yes_no(message) -> str | None:
    answer = message.choice or _plain(message.text)
    if answer in _YES_WORDS or answer == YES:
        return YES
    if answer in _NO_WORDS or answer == NO:
        return NO
    return None


def _dont_know(answer: str) -> bool:
    return answer == UNKNOWN or bool(_DONT_KNOW.match(answer))


# --- what the reporter is told ---------------------------------------------------------------------


def unsupported_text() -> str:
    return _("We can keep text, photos and voice notes here. Please tell us in words.")


def media_placeholder(media) -> str:
    kinds = {kind for _media_id, kind in media}
    if kinds == {"image"}:
        return _("(photo)")
    if kinds == {"audio"}:
        return _("(voice note)")
    return _("(file)")


def _numbered(*answers: str) -> str:
    return _("Reply with the number:") + " " + "  ".join(f"{n}. {a}" for n, a in enumerate(answers, 1))


def _ask(contact: Contact, step: str, *, before: str = "") -> None:
    """The question of a step, after `before` (what the reply to the last message says)."""
    lead = f"{before}\n\n" if before else ""
    if step == ConversationStep.DANGER:
        text = _("Is a child in danger right now?")
        queue_buttons(contact, f"{lead}{text}\n{_numbered(_('Yes'), _('No'))}", [(YES, _("Yes")), (NO, _("No"))])
    elif step == ConversationStep.WHAT:
        queue_text(
            contact, lead + _("Tell us what happened. You can write several messages, and send photos or voice notes.")
        )
    elif step == ConversationStep.WHERE:
        text = _("Where did it happen? Write the name of the kelurahan, or choose an answer below.")
        options = [(UNKNOWN, _("Don't know")), (OUTSIDE, _("Outside Balikpapan")), (ONLINE, _("Online or by phone"))]
        queue_buttons(contact, f"{lead}{text}\n{_numbered(*(title for _id, title in options))}", options)
    elif step == ConversationStep.AGE:
        text = _("How old is the child? Write a number, for example 9.")
        queue_buttons(contact, f"{lead}{text}", [(UNKNOWN, _("Don't know"))])
    elif step == ConversationStep.CONTACT:
        text = _("May an officer contact you through this WhatsApp?")
        queue_buttons(contact, f"{lead}{text}\n{_numbered(_('Yes'), _('No'))}", [(YES, _("Yes")), (NO, _("No"))])


def _receipt_text(report, code: str, *, incomplete: bool) -> str:
    status_url = f"{settings.SITE_URL}{reverse('reports:status')}"
    lines = [
        _("We did not hear from you for a while, so we sent what you told us to the officers as a report.")
        if incomplete
        else _("Thank you. Your report has been sent."),
        f"{_('This is your secret code:')} {format_receipt_code(code)}",
        _("If someone else can open your phone, write the code on paper and delete this chat."),
        wording.next_step(report.priority),
        _("You can reply here to talk with the officer."),
        f"{_('With your code you can see what is happening and talk with the officer:')} {status_url}",
    ]
    return "\n\n".join(lines)


# --- the answers ----------------------------------------------------------------------------------------


def _load(conversation: Conversation) -> dict:
    answers = json.loads(conversation.answers) if conversation.answers else {}
    answers.setdefault("story", [])
    answers.setdefault("media", [])
    return answers


def _save(conversation: Conversation, answers: dict, step: str | None = None) -> None:
    conversation.answers = json.dumps(answers)
    if step is not None:
        conversation.step = step
    conversation.save()


def _keep_text(answers: dict, text: str) -> bool:
    if text:
        answers["story"].append(text)
    return bool(text)


def _keep_if_more_than_an_answer(answers: dict, text: str) -> None:
    """An answer that says more than the place or the age asked for ("di Sepinggan, om saya pukul
    adik") is kept in the story as well: nothing the child wrote is dropped."""
    if text and len(text.split()) > ANSWER_MAX_WORDS:
        _keep_text(answers, text)


def _keep_media(contact: Contact, answers: dict, message) -> str:
    """Check each photo or voice note as the web form's files (reports.attachments) and keep its
    media id for the report; what the reply says about it ("" when nothing was sent)."""
    from reports.attachments import too_many_files

    from .inbound import download

    said = ""
    for media_id, kind in message.media:
        if len(answers["media"]) >= settings.REPORT_ATTACHMENT_MAX_FILES:
            return str(too_many_files().message)
        try:
            prepare_attachments([download(media_id, kind)])
        except DomainError as refusal:  # why, in a child's words; a failed download is retried
            return str(refusal.message)
        answers["media"].append([media_id, kind])
        said = _("Thank you, we kept it.")
    return said


def find_kelurahan(text: str) -> Kelurahan | None:
    """A kelurahan named in the answer, loosely: "kel. gunung samarinda", "di Sepinggan dekat
    pasar", a letter wrong ("sepingan")."""
    answer = re.sub(r"\b(kelurahan|kel|kelurhan|di|daerah)\b", " ", _plain(text))
    answer = " ".join(answer.split())
    if not answer:
        return None
    kelurahan = {_plain(k.name): k for k in Kelurahan.objects.all()}
    if answer in kelurahan:
        return kelurahan[answer]
    named = [name for name in kelurahan if re.search(rf"\b{re.escape(name)}\b", answer)]
    if named:
        return kelurahan[max(named, key=len)]
    close = difflib.get_close_matches(answer, list(kelurahan), n=1, cutoff=0.8)
    return kelurahan[close[0]] if close else None


def _age(answer: str) -> int | None:
    match = re.fullmatch(r"(?:umur |usia )?(\d{1,2})(?: tahun| thn| th)?", answer)
    if match and 0 <= int(match.group(1)) <= CHILD_AGE_MAX:
        return int(match.group(1))
    return None


# --- the steps ------------------------------------------------------------------------------------------


def conversation_start(contact: Contact, message, *, now: datetime) -> Conversation:
    """A new draft: a greeting and the safety question first. A first message that says more
    than "halo" or "lapor" is kept as the start of the story."""
    conversation = Conversation.objects.create(contact=contact)
    answers = _load(conversation)
    if _plain(message.text) not in _OPENERS:
        _keep_text(answers, message.text)
    said = _keep_media(contact, answers, message)
    _save(conversation, answers)
    greeting = " ".join(
        [
            _("Hello. This is the child protection service of DP3AKB Kota Balikpapan (UPTD PPA)."),
            _("You can tell us here, it is safe and secret. To stop at any time, write “batal”."),
        ]
    )
    _ask(contact, ConversationStep.DANGER, before=f"{greeting}\n\n{said}".strip())
    return conversation


def conversation_step(conversation: Conversation, message, *, now: datetime) -> None:
    """The reporter answered: keep what they said, move to the next step, ask its question."""
    contact = conversation.contact
    if _plain(message.text) in _CANCEL_WORDS:
        conversation.delete()
        queue_text(
            contact,
            _(
                "Your report has been cancelled and what you wrote is deleted. "
                "If you want to report later, write “lapor”."
            ),
        )
        return
    answers = _load(conversation)
    said = _keep_media(contact, answers, message)
    if message.unsupported and not message.text:
        said = unsupported_text()
    step = conversation.step
    answer = message.choice or _plain(message.text)
    if step == ConversationStep.DANGER:
        yes_no = _yes_no(message)
        if yes_no is None:
            _ask_again(conversation, answers, message, kept_reply=_("We kept what you wrote."), said=said)
            return
        answers["danger"] = YesNoUnknown.YES if yes_no == YES else YesNoUnknown.NO
        _save(conversation, answers, ConversationStep.WHAT)
        if yes_no == YES:
            said = _(
                "If you can, call now: 112 (emergency) or the police at 110. SAPA 129: phone 129 or WhatsApp "
                "08111-129-129. We will treat your report as urgent."
            )
        _ask(contact, ConversationStep.WHAT, before=said)
        return
    if step == ConversationStep.WHAT:
        _keep_text(answers, message.text)
        if len("\n\n".join(answers["story"])) < NARRATIVE_MIN_LENGTH:
            _save(conversation, answers)
            if message.text:
                queue_text(contact, _("Thank you. Tell us a little more: who, what happened, when?"))
            elif said:
                queue_text(contact, said)
            return
        _save(conversation, answers, ConversationStep.WHERE)
        _ask(contact, ConversationStep.WHERE, before=said)
        return
    if step == ConversationStep.WHERE:
        place = _place(answer, message.text)
        if place is None:
            kept_reply = _("We could not find that kelurahan in Balikpapan. We kept what you wrote.")
            _ask_again(conversation, answers, message, kept_reply=kept_reply, said=said)
            return
        answers["location_kind"], answers["kelurahan"] = place
        _keep_if_more_than_an_answer(answers, message.text)
        _save(conversation, answers, ConversationStep.AGE)
        _ask(contact, ConversationStep.AGE, before=said)
        return
    if step == ConversationStep.AGE:
        age = _age(answer)
        if age is None and not _dont_know(answer):
            kept_reply = _("Please write the age as a number from 0 to 17. We kept what you wrote.")
            _ask_again(conversation, answers, message, kept_reply=kept_reply, said=said)
            return
        answers["age"] = age
        _save(conversation, answers, ConversationStep.CONTACT)
        _ask(contact, ConversationStep.CONTACT, before=said)
        return
    if step == ConversationStep.CONTACT:
        yes_no = _yes_no(message)
        if yes_no is None:
            _ask_again(conversation, answers, message, kept_reply=_("We kept what you wrote."), said=said)
            return
        answers["consent"] = yes_no == YES
        _save(conversation, answers)
        conversation_file(conversation, incomplete=False)


def _ask_again(conversation: Conversation, answers: dict, message, *, kept_reply: str, said: str) -> None:
    """The message did not answer the question: whatever it said is kept in the story (and the
    reporter told so), and the same question is asked again."""
    if _keep_text(answers, message.text):
        said = kept_reply
    _save(conversation, answers)
    _ask(conversation.contact, conversation.step, before=said)


def _place(answer: str, text: str) -> tuple[str, int | None] | None:
    """(location_kind, kelurahan id) from a button or typed words, else None."""
    if _dont_know(answer):
        return LocationKind.UNKNOWN, None
    if answer in (OUTSIDE, "luar balikpapan", "di luar balikpapan", "luar kota"):
        return LocationKind.OUTSIDE, None
    if answer in (ONLINE, "online", "internet", "lewat hp", "media sosial", "medsos"):
        return LocationKind.ONLINE, None
    if answer in {"1", "2", "3"}:  # the numbered answers of the buttons' text
        return [(LocationKind.UNKNOWN, None), (LocationKind.OUTSIDE, None), (LocationKind.ONLINE, None)][
            int(answer) - 1
        ]
    kelurahan = find_kelurahan(text) if text else None
    return (LocationKind.KELURAHAN, kelurahan.pk) if kelurahan else None


# --- filing ---------------------------------------------------------------------------------------------


def conversation_file(conversation: Conversation, *, incomplete: bool) -> None:
    """File the draft as a report with channel WhatsApp, link the number to it, send the receipt.
    Runs in the caller's transaction (the inbound message's, or the sweep's)."""
    from .inbound import download

    answers = _load(conversation)
    story = full_story = "\n\n".join(answers["story"])
    fits = NARRATIVE_MAX_LENGTH  # how much of the story the narrative holds; the rest goes to the thread
    if incomplete:
        note = _("[report not complete]")
        fits = NARRATIVE_MAX_LENGTH - len(note) - 2
        story = f"{story[:fits]}\n\n{note}" if story else note
    if len(story) < NARRATIVE_MIN_LENGTH:  # only when the sweep files a draft with a few words
        story = f"{story} {_('[report not complete]')}".strip()
    kelurahan_id = answers.get("kelurahan")
    location_kind = answers.get("location_kind") or LocationKind.UNKNOWN
    consent = bool(answers.get("consent"))
    data = ReportInput(
        narrative=story[:NARRATIVE_MAX_LENGTH],
        violence_types=[],
        danger_now=answers.get("danger") or YesNoUnknown.UNKNOWN,
        injured=YesNoUnknown.UNKNOWN,
        kelurahan=Kelurahan.objects.get(pk=kelurahan_id) if kelurahan_id else None,
        location_kind=location_kind if kelurahan_id else _way_out(location_kind),
        child_age=answers.get("age"),
        # Not asked in the chat: who is writing is unknown (a child about herself, a neighbour...).
        reporter_relation=ReporterRelation.OTHER,
        # The number stays in whatsapp.Contact (ReportContact); the report keeps only the answer.
        reporter_contact="",
        contact_consent=consent,
    )
    files = []
    for n, (media_id, kind) in enumerate(answers["media"], 1):
        try:
            files.append(download(media_id, kind, n))
        except Exception as exc:  # a file that cannot be fetched never holds the report back
            logger.warning("whatsapp: media %s of a draft could not be fetched (%s)", n, type(exc).__name__)
    submit = {
        "channel": Channel.WHATSAPP,
        "acting_user": None,
        "submission_key": f"whatsapp-conversation:{conversation.pk}",
    }
    try:
        with transaction.atomic():
            submitted = report_submit(data=data, files=files, **submit)
    except DomainError:
        if not files:
            raise
        # The files together are refused (too many, too large): the report goes without them.
        logger.warning("whatsapp: a draft's files were refused; filed without them")
        submitted = report_submit(data=data, files=[], **submit)
    report = submitted.report
    if submitted.receipt_code:  # first filing (not a repeat of it): what did not fit goes to the thread
        for start in range(fits, len(full_story), MESSAGE_MAX_LENGTH):
            report_message_add(report=report, body=full_story[start : start + MESSAGE_MAX_LENGTH], acting_user=None)
    conversation.report = report
    conversation.step = ConversationStep.FILED
    conversation.incomplete = incomplete
    conversation.answers = ""  # all of it is in the report now
    conversation.save()
    ReportContact.objects.get_or_create(report=report, defaults={"contact": conversation.contact})
    if submitted.receipt_code:
        queue_text(
            conversation.contact, _receipt_text(report, submitted.receipt_code, incomplete=incomplete), report=report
        )


def _way_out(location_kind: str) -> str:
    """Without a kelurahan, the answer given (unknown, outside, online), or unknown."""
    return location_kind if location_kind != LocationKind.KELURAHAN else LocationKind.UNKNOWN


def _said_something(answers: dict) -> bool:
    return bool(answers["story"] or answers["media"] or answers.get("danger") == YesNoUnknown.YES)


def _stale(conversation: Conversation, now: datetime) -> bool:
    """Left for WHATSAPP_DRAFT_HOURS; or, when the child said a child is in danger now, for
    WHATSAPP_DANGER_DRAFT_MINUTES: an urgent report does not wait a day for the last answers."""
    if conversation.updated_at < now - timedelta(hours=settings.WHATSAPP_DRAFT_HOURS):
        return True
    quiet = conversation.updated_at < now - timedelta(minutes=settings.WHATSAPP_DANGER_DRAFT_MINUTES)
    return quiet and _load(conversation).get("danger") == YesNoUnknown.YES


def stale_drafts(*, now: datetime) -> list[int]:
    cutoff = now - timedelta(minutes=settings.WHATSAPP_DANGER_DRAFT_MINUTES)
    drafts = Conversation.objects.filter(report__isnull=True, updated_at__lt=cutoff).order_by("pk")
    return [draft.pk for draft in drafts if _stale(draft, now)]


def draft_file_stale(conversation_id: int, *, now: datetime) -> bool:
    """File one draft left for WHATSAPP_DRAFT_HOURS as it is, marked incomplete, and tell the
    reporter. A draft in which nothing was said (not a word, a file, nor "yes, in danger") is
    deleted instead: there is nothing to report. True when filed."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        conversation = (
            Conversation.objects.select_for_update(skip_locked=True)
            .select_related("contact")
            .filter(pk=conversation_id, report__isnull=True)
            .first()
        )
        if conversation is None or not _stale(conversation, now):
            return False
        if not _said_something(_load(conversation)):
            conversation.delete()
            return False
        conversation_file(conversation, incomplete=True)
    return True


def draft_sweep(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    filed = 0
    for pk in stale_drafts(now=now):
        try:
            filed += draft_file_stale(pk, now=now)
        except Exception:  # one draft that fails does not hold the others back; it is tried again
            logger.exception("whatsapp: draft %s could not be filed; tried again at the next sweep", pk)
    return filed
