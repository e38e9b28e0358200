"""Hostile text at every public form and API: very long strings, wrong types, broken bodies and
Unicode edge cases. Pages answer with a per-field error in Indonesian, the API with its one
machine-readable 400; never a 500 (the test client re-raises any exception a view lets out), and
a refused submission leaves no row and no file behind.

Files that lie about their type: test_hostile_files.py. What comes out of pages, mails and
exports: test_hostile_output.py.
"""

import json

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.models import ChildCareGroup
from reports.choices import Channel
from reports.models import Report
from reports.receipt import format_receipt_code
from reports.services import report_submit
from tests.conftest import login_as
from tests.factories import PASSWORD
from tests.hostile import (
    MEGABYTE_TEXT,
    NFC_TEXT,
    NFD_TEXT,
    SCRIPT,
    TEN_THOUSAND,
    VALID_UNICODE,
    api_error,
    api_report,
    footprint,
)
from tests.outreach.test_outreach_api import as_json
from tests.outreach_data import session_input
from tests.reporting import report_input, report_post_data

pytestmark = pytest.mark.django_db

FORM = reverse("reports:form")
VOLUNTEER_FORM = reverse("reports:volunteer_form")
STATUS = reverse("reports:status")
SUBMIT_API = reverse("api-report-submit")
STATUS_API = reverse("api-report-status")
MESSAGE_API = reverse("api-report-message")
LOGIN = reverse("accounts:login")

NUL = "Anak dipukul setiap malam\x00 oleh ayahnya sendiri"
LONE_SURROGATE = "Anak dipukul setiap malam \ud800 oleh ayahnya"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def submitted_code(**overrides) -> str:
    return report_submit(data=report_input(**overrides), channel=Channel.WEB, acting_user=None).receipt_code


def post_json(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


# --- the report forms (/lapor/ and /relawan/lapor/) ------------------------------------------------

FORM_CASES = [
    pytest.param("narrative", MEGABYTE_TEXT, "antara 20 sampai 5000 karakter", id="narrative-1MB"),
    pytest.param("narrative", NUL, "Karakter null", id="narrative-NUL"),
    pytest.param("narrative", "   \u200b   ", "antara 20 sampai 5000 karakter", id="narrative-blank"),
    pytest.param("child_name", TEN_THOUSAND, "paling banyak 100 karakter", id="child_name-10k"),
    pytest.param("reporter_contact", TEN_THOUSAND, "paling banyak 100 karakter", id="contact-10k"),
    pytest.param("address_detail", TEN_THOUSAND, "paling banyak 300 karakter", id="address-10k"),
    pytest.param("address_detail", "Jl. Mawar\x00 No. 3", "Karakter null", id="address-NUL"),
    pytest.param("kelurahan", "²", "pilihan yang valid", id="kelurahan-superscript-digit"),
    pytest.param("kelurahan", "9" * 30, "pilihan yang valid", id="kelurahan-huge-number"),
    pytest.param("kelurahan", SCRIPT, "pilihan yang valid", id="kelurahan-html"),
    pytest.param("rt", "9" * 30, "999", id="rt-huge-number"),
    pytest.param("rt", "1e3", "keseluruhan angka", id="rt-exponent"),
    pytest.param("child_age", "-1", "lebih besar dari atau sama dengan 0", id="age-negative"),
    pytest.param("occurred_on", "0000-00-00", "tanggal yang valid", id="date-zero"),
    pytest.param("occurred_on", "9999-12-31", "masa depan", id="date-future"),
    pytest.param("violence_types", ["fisik", SCRIPT], "pilihan yang valid", id="violence-unknown"),
    pytest.param("reporter_relation", TEN_THOUSAND, "pilihan yang valid", id="relation-10k"),
]


@pytest.mark.parametrize(("field", "value", "message"), FORM_CASES)
@pytest.mark.parametrize("surface", ["public", "volunteer"])
def test_the_report_forms_refuse_hostile_text_per_field_in_indonesian(
    client, volunteer, surface, field, value, message
):
    url = FORM
    if surface == "volunteer":
        login_as(client, volunteer)
        url = VOLUNTEER_FORM
    before = footprint()

    response = client.post(url, report_post_data(**{field: value}))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field]), errors[field]
    assert footprint() == before


@pytest.mark.parametrize("name", list(VALID_UNICODE))
def test_the_report_form_keeps_valid_unicode_exactly_as_typed(client, name):
    text = VALID_UNICODE[name]

    response = client.post(FORM, report_post_data(narrative=text, child_name=text[:100]))

    assert response.status_code == 200, response.context["form"].errors
    report = Report.objects.get()
    assert (report.narrative, report.child_name) == (text, text[:100].strip())


def test_a_narrative_of_combining_marks_counts_code_points_not_letters(client):
    response = client.post(FORM, report_post_data(narrative="a" + "\u0301" * 5000))

    assert response.status_code == 400
    assert "antara 20 sampai 5000 karakter" in " ".join(response.context["form"].errors["narrative"])
    assert not Report.objects.exists()


def test_a_form_post_with_undecodable_bytes_is_answered_not_crashed(client):
    before = footprint()

    response = client.post(
        FORM, b"narrative=%ED%A0%80%FF%FE&kelurahan=%C0%AF", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert footprint() == before


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"],
)
def test_a_report_form_post_of_another_shape_stores_nothing(client, content_type):
    before = footprint()

    response = client.post(FORM, b'{"narrative": [1, 2]}\r\n--x\r\nbroken', content_type=content_type)

    assert response.status_code in (200, 400)
    assert footprint() == before


# --- the status form and the reply form on the status page ---------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(MEGABYTE_TEXT, id="1MB"),
        pytest.param("1234\x005678", id="NUL"),
        pytest.param(SCRIPT, id="html"),
        pytest.param("\u202e8765 4321 8765 4321", id="rtl-override"),
        pytest.param("", id="empty"),
    ],
)
def test_the_status_form_answers_any_wrong_code_with_the_same_404(client, code):
    submitted_code()
    before = footprint()

    response = client.post(STATUS, {"receipt_code": code})

    assert response.status_code == 404
    assert response.context["not_found"] is True
    assert SCRIPT not in response.content.decode()
    assert footprint() == before


def test_the_status_form_survives_undecodable_bytes(client):
    response = client.post(STATUS, b"receipt_code=%ED%A0%80%00", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 404


@pytest.mark.parametrize("surface", ["page", "api"])
def test_a_code_typed_in_fullwidth_digits_finds_the_report(client, surface):
    code = submitted_code()
    fullwidth = "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else "\u3000" for char in format_receipt_code(code))

    if surface == "page":
        response = client.post(STATUS, {"receipt_code": fullwidth})
    else:
        response = post_json(client, STATUS_API, {"receipt_code": fullwidth})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(MEGABYTE_TEXT, "paling banyak 3000 karakter", id="1MB"),
        pytest.param("Terjadi lagi\x00 tadi malam", "Karakter null", id="NUL"),
        pytest.param(" \t\n ", "wajib", id="blank"),
    ],
)
def test_the_reply_form_refuses_hostile_text_per_field(client, body, message):
    code = submitted_code()
    before = footprint()

    response = client.post(STATUS, {"receipt_code": code, "body": body})

    assert response.status_code == 400
    errors = response.context["reply_form"].errors
    assert list(errors) == ["body"] and message in " ".join(errors["body"]), errors
    assert footprint() == before


def test_the_reply_form_keeps_valid_unicode(client):
    code = submitted_code()
    text = "\n".join(VALID_UNICODE.values())[:3000]

    response = client.post(STATUS, {"receipt_code": code, "body": text})

    assert response.status_code == 200
    assert Report.objects.get().messages.get().body == text.strip()


# --- the reporting API -------------------------------------------------------------------------------

API_TYPE_CASES = [
    pytest.param({"narrative": MEGABYTE_TEXT}, "narrative", "max_length", id="narrative-1MB"),
    pytest.param({"narrative": ["a", "b"]}, "narrative", "invalid", id="narrative-array"),
    pytest.param({"narrative": {"text": "a"}}, "narrative", "invalid", id="narrative-object"),
    pytest.param({"narrative": None}, "narrative", "null", id="narrative-null"),
    pytest.param({"narrative": True}, "narrative", "invalid", id="narrative-boolean"),
    pytest.param({"narrative": ...}, "narrative", "required", id="narrative-missing"),
    pytest.param({"narrative": NUL}, "narrative", "null_characters_not_allowed", id="narrative-NUL"),
    pytest.param({"narrative": LONE_SURROGATE}, "narrative", "surrogate_characters_not_allowed", id="surrogate"),
    pytest.param({"child_name": TEN_THOUSAND}, "child_name", "max_length", id="child_name-10k"),
    pytest.param({"reporter_contact": TEN_THOUSAND}, "reporter_contact", "max_length", id="contact-10k"),
    pytest.param({"address_detail": TEN_THOUSAND}, "address_detail", "max_length", id="address-10k"),
    pytest.param({"violence_types": "fisik"}, "violence_types", "not_a_list", id="violence-string"),
    pytest.param({"violence_types": []}, "violence_types", "min_length", id="violence-empty"),
    pytest.param({"violence_types": None}, "violence_types", "null", id="violence-null"),
    pytest.param({"danger_now": 1}, "danger_now", "invalid_choice", id="danger-number"),
    pytest.param({"danger_now": ["yes"]}, "danger_now", "invalid_choice", id="danger-array"),
    pytest.param({"kelurahan": {"id": 1}}, "kelurahan", "invalid", id="kelurahan-object"),
    pytest.param({"kelurahan": [1]}, "kelurahan", "invalid", id="kelurahan-array"),
    pytest.param({"kelurahan": "9" * 30}, "kelurahan", "invalid", id="kelurahan-huge-number"),
    pytest.param({"kelurahan": SCRIPT}, "kelurahan", "invalid", id="kelurahan-html"),
    pytest.param({"kelurahan": None}, "kelurahan", "null", id="kelurahan-null"),
    pytest.param({"rt": "abc"}, "rt", "invalid", id="rt-string"),
    pytest.param({"rt": 10**30}, "rt", "max_value", id="rt-huge"),
    pytest.param({"rt": 1.5}, "rt", "invalid", id="rt-fraction"),
    pytest.param({"rt": True}, "rt", "invalid", id="rt-boolean"),
    pytest.param({"rt": [1]}, "rt", "invalid", id="rt-array"),
    pytest.param({"child_age": "tujuh"}, "child_age", "invalid", id="age-word"),
    pytest.param({"child_age": -1}, "child_age", "min_value", id="age-negative"),
    pytest.param({"occurred_on": "0000-00-00"}, "occurred_on", "invalid", id="date-zero"),
    pytest.param({"occurred_on": 20240101}, "occurred_on", "invalid", id="date-number"),
    pytest.param({"occurred_on": {"y": 2024}}, "occurred_on", "invalid", id="date-object"),
    pytest.param({"occurred_on": "9999-12-31"}, "occurred_on", "invalid", id="date-future"),
    pytest.param({"ongoing": "kadang"}, "ongoing", "invalid", id="ongoing-word"),
    pytest.param({"contact_consent": [True]}, "contact_consent", "invalid", id="consent-array"),
    pytest.param({"reporter_relation": None}, "reporter_relation", "null", id="relation-null"),
    pytest.param({"attachments": "abc"}, "attachments", "not_a_list", id="attachments-string"),
    pytest.param({"attachments": {"a": 1}}, "attachments", "not_a_list", id="attachments-object"),
    # Errors inside a list keep the API's flat shape (not {"0": [...]}), and a lone surrogate
    # echoed in the "not a choice" message must not break the JSON renderer.
    pytest.param({"violence_types": [SCRIPT]}, "violence_types", "invalid_choice", id="violence-unknown"),
    pytest.param({"violence_types": [["fisik"]]}, "violence_types", "invalid_choice", id="violence-nested"),
    pytest.param({"violence_types": ["\ud800"]}, "violence_types", "invalid_choice", id="violence-surrogate"),
    pytest.param({"attachments": ["abc"]}, "attachments", "invalid", id="attachments-text"),
    # "²".isdigit() is True, yet int("²") raises.
    pytest.param({"kelurahan": "²"}, "kelurahan", "invalid", id="kelurahan-superscript-digit"),
]  # fmt: skip


@pytest.mark.parametrize(("override", "field", "code"), API_TYPE_CASES)
def test_the_report_api_refuses_wrong_types_and_sizes_per_field(client, override, field, code):
    before = footprint()

    response = post_json(client, SUBMIT_API, api_report(**override))

    assert code in [error["code"] for error in api_error(response, field)]
    assert footprint() == before


@pytest.mark.parametrize("name", list(VALID_UNICODE))
def test_the_report_api_keeps_valid_unicode_exactly_as_sent(client, name):
    text = VALID_UNICODE[name]

    response = post_json(client, SUBMIT_API, api_report(narrative=text, address_detail=text[:300]))

    assert response.status_code == 201, response.content[:300]
    report = Report.objects.get()
    assert (report.narrative, report.address_detail) == (text, text[:300].strip())


def test_an_empty_object_names_every_missing_field(client):
    response = post_json(client, SUBMIT_API, {})

    for field in ("narrative", "violence_types", "danger_now", "injured", "kelurahan", "reporter_relation"):
        assert [error["code"] for error in api_error(response, field)] == ["required"]
    assert not Report.objects.exists()


RAW_BODIES = [
    pytest.param(b"not json at all", "application/json", id="not-json"),
    pytest.param(b'{"narrative": NaN, "rt": Infinity}', "application/json", id="nan"),
    pytest.param(b'{"narrative": "unterminated', "application/json", id="truncated"),
    pytest.param(b"\xff\xfe\x00{", "application/json", id="not-utf8"),
    pytest.param(b"", "application/json", id="empty"),
    pytest.param(b"[1, 2, 3]", "application/json", id="array"),
    pytest.param(b'"just a string"', "application/json", id="string"),
    pytest.param(b"null", "application/json", id="null"),
    pytest.param(b"narrative=x", "text/plain", id="text-plain"),
    pytest.param(b"<report><narrative/></report>", "application/xml", id="xml"),
    pytest.param(b"--x\r\nbroken", "multipart/form-data; boundary=x", id="broken-multipart"),
    pytest.param(b"--x\r\nbroken", "multipart/form-data", id="multipart-no-boundary"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="deeply-nested"),
    pytest.param(json.dumps({"narrative": "x" * 3_000_000}).encode(), "application/json", id="over-body-limit"),
]


@pytest.mark.parametrize(("body", "content_type"), RAW_BODIES)
@pytest.mark.parametrize("url", [SUBMIT_API, STATUS_API, MESSAGE_API])
def test_the_reporting_api_answers_any_body_in_json_without_storing_anything(client, url, body, content_type):
    """A refusal (400, 413, 415) or the same 404 as any wrong code: always JSON, never a 500."""
    submitted_code()
    before = footprint()

    response = client.post(url, body, content_type=content_type)

    assert response.status_code in (400, 404, 413, 415), response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    assert isinstance(response.json(), dict)
    assert footprint() == before


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(["1234567812345678"], id="array"),
        pytest.param({"code": "1"}, id="object"),
        pytest.param(1234567812345678, id="number"),
        pytest.param(None, id="null"),
        pytest.param(True, id="boolean"),
        pytest.param(MEGABYTE_TEXT, id="1MB"),
        pytest.param("1234\x005678", id="NUL"),
        pytest.param("\ud800", id="lone-surrogate"),
    ],
)
@pytest.mark.parametrize("url", [STATUS_API, MESSAGE_API])
def test_a_receipt_code_of_any_type_gets_the_same_404(client, url, code):
    submitted_code()
    before = footprint()

    response = post_json(client, url, {"receipt_code": code, "body": "Halo, ada kabar?"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ada laporan dengan kode ini.", "code": "not_found"}
    assert footprint() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(MEGABYTE_TEXT, "max_length", id="1MB"),
        pytest.param(["a"], "invalid", id="array"),
        pytest.param({"a": 1}, "invalid", id="object"),
        pytest.param(None, "null", id="null"),
        pytest.param(..., "required", id="missing"),
        pytest.param("Halo\x00", "null_characters_not_allowed", id="NUL"),
        pytest.param("Halo \udfff", "surrogate_characters_not_allowed", id="lone-surrogate"),
        pytest.param("   ", "blank", id="blank"),
    ],
)
def test_the_message_api_refuses_a_bad_body_per_field(client, body, code):
    payload = {"receipt_code": submitted_code()}
    if body is not ...:
        payload["body"] = body
    before = footprint()

    response = post_json(client, MESSAGE_API, payload)

    assert code in [error["code"] for error in api_error(response, "body")]
    assert footprint() == before


# --- the volunteer's outreach forms and API --------------------------------------------------------


def session_form_data(rt) -> dict:
    return {
        "rt": rt.pk,
        "held_on": "2026-11-01",
        "start_time": "16:00",
        "duration_minutes": "60",
        "topics": ["hak_anak"],
        "facilitators": "Ibu Sari",
        "boys": "3",
        "girls": "4",
        "men": "1",
        "women": "2",
    }


OUTREACH_FORM_CASES = [
    pytest.param("facilitators", TEN_THOUSAND, "paling banyak 200 karakter", id="facilitators-10k"),
    pytest.param("notes", MEGABYTE_TEXT, "paling banyak 2000 karakter", id="notes-1MB"),
    pytest.param("facilitators", "Ibu\x00Sari", "Karakter null", id="facilitators-NUL"),
    pytest.param("materials", "Leaflet\x00", "Karakter null", id="materials-NUL"),
    pytest.param("facilitators", " \u3000 ", "wajib", id="facilitators-blank"),
    pytest.param("rt", "9" * 30, "pilihan yang valid", id="rt-huge"),
    pytest.param("rt", "²", "pilihan yang valid", id="rt-superscript-digit"),
    pytest.param("rt", SCRIPT, "pilihan yang valid", id="rt-html"),
    pytest.param("boys", "9" * 30, "10000", id="count-huge"),
    pytest.param("boys", "-1", "0", id="count-negative"),
    pytest.param("duration_minutes", "1e3", "keseluruhan angka", id="duration-exponent"),
    pytest.param("held_on", "2026-02-30", "tanggal yang valid", id="date-impossible"),
    pytest.param("start_time", "25:61", "waktu yang valid", id="time-impossible"),
    pytest.param("topics", ["hak_anak", SCRIPT], "pilihan yang valid", id="topic-unknown"),
]


@pytest.mark.parametrize(("field", "value", "message"), OUTREACH_FORM_CASES)
def test_the_session_form_refuses_hostile_text_per_field_in_indonesian(client, volunteer, rt, field, value, message):
    login_as(client, volunteer)
    before = footprint()

    response = client.post(reverse("outreach:session_create"), {**session_form_data(rt), field: value})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field]), errors
    assert footprint() == before


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        pytest.param("outreach:groups", {"name": TEN_THOUSAND, "formed_on": "2026-01-01"}, "name", id="group-name-10k"),
        pytest.param("outreach:groups", {"name": "Melati", "formed_on": "2026-01-01", "contact_person": "Bu\x00"},
                     "contact_person", id="group-contact-NUL"),
        pytest.param("outreach:forum", {"title": "Diskusi", "held_on": "2026-11-01", "suggestions": MEGABYTE_TEXT},
                     "suggestions", id="forum-suggestions-1MB"),
        pytest.param("outreach:forum", {"title": "Diskusi\x00", "held_on": "2026-11-01"}, "title",
                     id="forum-title-NUL"),
    ],
)  # fmt: skip
def test_the_group_and_forum_forms_refuse_hostile_text(client, volunteer, rt, url_name, data, field):
    login_as(client, volunteer)
    before = footprint()

    response = client.post(reverse(url_name), {"rt": rt.pk, "members": "0", "children": "0", **data})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert footprint() == before


OUTREACH_API_CASES = [
    pytest.param({"facilitators": TEN_THOUSAND}, "facilitators", "max_length", id="facilitators-10k"),
    pytest.param({"notes": MEGABYTE_TEXT}, "notes", "max_length", id="notes-1MB"),
    pytest.param({"facilitators": "Ibu\x00Sari"}, "facilitators", "null_characters_not_allowed", id="NUL"),
    pytest.param({"facilitators": "\ud800"}, "facilitators", "surrogate_characters_not_allowed", id="surrogate"),
    pytest.param({"facilitators": ["Ibu Sari"]}, "facilitators", "invalid", id="facilitators-array"),
    pytest.param({"facilitators": None}, "facilitators", "null", id="facilitators-null"),
    pytest.param({"rt": "abc"}, "rt", "incorrect_type", id="rt-string"),
    pytest.param({"rt": "²"}, "rt", "incorrect_type", id="rt-superscript-digit"),
    pytest.param({"rt": 10**30}, "rt", "does_not_exist", id="rt-huge"),
    pytest.param({"rt": [1]}, "rt", "incorrect_type", id="rt-array"),
    pytest.param({"rt": True}, "rt", "incorrect_type", id="rt-boolean"),
    pytest.param({"rt": None}, "rt", "null", id="rt-null"),
    pytest.param({"topics": "hak_anak"}, "topics", "not_a_list", id="topics-string"),
    pytest.param({"topics": [["hak_anak"]]}, "topics", "invalid_choice", id="topics-nested"),
    pytest.param({"boys": "1e3"}, "boys", "invalid", id="count-exponent"),
    pytest.param({"boys": 10**30}, "boys", "max_value", id="count-huge"),
    pytest.param({"boys": 2.5}, "boys", "invalid", id="count-fraction"),
    pytest.param({"held_on": "2026-02-30"}, "held_on", "invalid", id="date-impossible"),
    pytest.param({"start_time": 1600}, "start_time", "invalid", id="time-number"),
    pytest.param({"duration_minutes": None}, "duration_minutes", "null", id="duration-null"),
    pytest.param({"photos": ["x"]}, "photos", "invalid", id="photos-text"),
    pytest.param({"topics": ["\ud800"]}, "topics", "invalid_choice", id="topics-surrogate"),
]


@pytest.mark.parametrize(("override", "field", "code"), OUTREACH_API_CASES)
def test_the_outreach_api_refuses_wrong_types_and_sizes_per_field(client, volunteer, rt, override, field, code):
    login_as(client, volunteer)
    before = footprint()

    response = post_json(client, reverse("api-outreach-sessions"), {**as_json(session_input(rt)), **override})

    assert code in [error["code"] for error in api_error(response, field)]
    assert footprint() == before


@pytest.mark.parametrize(("body", "content_type"), RAW_BODIES)
def test_the_outreach_api_answers_any_body_in_json_without_storing_anything(client, volunteer, body, content_type):
    login_as(client, volunteer)
    before = footprint()

    response = client.post(reverse("api-outreach-sessions"), body, content_type=content_type)

    assert response.status_code in (400, 413, 415), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert footprint() == before


@pytest.mark.parametrize(
    "query",
    ["rt=" + "9" * 30, "rt=abc", "rt=%00", "from=2026-99-01", "to=%ED%A0%80", "page=" + "9" * 30, "page=-1"],
)
def test_the_outreach_api_lists_refuse_bad_filters_cleanly(client, volunteer, query):
    login_as(client, volunteer)

    response = client.get(f"{reverse('api-outreach-sessions')}?{query}")

    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_a_group_name_in_nfd_is_the_same_name_as_in_nfc(client, volunteer, rt):
    login_as(client, volunteer)
    group = {"rt": rt.pk, "formed_on": "2026-01-01", "members": "3", "active": "on"}
    client.post(reverse("outreach:groups"), {**group, "name": NFC_TEXT[:60]})

    response = client.post(reverse("outreach:groups"), {**group, "name": NFD_TEXT[:61]})

    assert response.status_code == 400
    assert ChildCareGroup.objects.count() == 1


# --- the login form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("a\x00b", id="NUL"),
        pytest.param(SCRIPT, id="html"),
        pytest.param("\u202erelawan", id="rtl-override"),
        pytest.param(TEN_THOUSAND, id="10k"),
    ],
)
def test_the_login_form_refuses_a_hostile_username_with_a_message(client, volunteer, username):
    response = client.post(LOGIN, {"username": username, "password": MEGABYTE_TEXT})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert SCRIPT not in response.content.decode()
    assert all(len(attempt.username or "") <= 255 for attempt in AccessAttempt.objects.all())


def test_a_megabyte_password_is_just_a_wrong_password(client, volunteer):
    response = client.post(LOGIN, {"username": volunteer.username, "password": PASSWORD + MEGABYTE_TEXT})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("\uff11\uff12\uff13\uff14\uff15\uff16", id="fullwidth-digits"),
        pytest.param("\u0661\u0662\u0663\u0664\u0665\u0666", id="arabic-indic-digits"),
        pytest.param("12345\x00", id="NUL"),
        pytest.param("1" * 10_000, id="10k"),
        pytest.param(SCRIPT, id="html"),
    ],
)
def test_the_second_factor_form_refuses_a_hostile_code_with_a_message(client, officer, token):
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.post(LOGIN, {"username": officer.username, "password": PASSWORD})

    response = client.post(reverse("accounts:verify"), {"token": token})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert SCRIPT not in response.content.decode()


# --- the other public inputs: the language switch and the statistics' year ---------------------------


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "/lapor/\x00",
        MEGABYTE_TEXT[:5000],
    ],
)
def test_the_language_switch_only_ever_redirects_to_this_site(client, target):
    response = client.get(reverse("core:language", args=["en"]), {"next": target})

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\r" not in location and "\n" not in location


@pytest.mark.parametrize("year", ["abc", "9" * 30, "²", "2025\x00", SCRIPT, "-1"])
@pytest.mark.parametrize("url_name", ["dashboard_public:index", "dashboard_public:data"])
def test_the_public_statistics_answer_a_hostile_year_without_crashing(client, url_name, year):
    response = client.get(reverse(url_name), {"tahun": year})

    assert response.status_code in (200, 400, 404)  # an unknown year has no page
    assert SCRIPT not in response.content.decode()
