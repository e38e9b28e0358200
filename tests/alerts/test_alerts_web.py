"""The staff pages of alerts: notifications and their counter, preferences, overdue reports, the
alert history on the report and case pages, and the warning on every staff page when alerts are
not going out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services
from alerts.models import AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference
from alerts.preferences import notification_preferences_save
from core.errors import DomainError
from core.models import AuditEvent, WorkerHeartbeat
from reports.models import Report
from tests.cases_data import new_report
from tests.conftest import login_as
from triage import services as ts
from triage.services import report_acknowledge

pytestmark = pytest.mark.django_db

INBOX = reverse("alerts:inbox")
MARK_READ = reverse("alerts:mark_all_read")
PREFERENCES = reverse("alerts:preferences")
OVERDUE = reverse("alerts:overdue")


@pytest.fixture(autouse=True)
def _english(client):
    """Assert on the English msgids: the Indonesian catalogue is added separately. The locale
    middleware leaves the last request's language active in the thread: later tests get none."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()


@pytest.fixture
def on_duty(officer):
    officer.first_name, officer.last_name, officer.email = "Rina", "Petugas", "rina@example.org"
    officer.save()
    NotificationPreference.objects.create(user=officer, on_duty=True)
    return officer


@pytest.fixture
def smtp_down(monkeypatch):
    """Every email fails as an unreachable mail server would: retried, then given up."""
    from alerts import channels

    def down(recipient, content):
        raise channels.ChannelError("smtp down")

    monkeypatch.setitem(channels.SENDERS, "email", down)


def deliver_everything():
    """What the worker does: send every pending delivery (in-app ones only change status)."""
    for delivery_id in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        services.delivery_send(delivery_id=delivery_id)


def reports_delivered(count, **overrides) -> list[Report]:
    reports = [new_report(**overrides) for _ in range(count)]
    deliver_everything()
    return reports


def html_of(response) -> str:
    return response.content.decode()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def move_back(report, *, hours, due_hours=None):
    """Make `report` received `hours` ago, due `due_hours` ago (by its priority's deadline if not given)."""
    received = timezone.now() - timedelta(hours=hours)
    if due_hours is None:
        due = received + timedelta(hours=settings.REPORT_RESPONSE_HOURS[report.priority]["acknowledge"])
    else:
        due = timezone.now() - timedelta(hours=due_hours)
    Report.objects.filter(pk=report.pk).update(received_at=received, acknowledge_due_at=due)


# --- who gets in ---------------------------------------------------------------------------------

PAGES = [INBOX, PREFERENCES, OVERDUE]


@pytest.mark.parametrize("url", [*PAGES, MARK_READ])
def test_it_sends_an_anonymous_visitor_to_login(client, url):
    response = client.post(url) if url == MARK_READ else client.get(url)

    assert response.status_code == 302 and "/akun/masuk/" in response.url


@pytest.mark.parametrize("url", [*PAGES, MARK_READ])
@pytest.mark.parametrize("persona", ["volunteer", "sysadmin"])
def test_it_refuses_every_page_to_volunteers_and_administrators(client, request, url, persona):
    login_as(client, request.getfixturevalue(persona))

    response = client.post(url) if url == MARK_READ else client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["officer", "supervisor", "head"])
def test_it_opens_the_notifications_and_preferences_to_agency_staff(client, request, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(INBOX).status_code == 200
    assert client.get(PREFERENCES).status_code == 200


@pytest.mark.parametrize(("persona", "expected"), [("officer", 403), ("supervisor", 200), ("head", 200)])
def test_it_opens_the_overdue_reports_to_supervisors_and_the_head_only(client, request, persona, expected):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(OVERDUE).status_code == expected


def test_it_asks_for_the_second_factor_first(client, officer):
    client.force_login(officer)  # password only

    response = client.get(INBOX)

    assert response.status_code == 302 and reverse("accounts:verify") in response.url


def test_it_marks_as_read_by_post_only(client, officer):
    login_as(client, officer)

    assert client.get(MARK_READ).status_code == 405


def test_it_lets_no_page_be_cached(client, supervisor):
    login_as(client, supervisor)

    for url in PAGES:
        assert "no-store" in client.get(url)["Cache-Control"]


# --- notifications and the counter ---------------------------------------------------------------


def test_it_counts_the_unread_notifications_on_staff_pages_until_all_are_marked_read(client, on_duty):
    reports_delivered(3)
    login_as(client, on_duty)

    response = client.get(reverse("triage:inbox"))
    assert response.context["unread_alerts"] == 3
    assert '<strong class="nav-count">(3)</strong>' in html_of(response)

    response = client.post(MARK_READ, follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "3 notifications marked as read." in html_of(response)

    response = client.get(reverse("cases:list"))
    assert response.context["unread_alerts"] == 0
    assert "nav-count" not in html_of(response)
    assert not Delivery.objects.filter(recipient=on_duty, channel=Channel.IN_APP, read_at__isnull=True).exists()


def test_it_counts_only_delivered_in_app_notifications_of_the_person(client, on_duty, supervisor):
    reports_delivered(2)
    new_report()  # not delivered yet: the worker has not run
    login_as(client, on_duty)

    assert client.get(INBOX).context["unread_alerts"] == 2
    assert Delivery.objects.filter(recipient=on_duty, channel=Channel.EMAIL).count() == 3  # email is not counted

    login_as(client, supervisor)
    assert client.get(INBOX).context["unread_alerts"] == 0


def test_it_lists_the_notifications_newest_first_with_title_reference_priority_and_area(client, on_duty):
    first, second = reports_delivered(2)
    urgent = reports_delivered(1, danger_now="yes")[0]
    login_as(client, on_duty)

    response = client.get(INBOX)
    html = html_of(response)

    rows = response.context["rows"]
    assert [row.content.reference for row in rows] == [urgent.reference, second.reference, first.reference]
    assert all(row.unread for row in rows)
    assert html.count('class="alert-item') == 3 and html.count("is-unread") == 3
    assert f'<a href="{reverse("triage:report", args=[urgent.uuid])}" class="alert-ref">{urgent.reference}</a>' in html
    assert "New report" in html and "Urgent" in html and "Gunung Samarinda, Balikpapan Utara" in html
    assert "Mark all as read" in html

    client.post(MARK_READ)
    html = html_of(client.get(INBOX))
    assert "is-unread" not in html and "Mark all as read" not in html


def test_it_links_a_case_alert_to_the_case_and_the_head_to_the_escalations(client, on_duty, supervisor, head):
    report = reports_delivered(1)[0]
    case = ts.report_accept(report=new_report(), acting_user=on_duty)
    services.alert_raise(
        key="test:follow-up", kind=AlertKind.FOLLOW_UP_DUE, level=1, recipients=[on_duty, head], case=case
    )
    move_back(report, hours=200)
    services.escalation_sweep(now=timezone.now())
    deliver_everything()

    login_as(client, on_duty)
    html = html_of(client.get(INBOX))
    assert "Follow-up visit overdue" in html
    assert f'href="{reverse("cases:detail", args=[case.uuid])}"' in html

    login_as(client, head)
    html = html_of(client.get(INBOX))
    assert "Report still not acknowledged" in html
    # The head opens no report: the escalation overview instead.
    assert f'<a href="{reverse("alerts:overdue")}" class="alert-ref">{report.reference}</a>' in html
    assert reverse("triage:report", args=[report.uuid]) not in html
    assert f'href="{reverse("cases:detail", args=[case.uuid])}"' in html


def test_it_pages_the_notifications_by_25(client, on_duty):
    reports_delivered(26)
    login_as(client, on_duty)

    first = client.get(INBOX).context["rows"]
    second = client.get(INBOX, {"page": 2}).context["rows"]

    assert len(first) == 25 and len(second) == 1
    assert {row.content.reference for row in first}.isdisjoint({row.content.reference for row in second})


def test_it_shows_the_notifications_in_the_same_number_of_queries_for_3_or_20(client, on_duty):
    login_as(client, on_duty)
    reports_delivered(3)
    few = count_queries(client, INBOX)
    reports_delivered(17)
    many = count_queries(client, INBOX)

    assert few == many
    # Session, user and TOTP device; count, page, the unread counter; the session save (3 with its savepoint).
    assert many <= 9


def test_it_makes_no_query_for_the_counter_on_the_public_home_page(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/")

    assert response.status_code == 200 and "unread_alerts" not in response.context


def delivery_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries if "alerts_delivery" in query["sql"]]


def test_it_spends_one_query_on_the_counter_of_staff_and_none_on_that_of_volunteers(client, on_duty, volunteer):
    reports_delivered(2)
    login_as(client, on_duty)
    assert len(delivery_queries(client, reverse("cases:list"))) == 1

    login_as(client, volunteer)
    response = client.get(reverse("outreach:home"))
    assert response.context["unread_alerts"] == 0 and "nav-count" not in html_of(response)
    assert delivery_queries(client, reverse("outreach:home")) == []


# --- preferences ---------------------------------------------------------------------------------


def test_it_saves_the_preferences_and_writes_an_audit_row(client, officer):
    login_as(client, officer)

    form = client.get(PREFERENCES).context["form"]
    assert form.initial == {"email": True, "webhook": False, "in_app": True, "on_duty": False}

    response = client.post(PREFERENCES, {"webhook": "on", "in_app": "on", "on_duty": "on"}, follow=True)

    assert "Your notification preferences have been saved." in html_of(response)
    preference = NotificationPreference.objects.get(user=officer)
    assert (preference.email, preference.webhook, preference.in_app, preference.on_duty) == (False, True, True, True)
    event = AuditEvent.objects.get(action="alerts.preferences_changed")
    assert event.actor == officer and event.target_id == str(preference.pk)
    assert event.data == {"email": False, "webhook": True, "in_app": True, "on_duty": True}

    client.post(PREFERENCES, {"webhook": "on", "in_app": "on", "on_duty": "on"})
    assert AuditEvent.objects.filter(action="alerts.preferences_changed").count() == 1  # nothing changed

    client.post(PREFERENCES, {"webhook": "on", "in_app": "on"})
    assert not NotificationPreference.objects.get(user=officer).on_duty
    assert AuditEvent.objects.filter(action="alerts.preferences_changed").latest("pk").data == {"on_duty": False}


def test_it_warns_when_no_channel_is_chosen(client, officer):
    login_as(client, officer)

    response = client.post(PREFERENCES, {}, follow=True)

    assert NotificationPreference.objects.get(user=officer).channels() == []
    assert "You have chosen no channel" in html_of(response)
    client.post(PREFERENCES, {"in_app": "on"})
    assert "You have chosen no channel" not in html_of(client.get(PREFERENCES))


def test_it_offers_on_duty_to_officers_only(client, supervisor):
    login_as(client, supervisor)

    assert "on_duty" not in client.get(PREFERENCES).context["form"].fields
    client.post(PREFERENCES, {"email": "on", "on_duty": "on"})

    assert not NotificationPreference.objects.get(user=supervisor).on_duty
    with pytest.raises(DomainError):
        notification_preferences_save(
            user=supervisor, email=True, webhook=False, in_app=True, on_duty=True, acting_user=supervisor
        )


def test_it_puts_an_officer_who_goes_on_duty_on_the_next_report(client, officer, supervisor):
    login_as(client, officer)
    client.post(PREFERENCES, {"in_app": "on", "on_duty": "on"})

    report = new_report()

    recipients = set(Delivery.objects.filter(alert__report=report).values_list("recipient", "channel"))
    assert recipients == {(officer.pk, Channel.IN_APP)}


# --- overdue reports -----------------------------------------------------------------------------


def _levels(response):
    return {level.number: [row.reference for row in level.rows] for level in response.context["levels"]}


def test_it_lists_each_overdue_report_at_the_level_it_has_reached(client, supervisor, head, officer):
    # Normal priority: acknowledge and supervisor after 72 hours, head after 120.
    waiting, level1, level2, level3 = (new_report() for _ in range(4))
    move_back(level1, hours=2, due_hours=1)  # a deadline shorter than the supervisor's time
    move_back(level2, hours=75)
    move_back(level3, hours=130)
    urgent = new_report(danger_now="yes")  # urgent: supervisor after 1 hour, head after 2
    move_back(urgent, hours=3)
    acknowledged, accepted = new_report(), new_report()
    report_acknowledge(report=acknowledged, acting_user=officer)
    ts.report_accept(report=accepted, acting_user=officer)
    move_back(acknowledged, hours=200)
    move_back(accepted, hours=200)
    login_as(client, supervisor)

    response = client.get(OVERDUE)
    html = html_of(response)

    assert _levels(response) == {1: [level1.reference], 2: [level2.reference], 3: [level3.reference, urgent.reference]}
    assert waiting.reference not in html and acknowledged.reference not in html and accepted.reference not in html
    assert f'<a href="{reverse("triage:report", args=[level2.uuid])}">{level2.reference}</a>' in html
    rows = {row.reference: row for level in response.context["levels"] for row in level.rows}
    assert rows[level1.reference].late == "1 hour"
    assert rows[level2.reference].late == "3 hours"
    assert rows[level3.reference].late == "2 days"
    assert rows[urgent.reference].kelurahan == "Gunung Samarinda" and rows[urgent.reference].priority == "darurat"
    assert "Level 3: Escalated to the head of agency (2 reports)" in html

    login_as(client, head)
    html = html_of(client.get(OVERDUE))
    assert level2.reference in html and reverse("triage:report", args=[level2.uuid]) not in html


def test_it_agrees_with_the_escalation_sweep(client, supervisor, head, on_duty):
    reports = [new_report() for _ in range(3)]
    for report, hours in zip(reports, (10, 80, 125), strict=True):
        move_back(report, hours=hours)
    services.escalation_sweep(now=timezone.now())
    login_as(client, supervisor)

    levels = _levels(client.get(OVERDUE))

    highest = {report.reference: max(report.alerts.values_list("level", flat=True)) for report in reports[1:]}
    assert highest == {reports[1].reference: 2, reports[2].reference: 3}
    assert levels == {1: [], 2: [reports[1].reference], 3: [reports[2].reference]}


def test_it_shows_the_overdue_reports_in_the_same_number_of_queries_for_3_or_20(client, supervisor):
    login_as(client, supervisor)

    def add(count):
        for number in range(count):
            move_back(new_report(), hours=(2, 80, 130)[number % 3], due_hours=1)

    add(3)
    services.escalation_sweep(now=timezone.now())
    few = count_queries(client, OVERDUE)
    add(17)
    services.escalation_sweep(now=timezone.now())
    deliver_everything()
    many = count_queries(client, OVERDUE)

    assert few == many
    # Session, user and TOTP device; the overdue reports, their alerts and those alerts' deliveries
    # (three queries for all levels); the counter; the session save (3 with its savepoint).
    assert many <= 10


# --- the alert history on the report and case pages ----------------------------------------------


def test_it_shows_the_alerts_and_deliveries_on_the_report_page(client, on_duty, supervisor, smtp_down):
    report = reports_delivered(1)[0]
    login_as(client, supervisor)

    response = client.get(reverse("triage:report", args=[report.uuid]))
    html = html_of(response)

    entries = response.context["alert_history"].entries
    assert [entry.title for entry in entries] == ["New report"]
    deliveries = {(d.channel, d.state, d.attempts, d.last_error) for d in entries[0].alert.deliveries.all()}
    assert deliveries == {("in_app", "sent", 1, ""), ("email", "retrying", 1, "smtp down")}
    assert "Alerts and whether they arrived" in html
    assert "<strong>Retrying: 1 attempt failed</strong>, next try " in html and "(last error: smtp down)" in html
    assert on_duty.get_full_name() in html
    assert "Not acknowledged yet" in html

    report_acknowledge(report=report, acting_user=on_duty)
    html = html_of(client.get(reverse("triage:report", args=[report.uuid])))
    assert "Not acknowledged yet" not in html
    assert f"· {on_duty.get_full_name()}" in html


def test_it_shows_the_alerts_of_a_case_on_the_case_page(client, officer, head):
    case = ts.report_accept(report=new_report(), acting_user=officer)
    services.alert_raise(key="test:service", kind=AlertKind.SERVICE_DUE, level=1, recipients=[officer], case=case)
    deliver_everything()

    for persona in (officer, head):
        login_as(client, persona)
        html = html_of(client.get(reverse("cases:detail", args=[case.uuid])))
        assert "Service overdue" in html and "In the application" in html and "Delivered" in html


def test_it_keeps_the_report_and_case_pages_to_a_fixed_number_of_queries_as_alerts_grow(client, on_duty, supervisor):
    report = reports_delivered(1)[0]
    case = ts.report_accept(report=new_report(), acting_user=on_duty)
    services.alert_raise(key="test:case:1", kind=AlertKind.CASE_INACTIVE, level=1, recipients=[supervisor], case=case)
    login_as(client, supervisor)
    report_url = reverse("triage:report", args=[report.uuid])
    case_url = reverse("cases:detail", args=[case.uuid])
    report_before, case_before = count_queries(client, report_url), count_queries(client, case_url)

    move_back(report, hours=200)
    services.escalation_sweep(now=timezone.now())
    for number in range(2, 6):
        services.alert_raise(
            key=f"test:case:{number}",
            kind=AlertKind.CASE_INACTIVE,
            level=1,
            recipients=[on_duty, supervisor],
            case=case,
        )
    deliver_everything()

    assert count_queries(client, report_url) == report_before
    assert count_queries(client, case_url) == case_before


def test_it_shows_a_delivery_given_up_as_failed_with_its_last_error(client, on_duty, supervisor, smtp_down, settings):
    settings.ALERT_MAX_ATTEMPTS = 2
    report = reports_delivered(1)[0]
    email = Delivery.objects.get(alert__report=report, channel=Channel.EMAIL)
    services.delivery_send(delivery_id=email.pk, now=timezone.now() + timedelta(hours=1))
    login_as(client, supervisor)

    html = html_of(client.get(reverse("triage:report", args=[report.uuid])))

    assert (
        '<strong class="error">Failed after 2 attempts</strong></span> <span class="small">(last error: smtp down)'
        in html
    )
    assert "Retrying" not in html and "next try" not in html


def test_it_shows_when_each_delivery_was_sent(client, on_duty, supervisor):
    report = reports_delivered(1)[0]
    sent_at = timezone.localtime(Delivery.objects.get(alert__report=report, channel=Channel.EMAIL).sent_at)
    login_as(client, supervisor)

    html = html_of(client.get(reverse("triage:report", args=[report.uuid])))

    assert html.count(f'<span class="delivery-state delivery-sent">Delivered {sent_at:%-d %B %Y, %H:%M}</span>') == 2
    assert "last error" not in html


def test_it_shows_a_delivery_nobody_has_tried_yet_as_waiting(client, on_duty, supervisor):
    report = new_report()
    login_as(client, supervisor)

    html = html_of(client.get(reverse("triage:report", args=[report.uuid])))

    assert html.count('<span class="delivery-state delivery-waiting">Waiting to be sent</span>') == 2
    assert "Delivered" not in html


def test_it_keeps_the_report_page_to_a_fixed_number_of_queries_whatever_the_delivery_states(
    client, on_duty, supervisor, smtp_down, settings
):
    report = reports_delivered(1)[0]
    login_as(client, supervisor)
    url = reverse("triage:report", args=[report.uuid])
    before = count_queries(client, url)

    settings.ALERT_MAX_ATTEMPTS = 2
    move_back(report, hours=200)
    services.escalation_sweep(now=timezone.now())
    services.alert_raise(key="test:head", kind=AlertKind.ESCALATION_HEAD, level=3, recipients=[on_duty], report=report)
    deliver_everything()  # email retried, in-app sent
    deliver_everything_due(now=timezone.now() + timedelta(hours=1))  # some email given up

    states = set(Delivery.objects.filter(alert__report=report).values_list("status", flat=True))
    assert states == {DeliveryStatus.SENT, DeliveryStatus.FAILED}
    assert count_queries(client, url) == before


def deliver_everything_due(*, now):
    for delivery_id in services.due_deliveries(now=now):
        services.delivery_send(delivery_id=delivery_id, now=now)


# --- the escalation page: whether each step's alert reached anyone ---------------------------------


def test_it_shows_on_the_escalation_page_whether_the_alert_of_each_level_reached_its_recipients(
    client, on_duty, supervisor, head, smtp_down, settings
):
    settings.ALERT_MAX_ATTEMPTS = 2
    supervisor.first_name, supervisor.last_name = "Sari", "Koordinator"
    supervisor.save()
    level1, level2, level3, unescalated = (new_report() for _ in range(4))
    move_back(level1, hours=2, due_hours=1)
    move_back(level2, hours=80)
    move_back(level3, hours=130)
    services.escalation_sweep(now=timezone.now())
    move_back(unescalated, hours=80)  # past the supervisor's time, but the sweep has not run since
    deliver_everything()
    head_email = Delivery.objects.get(alert__report=level3, alert__level=3, channel=Channel.EMAIL)
    services.delivery_send(delivery_id=head_email.pk, now=timezone.now() + timedelta(hours=1))
    login_as(client, supervisor)

    response = client.get(OVERDUE)
    html = html_of(response)

    rows = {row.reference: row for level in response.context["levels"] for row in level.rows}
    assert rows[level1.reference].alert.kind == AlertKind.NEW_REPORT
    assert rows[level2.reference].alert.kind == AlertKind.ESCALATION_SUPERVISOR
    assert rows[level3.reference].alert.kind == AlertKind.ESCALATION_HEAD
    assert rows[unescalated.reference].alert is None

    def states(report):
        return {(d.recipient.username, d.channel, d.state) for d in rows[report.reference].alert.deliveries.all()}

    assert states(level1) == {("petugas", "email", "retrying"), ("petugas", "in_app", "sent")}
    assert states(level2) == {("koordinator", "email", "retrying"), ("koordinator", "in_app", "sent")}
    assert states(level3) == {("kepala", "email", "failed"), ("kepala", "in_app", "sent")}
    assert "Sari Koordinator · Email: <span" in html and "Retrying: 1 attempt failed" in html
    assert "Failed after 2 attempts" in html and "(last error: smtp down)" in html
    assert "No alert raised yet: nobody active to tell, or the escalation has not run." in html
    assert "have been alerted" not in html and "were told" not in html


def test_it_says_on_the_escalation_page_when_a_raised_alert_had_nobody_with_a_channel(client, supervisor):
    notification_preferences_save(
        user=supervisor, email=False, webhook=False, in_app=False, on_duty=False, acting_user=supervisor
    )
    report = new_report()
    move_back(report, hours=2, due_hours=1)
    login_as(client, supervisor)

    html = html_of(client.get(OVERDUE))

    assert "Nobody was told: no active staff member in that role, or none with a channel chosen." in html


# --- alerts not going out: the warning on every staff page ----------------------------------------

WARNING = "Alerts are not going out."


def beat(*, seconds_ago=0):
    """A worker's heartbeat `seconds_ago`, as core.tasks.record_heartbeat writes it."""
    WorkerHeartbeat.objects.update_or_create(
        name="worker-1", defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def staff_page(client, user) -> str:
    login_as(client, user)
    response = client.get(reverse("accounts:staff_home"), follow=True)
    assert response.status_code == 200
    return html_of(response)


@pytest.mark.parametrize("persona", ["officer", "supervisor", "head", "sysadmin"])
def test_it_warns_staff_on_every_page_when_no_worker_has_ever_run(client, request, persona):
    html = staff_page(client, request.getfixturevalue(persona))

    assert WARNING in html
    assert "No background worker has run yet: nothing is sent and nothing is escalated." in html
    assert "look at the report inbox yourself, and tell the system administrator" in html


def test_it_does_not_warn_volunteers_who_are_never_told_of_a_report(client, volunteer):
    assert WARNING not in staff_page(client, volunteer)


def test_it_shows_no_warning_while_the_worker_beats_and_alerts_go_out(client, on_duty, supervisor, smtp_down):
    beat(seconds_ago=settings.WORKER_STALE_AFTER_SECONDS - 10)
    reports_delivered(1)  # the email failed once and will be retried: not yet a reason to warn
    new_report()  # raised a moment ago, not sent yet

    assert WARNING not in staff_page(client, supervisor)


def test_it_warns_when_the_worker_stopped_beating(client, supervisor):
    beat(seconds_ago=settings.WORKER_STALE_AFTER_SECONDS + 60)

    html = staff_page(client, supervisor)

    minutes = (settings.WORKER_STALE_AFTER_SECONDS + 60) // 60
    assert WARNING in html and f"The background worker last ran {minutes} minutes ago" in html


def test_it_warns_of_alerts_waiting_past_the_threshold(client, on_duty, supervisor):
    beat()
    report = new_report()
    Delivery.objects.filter(alert__report=report).update(
        created_at=timezone.now() - timedelta(minutes=settings.ALERT_STUCK_AFTER_MINUTES, seconds=1)
    )

    html = staff_page(client, supervisor)

    waited = f"2 alerts have waited more than {settings.ALERT_STUCK_AFTER_MINUTES} minutes to be sent."
    assert WARNING in html and waited in html


def test_it_warns_of_alerts_given_up_recently_but_not_long_ago(client, on_duty, supervisor, smtp_down, settings):
    settings.ALERT_MAX_ATTEMPTS = 1
    beat()
    reports_delivered(1)

    assert "1 alert could not be delivered in the last 60 minutes." in staff_page(client, supervisor)

    Delivery.objects.filter(status=DeliveryStatus.FAILED).update(claimed_at=timezone.now() - timedelta(minutes=61))
    assert WARNING not in staff_page(client, supervisor)


def test_it_warns_in_indonesian_by_default(client, supervisor):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    html = staff_page(client, supervisor)

    assert "Pemberitahuan tidak terkirim." in html
    assert "Worker latar belakang belum pernah berjalan" in html


def test_it_spends_one_query_on_the_counter_and_the_warning_of_an_administrator(client, sysadmin):
    login_as(client, sysadmin)

    queries = delivery_queries(client, reverse("accounts:staff_home"))

    assert len(queries) == 1 and "core_workerheartbeat" in queries[0]
