"""UPTD PPA staff titles (issue 20): Manajer Kasus, Pendamping, Penerima Pengaduan, Kepala UPTD PPA; and
SAPA 129 shown as 129 and WhatsApp 08111-129-129 wherever the hotline is shown."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from cases.services import case_assign
from reports.choices import Channel
from reports.services import IntakeInput
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.reporting import report_input
from triage.services import report_accept, report_intake

pytestmark = pytest.mark.django_db


def _facts(html: str) -> dict[str, str]:
    """The <dt>/<dd> pairs of a page, as text."""
    return {
        re.sub(r"<[^>]+>", "", dt).strip(): re.sub(r"<[^>]+>", "", dd).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S)
    }


def test_the_case_page_names_the_case_manager_and_the_accompanying_officer(client, supervisor, officer, other_officer):
    officer.first_name, officer.last_name = "Rina", "Wati"
    officer.save()
    other_officer.first_name, other_officer.last_name = "Agus", "Salim"
    other_officer.save()
    case = report_accept(report=new_report(), acting_user=supervisor, officer=officer)
    case_assign(
        case=case, officer=officer, second_officer=other_officer, expected_version=case.version, acting_user=supervisor
    )
    login_as(client, officer)

    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()

    facts = _facts(html)
    assert facts["Manajer Kasus"] == "Rina Wati"
    assert facts["Pendamping"] == "Agus Salim"
    assert "Petugas" not in facts


def test_the_case_page_has_no_accompanying_officer_when_there_is_none(client, supervisor, officer):
    case = report_accept(report=new_report(), acting_user=supervisor, officer=officer)
    login_as(client, officer)

    facts = _facts(client.get(reverse("cases:detail", args=[case.uuid])).content.decode())

    assert "Manajer Kasus" in facts and "Pendamping" not in facts


def test_the_assign_form_asks_for_the_case_manager_and_the_accompanying_officer(client, supervisor, officer):
    case = report_accept(report=new_report(), acting_user=supervisor, officer=officer)
    login_as(client, supervisor)

    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()

    assert re.search(r"<label[^>]*>\s*Manajer Kasus", html)
    assert re.search(r"<label[^>]*>\s*Pendamping", html)
    assert "Tunjuk Manajer Kasus dan Pendamping" in html


def test_a_staff_intake_names_its_intake_officer(client, officer):
    officer.first_name, officer.last_name = "Maya", "Sari"
    officer.save()
    data = IntakeInput(**{**vars(report_input(reporter_relation="other")), "reporter_role": "parent"})
    report = report_intake(data=data, channel=Channel.WALK_IN, acting_user=officer).submitted.report
    login_as(client, officer)

    assert (
        _facts(client.get(reverse("triage:report", args=[report.uuid])).content.decode())["Penerima Pengaduan"]
        == "Maya Sari"
    )
    form = client.get(reverse("reports:intake")).content.decode()
    assert re.search(r"Penerima Pengaduan: <strong>Maya Sari</strong>", form)


def test_a_web_report_has_no_intake_officer(client, officer):
    report = new_report()
    login_as(client, officer)

    assert "Penerima Pengaduan" not in client.get(reverse("triage:report", args=[report.uuid])).content.decode()


def test_the_supervisor_is_the_head_of_the_uptd_ppa_below_the_head_of_agency():
    with translation.override("id"):
        assert str(Role.SUPERVISOR.label) == "Kepala UPTD PPA (koordinator)"
        assert str(Role.HEAD.label) == "Kepala dinas"
    with translation.override("en"):
        assert str(Role.SUPERVISOR.label) == "Head of UPTD PPA (supervisor)"


@pytest.mark.parametrize("url", ["/", "/lapor/", "/lapor/status/"])
def test_the_public_pages_dial_129_and_write_to_whatsapp_08111_129_129(client, db, url):
    html = client.get(url).content.decode()

    sapa = re.search(r'<a class="button" href="tel:129">([^<]+)</a>', html)
    assert sapa and "SAPA 129" in sapa[1]
    whatsapp = re.search(r'<a class="button" href="https://wa.me/628111129129"[^>]*>([^<]+)</a>', html)
    assert whatsapp and whatsapp[1].endswith("08111-129-129")
    assert "0811-1129-129" not in html
    assert 'href="tel:129">129</a>' in html  # the footer
