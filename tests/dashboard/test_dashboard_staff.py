"""The agency's KLA dashboard: figures from a known dataset, access, no identities, fixed queries."""

import math
import statistics
import time
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from alerts.models import AlertKind
from alerts.services import alert_raise
from areas.models import Kelurahan
from cases.choices import ServiceStatus
from cases.models import Case
from cases.services import service_plan
from core.periods import Period
from dashboard import staff_cache, staff_selectors
from dashboard.definitions import SIMFONI_VIOLENCE, age_band
from tests.cases_data import new_report, service_input
from triage.services import report_accept, report_acknowledge, report_mark_duplicate_of_case

# Every test here uses the database (some only through persona fixtures): marked, they run
# before the transactional tests, whose flush would empty the shipped kelurahan.
pytestmark = pytest.mark.django_db

URL = "/staf/dasbor/"
PERIOD = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))
QUERY = {"start": "2025-01-01", "end": "2025-06-30"}
ZONE = timezone.get_default_timezone()
CHILD_NAMES = ["Budi Santoso", "Siti Aminah", "Rina Wulandari", "Dewi Lestari"]


def local(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def _place(report, *, received_at, priority="biasa", ack_minutes=None, due_minutes=60):
    """Move a report to a known time, priority, deadline and (if given) acknowledgement."""
    fields = {
        "received_at": received_at,
        "priority": priority,
        "acknowledge_due_at": received_at + timedelta(minutes=due_minutes),
    }
    if ack_minutes is not None:
        fields["acknowledged_at"] = received_at + timedelta(minutes=ack_minutes)
    type(report).objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def _accept(report, *, supervisor, officer):
    case = report_accept(report=report, acting_user=supervisor, officer=officer)
    Case.objects.filter(pk=case.pk).update(opened_at=report.received_at + timedelta(hours=2))
    return case


@pytest.fixture
def dataset(supervisor, officer, other_officer):
    """Reports, cases, children and services with every figure known in advance."""
    sepinggan = Kelurahan.objects.get(name="Sepinggan")
    specs = [
        # (received, kelurahan, violence, age, sex, name, place, perpetrator, priority, ack minutes, officer)
        (local(2025, 1, 10), None, ["fisik"], 4, "L", CHILD_NAMES[0], "rumah_tangga", "orang_tua", "darurat", 30, 1),
        (local(2025, 2, 3), sepinggan, ["seksual", "fisik"], 9, "P", CHILD_NAMES[1], "sekolah", "guru", "biasa", 10, 1),
        (local(2025, 2, 20), None, ["perundungan", "psikis"], 15, "P", CHILD_NAMES[2], "sekolah", "", "biasa", 20, 1),
        (local(2025, 4, 2), None, ["penelantaran"], None, "", CHILD_NAMES[3], "", "keluarga", "biasa", 40, 2),
        (local(2025, 3, 5), None, ["fisik"], None, "", "", "", "", "biasa", 600, None),
        (local(2025, 5, 30, 23, 30), None, ["psikis"], 7, "L", "", "", "", "darurat", 90, None),
        (local(2024, 2, 14), None, ["fisik"], 3, "L", "", "", "", "biasa", None, None),  # the year before
        (local(2025, 7, 1, 0, 10), None, ["fisik"], 3, "L", "", "", "", "biasa", None, None),  # after the period
    ]
    officers = {1: officer, 2: other_officer}
    reports, cases = [], []
    for received, kelurahan, violence, age, sex, name, place, perpetrator, priority, ack, who in specs:
        overrides = {"violence_types": violence, "child_age": age, "child_sex": sex, "child_name": name}
        overrides.update(place=place, perpetrator_relation=perpetrator)
        if kelurahan is not None:
            overrides["kelurahan"] = kelurahan
        report = _place(new_report(**overrides), received_at=received, priority=priority)
        if who is not None:
            cases.append(_accept(report, supervisor=supervisor, officer=officers[who]))
        elif ack is not None:
            report_acknowledge(report=report, acting_user=supervisor)
        report = _place(report, received_at=received, priority=priority, ack_minutes=ack)
        reports.append(report)
    # A duplicate is not counted as a report of violence.
    duplicate = _place(new_report(), received_at=local(2025, 3, 6))
    report_mark_duplicate_of_case(report=duplicate, case=cases[0], acting_user=supervisor)

    today = timezone.localdate()
    service_plan(
        case=cases[1],
        data=service_input(status=ServiceStatus.IN_PROGRESS, started_on=today - timedelta(days=1)),
        acting_user=officer,
    )
    service_plan(case=cases[2], data=service_input(planned_on=today - timedelta(days=3)), acting_user=officer)
    service_plan(case=cases[3], data=service_input(service_type="mediasi"), acting_user=other_officer)
    return {"reports": reports, "duplicate": duplicate, "cases": cases, "specs": specs}


def _month(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


# --- access ---------------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("persona", ["volunteer", "officer", "sysadmin"])
def test_it_refuses_other_roles(as_user, request, persona):
    response = as_user(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["supervisor", "head"])
def test_it_shows_the_page_to_supervisors_and_the_head(as_user, request, persona):
    response = as_user(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    assert reverse("dashboard_staff:index") == URL
    assert f'href="{URL}"' in response.content.decode()  # the menu link
    today = timezone.localdate()
    assert response.context["data"].period == Period(start=today.replace(month=1, day=1), end=today)
    assert "Seluruh Balikpapan" in response.content.decode().split('class="lead period"', 1)[1].split("</p>", 1)[0]


def test_it_refuses_a_period_that_ends_before_it_starts(as_user, supervisor):
    response = as_user(supervisor).get(URL, {"start": "2025-03-01", "end": "2025-02-01"})
    assert response.status_code == 200
    assert "data" not in response.context


# --- figures --------------------------------------------------------------------------------------


def test_it_counts_reports_and_cases_per_month_beside_the_year_before(dataset, supervisor):
    counted = [r for r in dataset["reports"] if PERIOD.start <= timezone.localtime(r.received_at).date() <= PERIOD.end]
    before = [r for r in dataset["reports"] if timezone.localtime(r.received_at).year == 2024]
    expected_reports = Counter(_month(r.received_at) for r in counted)
    expected_before = Counter(_month(r.received_at).replace(year=2025) for r in before)
    expected_cases = Counter(_month(c.opened_at) for c in Case.objects.filter(pk__in=[c.pk for c in dataset["cases"]]))

    rows = staff_selectors.monthly_counts(period=PERIOD)

    assert [row.month for row in rows] == [date(2025, month, 1) for month in range(1, 7)]
    assert {row.month: row.reports for row in rows} == {m: expected_reports[m] for m in (r.month for r in rows)}
    assert {row.month: row.reports_previous for row in rows} == {m: expected_before[m] for m in (r.month for r in rows)}
    assert {row.month: row.cases for row in rows} == {m: expected_cases[m] for m in (r.month for r in rows)}
    # The report received at 23:30 local time on 30 May is May's, not June's (UTC would say 15:30 anyway);
    # the one at 00:10 on 1 July is outside the period.
    assert sum(row.reports for row in rows) == 6


def test_it_counts_cases_by_form_of_violence_in_simfoni_terms(dataset):
    expected = Counter()
    for spec in dataset["specs"][:4]:
        expected.update({SIMFONI_VIOLENCE[kind] for kind in spec[2]})

    profile = staff_selectors.case_profile(period=PERIOD, kecamatan=None, not_recorded="-")

    assert {row.key: row.count for row in profile.by_violence} == expected
    assert profile.cases == 4


def test_it_counts_a_form_of_violence_outside_simfoni_as_itself_once_per_case(officer):
    # "kode_lama" stands for a form no write path stores any more (an old code, say).
    today = timezone.localdate()
    for forms in (["kode_lama", "kode_lama", "perundungan"], ["kode_lama"], ["psikis"]):
        case = report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)
        Case.objects.filter(pk=case.pk).update(violence_types=forms)

    profile = staff_selectors.case_profile(period=Period(start=today, end=today), kecamatan=None, not_recorded="-")

    assert {row.key: row.count for row in profile.by_violence} == {"kode_lama": 2, "psikis": 2}


def test_it_counts_child_victims_by_age_band_and_sex(dataset):
    expected = Counter((age_band(spec[3]), spec[4]) for spec in dataset["specs"][:4])

    profile = staff_selectors.case_profile(period=PERIOD, kecamatan=None, not_recorded="-")

    shown = Counter()
    for row in profile.children_by_age:
        shown.update({(row.band, "L"): row.boys, (row.band, "P"): row.girls, (row.band, ""): row.sex_unknown})
    assert +shown == expected
    assert [row.band for row in profile.children_by_age] == ["0-5", "6-12", "13-17", "unknown"]


def test_it_counts_the_share_of_child_victims_served(dataset):
    # Only the second case has a service in progress or done; each case has one child.
    served_cases = {dataset["cases"][1].pk}
    children = Case.objects.filter(pk__in=[c.pk for c in dataset["cases"]]).values_list("pk", "children__pk")
    expected_served = sum(1 for case_pk, _child in children if case_pk in served_cases)

    services = staff_selectors.services_summary(period=PERIOD, kecamatan=None)

    assert (services.children, services.children_served) == (len(children), expected_served)
    assert services.share_served == pytest.approx(100 * expected_served / len(children))
    assert {row.key: (row.total, row.in_progress_or_done) for row in services.by_type} == {
        "kesehatan": (2, 1),
        "mediasi": (1, 0),
    }


def test_it_gives_median_and_90th_percentile_of_response_per_priority(dataset):
    minutes = {"darurat": [], "biasa": []}
    in_time = Counter()
    for spec in dataset["specs"]:
        received, priority, ack = spec[0], spec[8], spec[9]
        if PERIOD.start <= received.date() <= PERIOD.end and ack is not None:
            minutes[priority].append(ack)
            in_time[priority] += ack <= 60

    def nearest_rank(values, share):
        ordered = sorted(values)
        return ordered[math.ceil(share * len(ordered)) - 1]

    response = staff_selectors.response_times(period=PERIOD, kecamatan=None, now=timezone.now())
    rows = {row.priority: row for row in response.by_priority}

    for priority, values in minutes.items():
        assert rows[priority].acknowledged == len(values)
        assert rows[priority].median_minutes == pytest.approx(statistics.median(values))
        assert rows[priority].p90_minutes == pytest.approx(nearest_rank(values, 0.9))
        assert rows[priority].in_time == in_time[priority]
    assert rows["biasa"].median_minutes == 30 and rows["biasa"].p90_minutes == 600
    assert rows["tinggi"].acknowledged == 0 and rows["tinggi"].median_minutes is None


def test_it_counts_escalations_per_level_in_the_period(dataset, supervisor, head):
    report = dataset["reports"][0]
    for level, kind, who in ((2, AlertKind.ESCALATION_SUPERVISOR, supervisor), (3, AlertKind.ESCALATION_HEAD, head)):
        alert_raise(key=f"test:{level}", kind=kind, level=level, recipients=[who], report=report)
    alert_raise(
        key="test:2:late", kind=AlertKind.ESCALATION_SUPERVISOR, level=2, recipients=[supervisor], report=report
    )
    alert_raise(key="test:new", kind=AlertKind.NEW_REPORT, level=1, recipients=[supervisor], report=report)
    from alerts.models import Alert

    Alert.objects.exclude(key="test:2:late").update(created_at=local(2025, 1, 10, 12))

    response = staff_selectors.response_times(period=PERIOD, kecamatan=None, now=timezone.now())

    assert response.escalations == {2: 1, 3: 1}


def test_it_counts_caseload_per_officer_and_what_is_overdue(dataset, officer, other_officer):
    expected = Counter(c.assigned_officer_id for c in dataset["cases"])

    work = staff_selectors.workload(period=PERIOD, kecamatan=None, today=timezone.localdate())

    shown = {row.label: row.count for row in work.caseload}
    assert shown == {
        officer.get_full_name(): expected[officer.pk],
        other_officer.get_full_name(): expected[other_officer.pk],
    }
    assert work.open_cases == len(dataset["cases"])
    assert work.overdue_services == 1
    assert work.overdue_follow_ups == 0
    assert work.closed == 0


def test_it_filters_by_kecamatan(dataset):
    sepinggan = Kelurahan.objects.select_related("kecamatan").get(name="Sepinggan")

    profile = staff_selectors.case_profile(period=PERIOD, kecamatan=sepinggan.kecamatan, not_recorded="-")

    assert profile.cases == 1
    assert [(area.kecamatan, area.count) for area in profile.by_area] == [(sepinggan.kecamatan.name, 1)]


def test_its_selectors_cost_a_fixed_number_of_queries(dataset, supervisor, django_assert_num_queries):
    with django_assert_num_queries(28):  # 1 for the reports by channel, 5 for case to justice
        staff_selectors.dashboard(user=supervisor, period=PERIOD)


# --- the page -------------------------------------------------------------------------------------


def test_it_shows_the_figures_without_identities(dataset, as_user, head):
    response = as_user(head).get(URL, QUERY)

    html = response.content.decode()
    assert response.status_code == 200
    for name in CHILD_NAMES:
        assert name not in html
        assert name.split()[0] not in html
    assert dataset["reports"][0].reference not in html
    assert dataset["cases"][0].reference not in html
    assert '<tr data-month="2025-02"><th scope="row" class="nowrap">' in html
    assert html.count("<svg") == 6
    assert 'id="dash-channel"' in html and "Formulir web" in html
    data = response.context["data"]
    assert data.services.children == 4
    assert data.months[0].month == date(2025, 1, 1)


def test_it_costs_the_same_queries_for_a_small_and_a_larger_dataset(dataset, as_user, supervisor, officer, rt):
    client = as_user(supervisor)
    client.get(URL, QUERY)  # warm up the session and the cached menu counts
    cache.delete(_dashboard_key(supervisor))  # time the computation, not the cached figures
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, QUERY).status_code == 200

    for day in range(1, 21):
        received = local(2025, 1 + day % 6, day)
        report = _place(
            new_report(violence_types=["fisik", "psikis"], child_age=day % 18, child_sex="P", child_name=f"Anak {day}"),
            received_at=received,
        )
        case = _accept(report, supervisor=supervisor, officer=officer)
        _place(report, received_at=received, ack_minutes=day)
        service_plan(case=case, data=service_input(status=ServiceStatus.IN_PROGRESS), acting_user=officer)
    cache.delete(_dashboard_key(supervisor))
    with CaptureQueriesContext(connection) as larger:
        response = client.get(URL, QUERY)

    assert response.context["data"].profile.cases == 24
    assert len(larger) == len(small), [q["sql"] for q in larger.captured_queries]
    assert len(small) <= 36


def _dashboard_key(user, query=QUERY):
    """The cache key of the page's figures (the page asks in Indonesian)."""
    period = Period(start=date.fromisoformat(query["start"]), end=date.fromisoformat(query["end"]))
    with translation.override("id"):
        return staff_cache.dashboard_cache_key(
            user=user, period=period, kecamatan=None, not_recorded=translation.gettext("Not recorded")
        )


def test_it_keeps_the_figures_a_minute_per_user_and_filter(dataset, as_user, supervisor, head):
    client = as_user(supervisor)
    client.get(URL, QUERY)  # warm up the session and the cached menu counts
    cache.delete(_dashboard_key(supervisor))
    with CaptureQueriesContext(connection) as computed:
        first = client.get(URL, QUERY)
    assert cache.get(_dashboard_key(supervisor))[1] == first.context["data"]
    with CaptureQueriesContext(connection) as cached:
        again = client.get(URL, QUERY)
    assert again.context["data"] == first.context["data"]
    assert not any("reports_report" in q["sql"] for q in cached.captured_queries)
    assert len(cached) < len(computed)

    # Another filter, or another reader, gets figures of their own.
    with CaptureQueriesContext(connection) as other_filter:
        client.get(URL, {**QUERY, "end": "2025-03-31"})
    assert any("reports_report" in q["sql"] for q in other_filter.captured_queries)
    with CaptureQueriesContext(connection) as other_user:
        as_user(head).get(URL, QUERY)
    assert any("reports_report" in q["sql"] for q in other_user.captured_queries)
    assert _dashboard_key(head) != _dashboard_key(supervisor)

    # For a minute at most.
    assert 0 < staff_cache.CACHE_SECONDS <= 60


def test_it_counts_old_figures_again_once_while_the_others_get_the_previous_ones(dataset, supervisor):
    key = _dashboard_key(supervisor)
    period = Period(start=date.fromisoformat(QUERY["start"]), end=date.fromisoformat(QUERY["end"]))

    def read():
        with translation.override("id"):
            return staff_cache.dashboard_cached(
                user=supervisor, period=period, not_recorded=translation.gettext("Not recorded")
            )

    fresh = read()
    _computed_at, cached = cache.get(key)
    assert cached == fresh
    old = time.time() - staff_cache.CACHE_SECONDS - 1
    cache.set(key, (old, "previous figures"))

    # Another request is counting them again: this one gets the previous figures, at no query.
    cache.add(f"{key}:recompute", 1)
    with CaptureQueriesContext(connection) as queries:
        assert read() == "previous figures"
    assert len(queries) == 0

    # Nobody is: this request counts them, and leaves no claim behind.
    cache.delete(f"{key}:recompute")
    assert read() == fresh
    assert cache.get(key)[0] > old
    assert cache.get(f"{key}:recompute") is None


def test_it_computes_response_times_in_the_database_without_reading_the_reports(dataset):
    with CaptureQueriesContext(connection) as queries:
        staff_selectors.response_times(period=PERIOD, kecamatan=None, now=timezone.now())
    report_query = next(q["sql"] for q in queries.captured_queries if "reports_report" in q["sql"])
    assert "percentile_cont" in report_query and "percentile_disc" in report_query
    assert "GROUP BY" in report_query
