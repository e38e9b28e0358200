import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from areas.models import RT, Kecamatan, Kelurahan
from core.models import AuditEvent
from core.periods import Period, last_twelve_months
from outreach.selectors import (
    kelurahan_to_target,
    outreach_coverage,
    rts_never_reached,
    rts_to_target,
)
from outreach.services import child_care_group_register, outreach_session_log
from outreach.staff_views import BarChart
from reports.choices import Channel, Status
from reports.models import Report
from reports.services import report_submit
from tests.conftest import login_as
from tests.factories import RTFactory, UserFactory
from tests.outreach_data import group_input, session_input
from tests.reporting import NARRATIVE, report_input

pytestmark = pytest.mark.django_db

COVERAGE = reverse("outreach_staff:coverage")
TARGETING = reverse("outreach_staff:targeting")
EXPORT_SESSIONS = reverse("outreach_staff:export_sessions")
EXPORT_GROUPS = reverse("outreach_staff:export_groups")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def today():
    return timezone.localdate()


def log_session(volunteer, rt, **overrides):
    return outreach_session_log(data=session_input(rt, **overrides), acting_user=volunteer)


def submit_report(rt=None, *, kelurahan=None):
    kelurahan = kelurahan or rt.kelurahan
    return report_submit(data=report_input(kelurahan=kelurahan, rt=rt), channel=Channel.WEB, acting_user=None).report


def csv_rows(response) -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def unreached_rt(rt, volunteer):
    """A second RT of the volunteer, without a session in the last 12 months unless a test logs one."""
    second = RTFactory(kelurahan=rt.kelurahan, number=2)
    volunteer.rts.add(second)
    return second


# --- The default period -----------------------------------------------------------------


def test_it_defaults_to_the_twelve_months_up_to_today():
    assert last_twelve_months(today=date(2026, 5, 10)) == Period(start=date(2025, 5, 11), end=date(2026, 5, 10))
    assert last_twelve_months(today=date(2028, 2, 29)) == Period(start=date(2027, 3, 1), end=date(2028, 2, 29))


def test_it_turns_a_period_into_local_days_and_months():
    period = Period(start=date(2025, 11, 20), end=date(2026, 2, 3))

    assert period.months() == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    start, end = period.received_range()
    assert (start.isoformat(), end.isoformat()) == ("2025-11-20T00:00:00+08:00", "2026-02-04T00:00:00+08:00")


# --- Coverage numbers -------------------------------------------------------------------


def test_it_counts_sessions_children_adults_and_rts_reached(
    officer, volunteer, rt, other_volunteer, other_rt, unreached_rt
):
    log_session(volunteer, rt)
    log_session(volunteer, rt, boys=1, girls=2, men=3, women=4)
    log_session(other_volunteer, other_rt, boys=5, girls=5, men=0, women=2)
    log_session(volunteer, unreached_rt, held_on=today() - timedelta(days=400))

    coverage = outreach_coverage(user=officer, period=last_twelve_months(today=today()))

    total = coverage.total
    assert (total.sessions, total.children, total.adults) == (3, 27 + 3 + 10, 13 + 7 + 2)
    assert (total.rts_reached, total.rts_known, round(total.share_reached, 1)) == (2, 3, 66.7)
    by_name = {kecamatan.name: kecamatan for kecamatan in coverage.kecamatan}
    assert len(by_name) == Kecamatan.objects.count()
    utara, selatan = by_name["Balikpapan Utara"], by_name["Balikpapan Selatan"]
    assert (utara.sessions, utara.children, utara.adults, utara.rts_reached, utara.rts_known) == (2, 30, 20, 1, 2)
    assert (selatan.sessions, selatan.rts_reached, selatan.rts_known) == (1, 1, 1)
    gunung_samarinda = next(row for row in utara.kelurahan if row.name == "Gunung Samarinda")
    assert (gunung_samarinda.sessions, gunung_samarinda.rts_reached, gunung_samarinda.rts_known) == (2, 1, 2)
    assert by_name["Balikpapan Timur"].share_reached is None


def test_it_counts_rts_with_an_active_child_care_group(officer, volunteer, rt, other_volunteer, other_rt):
    child_care_group_register(data=group_input(rt), acting_user=volunteer)
    child_care_group_register(data=group_input(rt, name="Kelompok Mawar"), acting_user=volunteer)
    child_care_group_register(data=group_input(other_rt, active=False), acting_user=other_volunteer)

    coverage = outreach_coverage(user=officer, period=last_twelve_months(today=today()))

    by_name = {kecamatan.name: kecamatan for kecamatan in coverage.kecamatan}
    assert (by_name["Balikpapan Utara"].rts_with_group, by_name["Balikpapan Selatan"].rts_with_group) == (1, 0)
    assert coverage.total.rts_with_group == 1


def test_it_totals_sessions_and_people_per_month_with_empty_months(officer, volunteer, rt):
    period = Period(start=date(2026, 1, 15), end=today())
    log_session(volunteer, rt, held_on=date(2026, 1, 20))
    log_session(volunteer, rt, held_on=date(2026, 1, 31), boys=0, girls=0, men=1, women=1)
    log_session(volunteer, rt, held_on=date(2026, 1, 14))

    months = outreach_coverage(user=officer, period=period).months

    assert months[0].month == date(2026, 1, 1)
    assert (months[0].sessions, months[0].people) == (2, 40 + 2)
    assert [month.month for month in months] == period.months()
    assert all((month.sessions, month.people) == (0, 0) for month in months[1:])


def test_it_filters_coverage_by_kecamatan(officer, volunteer, rt, other_volunteer, other_rt):
    log_session(volunteer, rt)
    log_session(other_volunteer, other_rt)
    selatan = Kecamatan.objects.get(name="Balikpapan Selatan")

    coverage = outreach_coverage(user=officer, period=last_twelve_months(today=today()), kecamatan=selatan)

    assert [kecamatan.name for kecamatan in coverage.kecamatan] == ["Balikpapan Selatan"]
    assert (coverage.total.sessions, coverage.total.rts_known) == (1, 1)


def test_it_lists_the_rts_never_reached_in_one_query(officer, volunteer, rt, unreached_rt, other_rt):
    log_session(volunteer, rt)
    log_session(volunteer, unreached_rt, held_on=today() - timedelta(days=400))

    with CaptureQueriesContext(connection) as queries:
        never_reached = list(rts_never_reached(user=officer, period=last_twelve_months(today=today())))

    assert len(queries) == 1
    assert never_reached == [other_rt, unreached_rt]  # Balikpapan Selatan before Utara
    assert never_reached[0].kelurahan.kecamatan.name == "Balikpapan Selatan"


# --- The coverage page ------------------------------------------------------------------


def test_it_shows_the_numbers_with_indonesian_separators_a_chart_and_its_table(
    client, supervisor, volunteer, rt, unreached_rt
):
    log_session(volunteer, rt, boys=1000, girls=234, men=0, women=0)
    login_as(client, supervisor)

    response = client.get(COVERAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1.234" in page
    assert '<svg class="chart-svg chart-sessions"' in page and "<title" in page
    assert "<script" not in page.split("<main", 1)[1]
    held_in = (today() - timedelta(days=1)).replace(day=1)
    assert [m.people for m in response.context["coverage"].months if m.month == held_in] == [1234]
    assert list(response.context["never_reached"]) == [unreached_rt]
    assert "RT 002" in page
    assert "outreach.css" in page
    assert 'type="date"' in page


def test_it_draws_bars_in_proportion_and_writes_values_only_where_they_fit():
    months = [date(2026, month, 1) for month in range(1, 13)]
    chart = BarChart.of("sessions", "Sessions", list(zip(months, [0, 5, 10] + [1] * 9, strict=True)))
    crowded = BarChart.of("people", "People", list(zip(months, [12_345] * 12, strict=True)))

    assert [bar.height for bar in chart.bars[:3]] == [
        0,
        chart.bars[2].height / 2,
        chart.HEIGHT - chart.TOP - chart.BOTTOM,
    ]
    assert chart.bars[2].y == chart.TOP and chart.bars[0].y == chart.baseline
    assert chart.show_values and not crowded.show_values
    assert [bar.show_year for bar in chart.bars] == [True] + [False] * 11


def test_it_filters_the_page_by_period_and_kecamatan(client, officer, volunteer, rt, other_volunteer, other_rt):
    log_session(volunteer, rt, held_on=today() - timedelta(days=40))
    log_session(other_volunteer, other_rt, held_on=today() - timedelta(days=2))
    login_as(client, officer)
    recent = {"start": (today() - timedelta(days=10)).isoformat(), "end": today().isoformat()}

    only_recent = client.get(COVERAGE, recent).context["coverage"]
    selatan = Kecamatan.objects.get(name="Balikpapan Selatan")
    only_utara = client.get(COVERAGE, {"kecamatan": Kecamatan.objects.get(name="Balikpapan Utara").pk})

    assert (only_recent.total.sessions, only_recent.total.rts_reached) == (1, 1)
    assert only_recent.period == Period(start=today() - timedelta(days=10), end=today())
    assert only_utara.context["coverage"].total.sessions == 1
    lead = only_utara.content.decode().split('class="lead period"', 1)[1].split("</p>", 1)[0]
    assert "Kecamatan Balikpapan Utara" in lead
    assert selatan.name not in only_utara.content.decode().split('id="kecamatan-title"', 1)[1]


def test_it_shows_an_error_for_a_period_that_ends_before_it_starts(client, officer):
    login_as(client, officer)

    response = client.get(COVERAGE, {"start": "2026-03-01", "end": "2026-02-01"})

    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert "coverage" not in response.context


def test_it_pages_the_rts_never_reached_by_fifty(client, head):
    kelurahan = Kelurahan.objects.get(name="Manggar")
    RT.objects.bulk_create(RT(kelurahan=kelurahan, number=number) for number in range(1, 56))
    login_as(client, head)

    first = client.get(COVERAGE)
    second = client.get(COVERAGE, {"page": 2})

    assert len(first.context["never_reached"].object_list) == 50
    assert [rt.number for rt in second.context["never_reached"]] == [51, 52, 53, 54, 55]
    assert "page=2#never-reached" in first.content.decode()


# --- Where to go next -------------------------------------------------------------------


def test_it_points_to_places_with_reports_and_no_session(client, officer, volunteer, rt, other_volunteer, other_rt):
    quiet_rt = RTFactory(kelurahan=Kelurahan.objects.get(name="Manggar"), number=3)
    for _ in range(2):
        submit_report(rt)
    submit_report(kelurahan=rt.kelurahan)  # no RT given: counts for the kelurahan only
    submit_report(other_rt)
    log_session(other_volunteer, other_rt)
    old = submit_report(quiet_rt)
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=400))
    duplicate = submit_report(rt)
    Report.objects.filter(pk=duplicate.pk).update(status=Status.DUPLICATE)
    login_as(client, officer)

    response = client.get(TARGETING)

    assert response.status_code == 200
    assert [(target.pk, target.report_count) for target in response.context["rts"]] == [(rt.pk, 2)]
    assert [(k.name, k.report_count) for k in response.context["kelurahan_list"]] == [("Gunung Samarinda", 3)]
    page = response.content.decode()
    assert NARRATIVE not in page and NARRATIVE[:20] not in page
    assert "Sepinggan" not in page.split("<main", 1)[1]


def test_it_orders_targets_by_number_of_reports(officer):
    few, many = RTFactory(number=4), RTFactory(kelurahan=Kelurahan.objects.get(name="Damai"), number=5)
    submit_report(few)
    for _ in range(3):
        submit_report(many)
    period = last_twelve_months(today=today())

    targets = rts_to_target(user=officer, period=period)
    assert [(rt.pk, rt.report_count) for rt in targets] == [(many.pk, 3), (few.pk, 1)]
    assert [k.name for k in kelurahan_to_target(user=officer, period=period)] == ["Damai", "Gunung Samarinda"]
    damai_only = kelurahan_to_target(user=officer, period=period, kecamatan=many.kelurahan.kecamatan)
    assert [k.name for k in damai_only] == ["Damai"]


# --- CSV exports ------------------------------------------------------------------------


def test_it_exports_the_sessions_of_the_period_as_excel_friendly_csv(client, officer, volunteer, rt):
    log_session(volunteer, rt, facilitators='=HYPERLINK("http://contoh.invalid","klik")', materials="-2+3")
    log_session(volunteer, rt, held_on=today() - timedelta(days=400))
    login_as(client, officer)

    response = client.get(EXPORT_SESSIONS)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sosialisasi-sesi_')
    body, rows = csv_rows(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0][:4] == ["Kecamatan", "Kelurahan", "RT", "Tanggal"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Fasilitator"] == '\'=HYPERLINK("http://contoh.invalid","klik")'
    assert row["Materi yang dibagikan"] == "'-2+3"
    assert (row["RT"], row["Kelurahan"], row["Kecamatan"]) == ("RT 001", "Gunung Samarinda", "Balikpapan Utara")
    assert row["Tanggal"] == (today() - timedelta(days=1)).isoformat()
    assert (row["Jumlah anak"], row["Jumlah dewasa"]) == ("27", "13")
    event = AuditEvent.objects.get(action="outreach.exported")
    period = last_twelve_months(today=today())
    assert event.actor == officer
    assert event.data == {
        "what": "sessions",
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "kecamatan": None,
    }


def test_it_exports_only_the_chosen_kecamatan_and_period(client, head, volunteer, rt, other_volunteer, other_rt):
    log_session(volunteer, rt)
    log_session(other_volunteer, other_rt, held_on=today() - timedelta(days=20))
    selatan = Kecamatan.objects.get(name="Balikpapan Selatan")
    login_as(client, head)

    _, by_kecamatan = csv_rows(client.get(EXPORT_SESSIONS, {"kecamatan": selatan.pk}))
    _, by_period = csv_rows(client.get(EXPORT_SESSIONS, {"start": (today() - timedelta(days=5)).isoformat()}))

    assert [row[0] for row in by_kecamatan[1:]] == ["Balikpapan Selatan"]
    assert [row[1] for row in by_period[1:]] == ["Gunung Samarinda"]
    events = AuditEvent.objects.filter(action="outreach.exported").order_by("pk")
    assert [event.data["kecamatan"] for event in events] == [selatan.pk, None]


def test_it_refuses_an_export_with_a_bad_period(client, officer):
    login_as(client, officer)

    response = client.get(EXPORT_SESSIONS, {"start": "2026-03-01", "end": "2026-02-01"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="outreach.exported").exists()


def test_it_exports_groups_without_the_contact_person(client, supervisor, volunteer, rt):
    child_care_group_register(
        data=group_input(rt, name="@Kelompok Melati", contact_person="Ibu Kenanga 0812777", members=12),
        acting_user=volunteer,
    )
    child_care_group_register(data=group_input(rt, name="Kelompok Mawar", active=False), acting_user=volunteer)
    login_as(client, supervisor)

    response = client.get(EXPORT_GROUPS)

    body, rows = csv_rows(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"Kenanga" not in body and b"0812777" not in body
    assert rows[0] == [
        "Kecamatan",
        "Kelurahan",
        "RT",
        "Nama kelompok",
        "Tanggal dibentuk",
        "Jumlah anggota",
        "Aktif",
        "Kegiatan terakhir",
        "Ada narahubung",
    ]
    assert [(row[3], row[5], row[6], row[8]) for row in rows[1:]] == [
        ("'@Kelompok Melati", "12", "Ya", "Ya"),
        ("Kelompok Mawar", "0", "Tidak", "Tidak"),
    ]
    assert rows[1][4] == (today() - timedelta(days=90)).isoformat()
    event = AuditEvent.objects.get(action="outreach.exported")
    assert (event.actor, event.data) == (supervisor, {"what": "groups"})


# --- Who gets in ------------------------------------------------------------------------

PAGES = [COVERAGE, TARGETING, EXPORT_SESSIONS, EXPORT_GROUPS]


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["volunteer", "sysadmin"])
def test_it_refuses_volunteers_and_the_sysadmin(client, request, persona, url):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="outreach.exported").exists()


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["officer", "supervisor", "head"])
def test_it_lets_the_agency_in(client, request, persona, url):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(url).status_code == 200


# --- Query budgets ----------------------------------------------------------------------


def populate(size: int, *, first_number: int) -> None:
    """`size` RTs over several kecamatan with a session and a group each, as many without, reports in both."""
    kelurahan = list(Kelurahan.objects.order_by("pk")[:10])
    rts = RT.objects.bulk_create(
        RT(kelurahan=kelurahan[index % 10], number=first_number + index) for index in range(2 * size)
    )
    reached, unreached = rts[:size], rts[size:]
    volunteer = UserFactory(role=Role.VOLUNTEER, rts=reached)
    for index, rt in enumerate(reached):
        log_session(volunteer, rt, held_on=today() - timedelta(days=1 + 11 * index))
        child_care_group_register(data=group_input(rt), acting_user=volunteer)
    for rt in [*unreached, reached[0]]:
        submit_report(rt)


@pytest.mark.parametrize("url", [COVERAGE, TARGETING])
def test_the_pages_cost_the_same_queries_for_2_or_30_sessions(client, officer, url, django_assert_max_num_queries):
    login_as(client, officer)
    counts = []
    for size, first_number in ((2, 100), (28, 200)):
        populate(size, first_number=first_number)
        with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
