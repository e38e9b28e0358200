"""The KLA evidence page (issue 20): cluster V figures for the head of agency, the same figures as
the dashboard, printable on A4, and the dashboard's "child victims served" headline leading to it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from areas.models import Kecamatan
from cases.choices import CaseStatus, ServiceStatus
from cases.models import Case, FollowUp
from cases.referrals import referral_send
from cases.services import follow_up_record, service_plan
from core.periods import Period
from dashboard import staff_cache, staff_selectors
from outreach.choices import ForumLevel, PartnerActivityKind, PartnerKind
from outreach.selectors import kla_participation
from outreach.services import (
    ForumActivityInput,
    PartnerActivityInput,
    PartnerInput,
    forum_activity_log,
    partner_activity_log,
    partner_register,
)
from tests.cases_data import follow_up_input, new_report, referral_input, service_input
from triage.services import report_accept, report_acknowledge

pytestmark = pytest.mark.django_db

URL = "/staf/dasbor/kla/"
CHILD_NAMES = ["Budi Santoso", "Siti Aminah", "Rina Wulandari"]


def _period() -> Period:
    today = timezone.localdate()
    return Period(start=today.replace(month=1, day=1), end=today)


def _query() -> dict:
    period = _period()
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


@pytest.fixture
def dataset(supervisor, officer):
    """Three cases of this year: one served, numbered and exported to SIMFONI-PPA and followed up late;
    one numbered with a referral; one with nothing yet. One more report only acknowledged."""
    cases = []
    for index, name in enumerate(CHILD_NAMES):
        report = new_report(child_name=name, child_age=6 + index, violence_types=["fisik"])
        report_acknowledge(report=report, acting_user=supervisor)
        cases.append(report_accept(report=report, acting_user=supervisor, officer=officer))
    report_acknowledge(report=new_report(), acting_user=supervisor)

    today = timezone.localdate()
    served, referred, _nothing = cases
    service_plan(
        case=served,
        data=service_input(status=ServiceStatus.IN_PROGRESS, started_on=today),
        acting_user=officer,
    )
    Case.objects.filter(pk=served.pk).update(
        status=CaseStatus.MONITORING, simfoni_number="6471-2026-0001", simfoni_exported_at=timezone.now()
    )
    served.refresh_from_db()
    follow_up_record(
        case=served,
        data=follow_up_input(visited_on=today - timedelta(days=20), next_follow_up_on=today - timedelta(days=5)),
        acting_user=officer,
    )
    Case.objects.filter(pk=referred.pk).update(simfoni_number="6471-2026-0002")
    referral_send(case=referred, data=referral_input(), acting_user=officer)
    return cases


def _figures(response) -> dict[str, tuple[int, int | None]]:
    return {figure.key: (figure.count, figure.of) for item in response.context["items"] for figure in item.figures}


# --- access ---------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("persona", ["volunteer", "officer", "sysadmin"])
def test_it_refuses_who_may_not_see_the_dashboard(as_user, request, persona):
    assert as_user(request.getfixturevalue(persona)).get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["head", "supervisor"])
def test_it_shows_the_page_to_who_sees_the_dashboard(as_user, request, persona):
    response = as_user(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    assert reverse("dashboard_staff:kla") == URL
    assert response.context["period"] == _period()


def test_it_refuses_a_period_that_ends_before_it_starts(as_user, head):
    response = as_user(head).get(URL, {"start": "2025-03-01", "end": "2025-02-01"})
    assert response.status_code == 200
    assert "items" not in response.context
    assert 'class="error' in response.content.decode() or "errorlist" in response.content.decode()


# --- the figures ----------------------------------------------------------------------------------


def test_its_figures_are_the_dashboards(dataset, as_user, head):
    response = as_user(head).get(URL, _query())

    figures = _figures(response)
    data = staff_selectors.dashboard(user=head, period=_period())
    assert figures["children_served"] == (data.services.children_served, data.services.children)
    assert data.services.children_served == 1 and data.services.children == len(CHILD_NAMES)
    for row in data.response.by_priority:
        assert figures[f"in_time_{row.priority}"] == (row.in_time, row.due)
    assert sum(row.due for row in data.response.by_priority) == len(CHILD_NAMES) + 1
    assert figures["cases"] == (data.profile.cases, None)
    for row in data.justice.referrals.by_status:
        assert figures[f"referrals_{row.key}"] == (row.count, data.justice.referrals.total)
    assert data.justice.referrals.total == 1
    assert figures["referrals_unanswered"] == (data.justice.referrals.unanswered, None)
    assert figures["follow_ups_overdue"] == (data.workload.overdue_follow_ups, None)
    assert data.workload.overdue_follow_ups == 1


def test_it_counts_simfoni_recording_and_follow_ups_of_the_periods_cases(dataset, as_user, head):
    response = as_user(head).get(URL, _query())

    figures = _figures(response)
    cases = Case.objects.filter(pk__in=[case.pk for case in dataset])
    total = len(dataset)
    assert figures["simfoni_numbered"] == (cases.exclude(simfoni_number="").count(), total)
    assert figures["simfoni_exported"] == (cases.filter(simfoni_exported_at__isnull=False).count(), total)
    assert figures["followed_up"] == (FollowUp.objects.values("case").distinct().count(), total)
    assert (figures["simfoni_numbered"][0], figures["simfoni_exported"][0], figures["followed_up"][0]) == (2, 1, 1)


def test_it_leaves_out_cases_of_another_period(dataset, as_user, head):
    last_year = timezone.localdate().year - 1
    response = as_user(head).get(URL, {"start": f"{last_year}-01-01", "end": f"{last_year}-12-31"})

    figures = _figures(response)
    assert figures["cases"] == (0, None)
    assert figures["simfoni_numbered"] == (0, 0)
    assert figures["children_served"] == (0, 0)
    assert "–" in response.content.decode()


def test_it_shows_counts_and_no_identities(dataset, as_user, head):
    html = as_user(head).get(URL, _query()).content.decode()

    for name in CHILD_NAMES:
        assert name not in html and name.split()[0] not in html
    for case in dataset:
        assert case.reference not in html
    row = re.search(r'<tr data-figure="children_served">.*?</tr>', html, re.S)[0]
    assert ">1 / 3<" in row and "33,3%" in row
    for key in ("served", "simfoni", "monitoring", "participation"):
        assert f'id="kla-{key}"' in html
    assert html.count('class="kla-counted"') >= 3 and html.count('class="kla-evidence-note"') >= 3
    assert "Setiap anak korban terlayani" in html  # Indonesian first


def test_it_costs_a_fixed_number_of_queries(dataset, as_user, head, officer, django_assert_max_num_queries):
    client = as_user(head)
    client.get(URL, _query())  # warm up the session and the cached menu counts
    cache.delete(_dashboard_key(head))  # time the computation, not the cached figures
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, _query()).status_code == 200

    for index in range(5):
        case = report_accept(report=new_report(child_name=f"Anak {index}"), acting_user=officer)
        Case.objects.filter(pk=case.pk).update(simfoni_number=f"6471-X-{index}")
    cache.delete(_dashboard_key(head))
    with CaptureQueriesContext(connection) as larger:
        client.get(URL, _query())

    assert len(larger) == len(small), [query["sql"] for query in larger.captured_queries]
    assert len(small) <= 48  # the dashboard's 28, 1 of its own, Forum Anak and partners, session and menu
    with django_assert_max_num_queries(16):  # the dashboard's figures kept a minute (staff_cache)
        client.get(URL, _query())


def _dashboard_key(user):
    """The cache key of the dashboard figures the page reads (the page asks in Indonesian)."""
    with translation.override("id"):
        return staff_cache.dashboard_cache_key(
            user=user, period=_period(), kecamatan=None, not_recorded=translation.gettext("Not recorded")
        )


# --- printing -------------------------------------------------------------------------------------


def test_it_prints_on_a4_with_the_agency_the_period_and_the_date_printed(as_user, head):
    html = as_user(head).get(URL, _query()).content.decode()

    assert "css/kla-print.css" in html
    css = Path(finders.find("css/kla-print.css")).read_text()
    print_rules = css.split("@media print", 1)[1]
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", print_rules)
    for hidden in (".site-header", ".page-shortcuts", ".site-footer", ".kla-screen-only"):
        assert hidden in print_rules.split("display: none", 1)[0]
    head_html = html.split('class="kla-head"', 1)[1].split("</header>", 1)[0]
    assert "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana" in head_html
    assert 'id="kla-period"' in head_html and "Seluruh Balikpapan" in head_html
    assert "Dicetak" in head_html and str(timezone.localdate().year) in head_html
    assert 'class="kla-screen-only"' in html  # the period form and the links, not printed


# --- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_leads_with_child_victims_served_and_links_the_kla_page(dataset, as_user, head):
    html = as_user(head).get(reverse("dashboard_staff:index"), _query()).content.decode()

    item = re.search(r'<li class="card headline" data-headline="children_served">.*?</li>', html, re.S)[0]
    assert '<span class="headline-value">1</span>' in item
    assert "Anak korban terlayani" in item and "dari 3 anak korban" in item and "(33%)" in item
    period = _period()
    assert f'href="{URL}?start={period.start.isoformat()}&amp;end={period.end.isoformat()}"' in item


def test_it_shows_forum_anak_and_partners_as_outreach_counts_them(as_user, head, officer):
    today = timezone.localdate()
    forum_activity_log(
        data=ForumActivityInput(level=ForumLevel.KOTA, held_on=today, title="Musyawarah Forum Anak Kota", children=40),
        acting_user=officer,
    )
    forum_activity_log(
        data=ForumActivityInput(
            level=ForumLevel.KECAMATAN,
            kecamatan=Kecamatan.objects.get(name="Balikpapan Utara"),
            held_on=today,
            title="Forum Anak Kecamatan",
            children=25,
        ),
        acting_user=officer,
    )
    media = partner_register(data=PartnerInput(name="Tribun Kaltim", kind=PartnerKind.MEDIA), acting_user=officer)
    partner_activity_log(
        partner=media,
        data=PartnerActivityInput(
            held_on=today, kind=PartnerActivityKind.MEDIA_COVERAGE, title="Liputan cara melapor", children_reached=120
        ),
        acting_user=officer,
    )

    response = as_user(head).get(URL, _query())

    html = response.content.decode()
    participation = kla_participation(_period())
    assert response.context["participation"] == participation
    assert participation.city_forum_active and participation.forum_children == 65
    city = re.search(r'<tr data-figure="city_forum">.*?</tr>', html, re.S)[0]
    assert ">Ya<" in city
    kecamatan = re.search(r'<tr data-figure="kecamatan_forums">.*?</tr>', html, re.S)[0]
    assert f">1 / {participation.kecamatan_total}<" in kecamatan
    level = re.search(r'<tr data-level="kota">.*?</tr>', html, re.S)[0]
    assert ">1<" in level and ">40<" in level
    row = re.search(rf'<tr data-kind="{PartnerKind.MEDIA}">.*?</tr>', html, re.S)[0]
    figures = participation.partners_of(PartnerKind.MEDIA)
    cells = re.findall(r'<td class="num">([^<]+)</td>', row)
    assert cells == [str(figures.partners_active), str(figures.partners_with_activity), "1", "120"]
