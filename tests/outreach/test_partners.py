"""Partner organisations of the agency (KLA cluster V: business, media, ...) and their activities."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEvent
from outreach.models import PartnerActivity, PartnerOrganisation
from outreach.services import partner_activity_log, partner_deactivate, partner_register
from tests.conftest import login_as
from tests.outreach.test_outreach_api import post_json
from tests.outreach_data import partner_activity_input, partner_input

pytestmark = pytest.mark.django_db

PARTNERS = reverse("outreach_staff:partners")
REGISTER = reverse("outreach_staff:partner_register")
PARTNERS_API = reverse("api-outreach-partners")


def partner_page(partner) -> str:
    return reverse("outreach_staff:partner", args=[partner.uuid])


@pytest.fixture
def partner(supervisor):
    return partner_register(data=partner_input(), acting_user=supervisor)


# --- Services ------------------------------------------------------------------------------------


def test_it_registers_a_partner_with_an_audit_row(officer):
    partner = partner_register(data=partner_input(name="  Tribun Contoh  ", kind="media"), acting_user=officer)

    assert (partner.name, partner.kind, partner.active, partner.registered_by) == (
        "Tribun Contoh",
        "media",
        True,
        officer,
    )
    event = AuditEvent.objects.get(action="outreach.partner_registered")
    assert (event.actor, event.data) == (officer, {"kind": "media"})


def test_it_keeps_the_contact_person_encrypted_in_the_row(partner):
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_person FROM outreach_partnerorganisation WHERE id = %s", [partner.pk])
        (stored,) = cursor.fetchone()

    assert stored and "Rina" not in stored and "0812" not in stored
    assert PartnerOrganisation.objects.get().contact_person == "Ibu Rina, 0812-0000-1111"


def test_it_refuses_a_partner_registered_twice(partner, officer):
    with pytest.raises(DomainError) as refused:
        partner_register(data=partner_input(name=partner.name.upper()), acting_user=officer)

    assert (refused.value.field, refused.value.code) == ("name", "partner_exists")


@pytest.mark.parametrize(("field", "value"), [("name", "   "), ("kind", "pemerintah")])
def test_it_refuses_a_partner_without_a_name_or_with_an_unknown_kind(officer, field, value):
    with pytest.raises(DomainError) as refused:
        partner_register(data=partner_input(**{field: value}), acting_user=officer)

    assert refused.value.field == field
    assert PartnerOrganisation.objects.count() == 0


@pytest.mark.parametrize("persona", ["volunteer", "head", "sysadmin"])
def test_only_officers_and_supervisors_register_partners(request, persona):
    with pytest.raises(DomainError) as refused:
        partner_register(data=partner_input(), acting_user=request.getfixturevalue(persona))

    assert refused.value.code == "not_agency_staff"
    assert PartnerOrganisation.objects.count() == 0


def test_it_logs_a_partner_activity_in_a_kecamatan_or_the_whole_city(partner, officer, rt):
    kecamatan = rt.kelurahan.kecamatan
    local = partner_activity_log(
        partner=partner, data=partner_activity_input(kecamatan=kecamatan, notes="Catatan"), acting_user=officer
    )
    city = partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)

    assert (local.kecamatan, city.kecamatan) == (kecamatan, None)
    assert AuditEvent.objects.filter(action="outreach.partner_activity_logged").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("held_on", "future"), ("kind", "konser"), ("title", ""), ("children_reached", 10_001)],
)
def test_it_refuses_a_bad_partner_activity(partner, officer, field, value):
    if value == "future":
        value = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        partner_activity_log(partner=partner, data=partner_activity_input(**{field: value}), acting_user=officer)

    assert refused.value.field == field
    assert PartnerActivity.objects.count() == 0


def test_a_deactivated_partner_keeps_its_activities_and_takes_no_new_one(partner, officer):
    partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)

    partner_deactivate(partner=partner, acting_user=officer)

    partner.refresh_from_db()
    assert partner.active is False
    assert partner.activities.count() == 1
    with pytest.raises(DomainError) as refused:
        partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)
    assert refused.value.code == "partner_inactive"
    with pytest.raises(DomainError):
        partner_deactivate(partner=partner, acting_user=officer)
    assert AuditEvent.objects.filter(action="outreach.partner_deactivated").count() == 1


# --- Pages ---------------------------------------------------------------------------------------


def test_the_list_shows_an_empty_state(client, head):
    login_as(client, head)

    page = client.get(PARTNERS).text

    assert "Belum ada organisasi mitra" in page
    assert REGISTER not in page  # the head reads, does not register


def test_an_officer_registers_a_partner_in_the_form(client, officer):
    login_as(client, officer)

    response = client.post(
        REGISTER, {"name": "Radio Contoh FM", "kind": "media", "contact_person": "Ibu Ani 0812", "agreement": ""}
    )

    partner = PartnerOrganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == partner_page(partner)
    assert partner.contact_person == "Ibu Ani 0812"


def test_the_form_tells_each_mistake_in_indonesian(client, officer):
    login_as(client, officer)

    response = client.post(REGISTER, {"name": "", "kind": ""})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"name", "kind"}
    assert PartnerOrganisation.objects.count() == 0


def test_the_list_counts_each_partners_activities(client, officer, partner):
    other = partner_register(data=partner_input(name="Koran Contoh", kind="media"), acting_user=officer)
    for _ in range(3):
        partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)
    login_as(client, officer)

    page = client.get(PARTNERS)

    counts = {row.name: row.activity_count for row in page.context["page"]}
    assert counts == {partner.name: 3, other.name: 0}


def test_the_list_keeps_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    login_as(client, officer)
    client.get(PARTNERS)
    partner_register(data=partner_input(), acting_user=officer)
    with django_assert_max_num_queries(12) as few:
        client.get(PARTNERS)
    for number in range(6):
        extra = partner_register(data=partner_input(name=f"Mitra {number}"), acting_user=officer)
        partner_activity_log(partner=extra, data=partner_activity_input(), acting_user=officer)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PARTNERS)


def test_the_detail_page_shows_the_contact_and_the_activities(client, head, officer, partner, rt):
    partner_activity_log(
        partner=partner, data=partner_activity_input(kecamatan=rt.kelurahan.kecamatan), acting_user=officer
    )
    login_as(client, head)

    page = client.get(partner_page(partner)).text

    assert "Ibu Rina, 0812-0000-1111" in page
    assert "Kampanye stop kekerasan anak" in page and rt.kelurahan.kecamatan.name in page


def test_the_detail_page_keeps_a_fixed_number_of_queries(client, officer, partner, django_assert_max_num_queries):
    login_as(client, officer)
    partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)
    client.get(partner_page(partner))
    with django_assert_max_num_queries(14) as few:
        client.get(partner_page(partner))
    for _ in range(6):
        partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(partner_page(partner))


def test_an_officer_logs_an_activity_in_the_form(client, officer, partner):
    login_as(client, officer)
    url = reverse("outreach_staff:partner_activity_log", args=[partner.uuid])

    bad = client.post(url, {"held_on": "", "kind": "liputan", "title": "", "children_reached": "-1"})
    good = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "kind": "liputan",
            "title": "Talkshow radio",
            "kecamatan": "",
            "children_reached": "0",
        },
    )

    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"held_on", "title", "children_reached"}
    assert good.status_code == 302
    assert PartnerActivity.objects.get().title == "Talkshow radio"


def test_deactivating_asks_for_confirmation_first(client, officer, partner):
    login_as(client, officer)
    url = reverse("outreach_staff:partner_deactivate", args=[partner.uuid])

    confirm = client.get(url)
    partner.refresh_from_db()
    assert confirm.status_code == 200 and partner.active
    assert "Ya, tandai tidak aktif" in confirm.text

    response = client.post(url)

    partner.refresh_from_db()
    assert response.status_code == 302 and not partner.active
    assert "Tidak aktif" in client.get(PARTNERS).text


@pytest.mark.parametrize("persona", ["head", "volunteer", "sysadmin"])
def test_others_cannot_deactivate(client, request, partner, persona):
    login_as(client, request.getfixturevalue(persona))

    response = client.post(reverse("outreach_staff:partner_deactivate", args=[partner.uuid]))

    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.active


# --- API -----------------------------------------------------------------------------------------


def test_the_api_registers_lists_and_deactivates(client, officer):
    login_as(client, officer)

    created = post_json(client, PARTNERS_API, {"name": "PT Contoh", "kind": "dunia_usaha", "contact_person": "Pak A"})
    assert created.status_code == 201, created.json()
    key = created.json()["id"]
    logged = post_json(
        client,
        reverse("api-outreach-partner-activities", args=[key]),
        {"held_on": timezone.localdate().isoformat(), "kind": "dukungan", "title": "CSR", "children_reached": 30},
    )
    assert logged.status_code == 201, logged.json()
    assert logged.json()["kecamatan"] is None
    listed = client.get(PARTNERS_API).json()["results"]
    assert [(row["name"], row["activity_count"], row["contact_person"]) for row in listed] == [
        ("PT Contoh", 1, "Pak A")
    ]
    ended = client.post(reverse("api-outreach-partner-deactivate", args=[key]))
    assert (ended.status_code, ended.json()["active"]) == (200, False)
    again = client.post(reverse("api-outreach-partner-deactivate", args=[key]))
    assert again.json() == {
        "non_field_errors": [{"message": again.json()["non_field_errors"][0]["message"], "code": "partner_inactive"}]
    }


def test_the_api_gives_machine_readable_errors(client, officer, partner):
    login_as(client, officer)

    duplicate = post_json(client, PARTNERS_API, {"name": partner.name, "kind": "media"})
    bad_kind = post_json(client, PARTNERS_API, {"name": "X", "kind": "pemerintah"})

    assert duplicate.status_code == 400 and duplicate.json()["name"][0]["code"] == "partner_exists"
    assert bad_kind.status_code == 400 and bad_kind.json()["kind"][0]["code"] == "invalid_choice"


@pytest.mark.parametrize("persona", ["head"])
def test_the_api_lets_the_head_read_but_not_write(client, request, partner, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(PARTNERS_API).status_code == 200
    assert post_json(client, PARTNERS_API, {"name": "Y", "kind": "media"}).status_code == 403
    assert client.post(reverse("api-outreach-partner-deactivate", args=[partner.uuid])).status_code == 403


def test_the_api_list_keeps_a_fixed_number_of_queries(client, officer, django_assert_max_num_queries):
    login_as(client, officer)
    partner_register(data=partner_input(), acting_user=officer)
    with django_assert_max_num_queries(12) as few:
        client.get(PARTNERS_API)
    for number in range(5):
        partner_register(data=partner_input(name=f"Mitra {number}"), acting_user=officer)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(PARTNERS_API).json()["results"]) == 6
