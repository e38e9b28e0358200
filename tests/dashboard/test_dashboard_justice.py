"""The dashboard's "from case to justice" figures: legal stages, TPKS Pasal 41, referrals, child
perpetrators (ABH), transfers out. Rows are made with the ORM, as the legal, referral and
transfer services would leave them (dashboard/definitions.py says how each is counted)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from areas.models import Kelurahan
from cases.choices import ConsentItem, LegalStage, ProviderKind, ReferralStatus
from cases.models import Case, CaseTransfer, Child, LegalRecord, Perpetrator, Referral
from cases.referral_selectors import referrals_unanswered
from core.periods import Period
from dashboard import staff_selectors
from tests.cases_data import new_report, provider
from triage.services import report_accept

pytestmark = pytest.mark.django_db

URL = "/staf/dasbor/"
SECRETS = ("Rahasia Wulan", "Minta visum segera", "Ibu kandung Wulan", "Keluarga pindah ke Samarinda")


def today():
    return timezone.localdate()


def period(days=30) -> Period:
    return Period(start=today() - timedelta(days=days), end=today())


def open_case(supervisor, officer, *, violence=("fisik",), kelurahan=None, days_ago=0, name="Rahasia Wulan"):
    extra = {"kelurahan": kelurahan} if kelurahan is not None else {}
    report = new_report(violence_types=list(violence), child_name=name, child_age=12, **extra)
    case = report_accept(report=report, acting_user=supervisor, officer=officer)
    if days_ago:
        Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=days_ago))
    return case


def legal(case, **fields) -> LegalRecord:
    """The case's legal record as given (a sexual-violence case opens with one: cases.legal)."""
    return LegalRecord.objects.update_or_create(case=case, defaults=fields)[0]


def referral(case, user, *, kind=ProviderKind.HOSPITAL, status=ReferralStatus.SENT, sent_days_ago=1) -> Referral:
    sent_on = today() - timedelta(days=sent_days_ago)
    answered = None if status == ReferralStatus.SENT else sent_on
    return Referral.objects.create(
        case=case,
        provider=provider(name=f"Penyedia {kind}", kind=kind),
        request="Minta visum segera",
        consent_items=[ConsentItem.CHILD_IDENTITY],
        consent_given_by="Ibu kandung Wulan",
        letter_number=f"400/{case.pk}/{kind}",
        sent_on=sent_on,
        status=status,
        answered_on=answered,
        done_on=sent_on if status == ReferralStatus.DONE else None,
        created_by=user,
    )


def transfer(case, user, *, days_ago=0) -> CaseTransfer:
    return CaseTransfer.objects.create(
        case=case,
        receiving_agency="UPTD PPA Kota Samarinda",
        transferred_on=today() - timedelta(days=days_ago),
        reason="Keluarga pindah ke Samarinda",
        created_by=user,
    )


# --- legal stages ---------------------------------------------------------------------------------


def test_it_counts_cases_with_a_legal_record_by_stage_not_reported_included(supervisor, officer):
    for stage in (LegalStage.NOT_REPORTED, LegalStage.INVESTIGATION, LegalStage.INVESTIGATION):
        legal(open_case(supervisor, officer), stage=stage)
    open_case(supervisor, officer)  # no legal record: not counted by stage
    legal(open_case(supervisor, officer, days_ago=400), stage=LegalStage.TRIAL)  # opened before the period

    justice = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())

    assert [row.key for row in justice.by_stage] == list(LegalStage.values)
    counts = {row.key: row.count for row in justice.by_stage}
    assert counts == dict.fromkeys(LegalStage.values, 0) | {"belum_dilaporkan": 1, "penyidikan": 2}
    assert justice.legal_cases == 3
    assert next(row.label for row in justice.by_stage if row.key == "belum_dilaporkan") == str(
        LegalStage.NOT_REPORTED.label
    )


# --- TPKS Pasal 41 ---------------------------------------------------------------------------------


@pytest.fixture
def tpks_cases(supervisor, officer):
    """Six sexual-violence cases, one in each state, and a physical-violence case passed to the police."""
    now = timezone.now()
    due_passed, due_ahead = now - timedelta(hours=2), now + timedelta(hours=30)
    sexual = ("seksual", "fisik")
    cases = {}
    cases["in_time"] = legal(
        open_case(supervisor, officer, violence=sexual),
        stage=LegalStage.INQUIRY,
        police_due_at=due_passed,
        police_referred_at=due_passed,  # at the deadline itself: in time
    ).case
    cases["late"] = legal(
        open_case(supervisor, officer, violence=sexual),
        stage=LegalStage.INQUIRY,
        police_due_at=due_passed,
        police_referred_at=due_passed + timedelta(minutes=1),
    ).case
    cases["waived"] = legal(
        open_case(supervisor, officer, violence=sexual),
        police_due_at=due_passed,
        police_waived_at=due_passed - timedelta(hours=1),
        police_waiver_reason="Rahasia Wulan",
    ).case
    cases["overdue"] = legal(open_case(supervisor, officer, violence=sexual), police_due_at=due_passed).case
    cases["waiting"] = legal(open_case(supervisor, officer, violence=sexual), police_due_at=due_ahead).case
    cases["no_record"] = open_case(supervisor, officer, violence=("seksual",))
    LegalRecord.objects.filter(case=cases["no_record"]).delete()  # not passed yet, as far as anyone knows
    # Not sexual violence and no deadline: not a TPKS Pasal 41 case even though it went to the police.
    cases["physical"] = legal(
        open_case(supervisor, officer), stage=LegalStage.INQUIRY, police_referred_at=now - timedelta(days=1)
    ).case
    return cases


def test_it_counts_sexual_violence_cases_passed_to_the_police_in_time_late_waived_or_not_yet(tpks_cases):
    police = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now()).police

    assert (police.cases, police.in_time, police.late, police.waived) == (6, 1, 1, 1)
    assert (police.pending, police.overdue) == (3, 1)
    assert police.due == 3
    assert police.share_in_time == pytest.approx(100 / 3)


def test_a_pending_case_becomes_overdue_once_its_deadline_passes(tpks_cases):
    later = timezone.now() + timedelta(days=2)

    police = staff_selectors.justice_summary(period=period(), kecamatan=None, now=later).police

    assert (police.pending, police.overdue) == (3, 2)


def test_a_case_with_a_deadline_counts_whatever_its_forms_of_violence(supervisor, officer):
    # The legal service set the deadline (an old code, say): the deadline decides.
    legal(open_case(supervisor, officer), police_due_at=timezone.now() - timedelta(hours=1))

    police = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now()).police

    assert (police.cases, police.overdue) == (1, 1)


# --- referrals -------------------------------------------------------------------------------------


@pytest.fixture
def referrals(supervisor, officer):
    case = open_case(supervisor, officer)
    rows = [
        referral(case, officer, kind=ProviderKind.HOSPITAL, sent_days_ago=7),  # unanswered: 7 days
        referral(case, officer, kind=ProviderKind.HOSPITAL, sent_days_ago=6),  # sent, not yet 7 days
        referral(case, officer, kind=ProviderKind.POLICE, status=ReferralStatus.ACCEPTED, sent_days_ago=20),
        referral(case, officer, kind=ProviderKind.PSYCHOLOGIST, status=ReferralStatus.REFUSED, sent_days_ago=9),
        referral(case, officer, kind=ProviderKind.PSYCHOLOGIST, status=ReferralStatus.DONE, sent_days_ago=9),
        referral(case, officer, kind=ProviderKind.LEGAL_AID, sent_days_ago=40),  # sent before the period
    ]
    return case, rows


def test_it_counts_referrals_sent_in_the_period_by_status_and_kind_of_provider(referrals):
    figures = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now()).referrals

    assert figures.total == 5
    assert [row.key for row in figures.by_status] == list(ReferralStatus.values)
    assert {row.key: row.count for row in figures.by_status} == {"sent": 2, "accepted": 1, "refused": 1, "done": 1}
    kinds = {row.key: (row.total, row.open, row.unanswered) for row in figures.by_kind}
    assert kinds == {"rumah_sakit": (2, 2, 1), "unit_ppa": (1, 1, 0), "psikolog": (2, 0, 0)}
    assert (figures.open, figures.unanswered, figures.answer_days) == (3, 1, 7)


def test_unanswered_follows_the_referral_answer_days_setting(referrals, settings):
    settings.REFERRAL_ANSWER_DAYS = 6

    figures = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now()).referrals

    assert (figures.unanswered, figures.answer_days) == (2, 6)
    assert referrals_unanswered(today()).count() == 3  # the one sent before the period too


# --- perpetrators (ABH) and transfers --------------------------------------------------------------


def test_it_counts_child_perpetrators_apart_from_adults(supervisor, officer):
    case = open_case(supervisor, officer)
    case.perpetrators.all().delete()
    for sex, age, is_child in (
        ("L", 15, True),
        ("P", None, True),  # a classmate of unknown age
        ("L", 30, False),
        ("", 45, False),
        ("L", None, None),
    ):
        Perpetrator.objects.create(case=case, relation="lainnya", sex=sex, age=age, is_child=is_child)
    old = open_case(supervisor, officer, days_ago=400)
    Perpetrator.objects.create(case=old, relation="lainnya", sex="L", age=16, is_child=True)

    justice = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())

    rows = {row.key: (row.male, row.female, row.sex_unknown) for row in justice.perpetrators}
    assert rows == {"child": (1, 1, 0), "adult": (1, 0, 1), "unknown": (1, 0, 0)}
    assert [row.key for row in justice.perpetrators] == ["child", "adult", "unknown"]
    assert justice.child_perpetrators == 2


def test_it_counts_transfers_out_in_the_period(supervisor, officer):
    transfer(open_case(supervisor, officer), officer, days_ago=3)
    transfer(open_case(supervisor, officer, days_ago=400), officer, days_ago=3)  # an older case, moved now
    transfer(open_case(supervisor, officer), officer, days_ago=45)

    justice = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())

    assert justice.transfers_out == 2


def test_it_filters_every_justice_figure_by_kecamatan(supervisor, officer):
    sepinggan = Kelurahan.objects.select_related("kecamatan").get(name="Sepinggan")
    elsewhere = open_case(supervisor, officer, violence=("seksual",))
    legal(elsewhere, stage=LegalStage.INQUIRY, police_referred_at=timezone.now())
    referral(elsewhere, officer)
    transfer(elsewhere, officer)
    here = open_case(supervisor, officer, violence=("seksual",), kelurahan=sepinggan)
    legal(here, stage=LegalStage.TRIAL, police_due_at=timezone.now() - timedelta(hours=1))
    referral(here, officer, kind=ProviderKind.SHELTER)

    justice = staff_selectors.justice_summary(period=period(), kecamatan=sepinggan.kecamatan, now=timezone.now())

    assert [row.key for row in justice.by_stage if row.count] == ["persidangan"]
    assert (justice.police.cases, justice.police.overdue, justice.police.in_time) == (1, 1, 0)
    assert [row.key for row in justice.referrals.by_kind] == ["rumah_aman"]
    assert justice.transfers_out == 0


def test_it_counts_a_victim_by_the_age_at_the_incident(supervisor, officer):
    case = open_case(supervisor, officer)
    Child.objects.filter(case=case).update(age=19, age_at_incident=15)  # an adult now, a child then

    profile = staff_selectors.case_profile(period=period(), kecamatan=None, not_recorded="-")

    assert {row.band: row.total for row in profile.children_by_age if row.total} == {"13-17": 1}


# --- query budget and the page --------------------------------------------------------------------


def test_the_justice_figures_cost_five_queries_whatever_the_data(
    tpks_cases, referrals, supervisor, officer, django_assert_num_queries
):
    with django_assert_num_queries(5):
        staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())
    for number in range(6):
        case = open_case(supervisor, officer, violence=("seksual",))
        legal(case, stage=LegalStage.INVESTIGATION, police_due_at=timezone.now())
        referral(case, officer, kind=ProviderKind.SCHOOL)
        Perpetrator.objects.create(case=case, relation="lainnya", age=14 + number, is_child=14 + number <= 17)
        transfer(case, officer)
    with django_assert_num_queries(5):
        justice = staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())
    assert justice.transfers_out == 6


def test_it_reads_no_identifying_column(tpks_cases, referrals, officer):
    transfer(referrals[0], officer)
    with CaptureQueriesContext(connection) as queries:
        staff_selectors.justice_summary(period=period(), kecamatan=None, now=timezone.now())
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    for column in ("police_waiver_reason", "verdict_outcome", '"request"', "consent_given_by", "feedback", '"reason"'):
        assert column not in sql


def test_the_head_sees_the_justice_figures_without_identities(tpks_cases, referrals, as_user, head, officer):
    case, _rows = referrals
    transfer(case, officer)
    Perpetrator.objects.create(case=case, relation="lainnya", sex="L", age=16, is_child=True)

    response = as_user(head).get(URL, {"start": period().start.isoformat(), "end": today().isoformat()})

    html = response.content.decode()
    assert response.status_code == 200
    section = html.split('id="dash-justice"', 1)[1].split("</section>", 1)[0]
    assert "Dari kasus ke keadilan" in html
    assert '<tr data-state="in_time"><th scope="row">Diteruskan dalam tenggat</th><td class="num">1</td>' in section
    assert '<tr data-state="overdue">' in section and '<tr data-kind="rumah_sakit">' in section
    assert 'id="dash-abh">1<' in section and 'id="dash-transfers">1<' in section
    assert 'id="dash-police-share">33,3%<' in section
    for secret in SECRETS:
        assert secret not in html
    for each in Case.objects.all():
        assert each.reference not in html
    justice = response.context["data"].justice
    assert justice.police.cases == 6 and justice.referrals.unanswered == 1
