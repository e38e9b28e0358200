"""What the national vocabulary changes in a case: KSBE is sexual violence (UU 12/2022 TPKS
Pasal 4(1)(i)), the incident date is kept apart from the registration date, and a child recorded
with only a date of birth is counted by her age at the incident."""

from datetime import date

import pytest
from django.utils import timezone

from cases import legal
from cases import services as cs
from cases.ages import age_on
from cases.models import Case, Child, LegalRecord
from core.errors import DomainError
from dashboard.definitions import age_band, victim_age
from tests.cases_data import new_report
from triage import services as ts

pytestmark = pytest.mark.django_db


def test_online_sexual_violence_starts_the_tpks_police_deadline(officer):
    case = ts.report_accept(report=new_report(violence_types=["ksbe"]), acting_user=officer)

    assert LegalRecord.objects.get(case=case).police_due_at is not None
    assert Case.objects.filter(legal.tpks_case(), pk=case.pk).exists()


def test_online_abuse_that_is_not_sexual_is_not_a_tpks_case(officer):
    case = ts.report_accept(report=new_report(violence_types=["online"]), acting_user=officer)

    assert not LegalRecord.objects.filter(case=case).exists()
    assert not Case.objects.filter(legal.tpks_case(), pk=case.pk).exists()


def test_the_case_keeps_the_incident_date_of_its_report(officer):
    occurred = timezone.localdate().replace(day=1)
    case = ts.report_accept(report=new_report(occurred_on=occurred), acting_user=officer)

    case.refresh_from_db()
    assert case.occurred_on == occurred


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2017, 8, 25), date(2026, 5, 1), 8),
        (date(2017, 8, 25), date(2026, 8, 24), 8),
        (date(2017, 8, 25), date(2026, 8, 25), 9),
        (date(2016, 2, 29), date(2026, 2, 28), 9),
        (date(2016, 2, 29), date(2026, 3, 1), 10),
    ],
)
def test_age_on_counts_whole_years(born, day, age):
    assert age_on(born, day) == age


def test_a_child_with_only_a_date_of_birth_is_counted_by_her_age_at_the_incident(officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)
    Case.objects.filter(pk=case.pk).update(occurred_on=date(2026, 5, 1))
    case.refresh_from_db()

    child, _ = cs.case_add_child(
        case=case, data=cs.ChildInput(name="Anak Uji", birth_date=date(2017, 8, 25)), acting_user=officer
    )

    child.refresh_from_db()
    assert child.age_at_incident == 8
    assert child.age == age_on(date(2017, 8, 25), timezone.localdate())
    assert age_band(victim_age(age_at_incident=child.age_at_incident, age=child.age)) == "6-12"


def test_typed_ages_win_over_the_date_of_birth(officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)

    child, _ = cs.case_add_child(
        case=case,
        data=cs.ChildInput(name="Anak Uji", birth_date=date(2017, 8, 25), age=9, age_at_incident=7),
        acting_user=officer,
    )

    assert (Child.objects.get(pk=child.pk).age, Child.objects.get(pk=child.pk).age_at_incident) == (9, 7)


def test_a_date_of_birth_that_makes_an_adult_at_the_incident_is_refused_on_that_field(officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)
    children = Child.objects.filter(case=case).count()

    with pytest.raises(DomainError) as error:
        cs.case_add_child(
            case=case, data=cs.ChildInput(name="Dewasa", birth_date=date(1990, 1, 1)), acting_user=officer
        )

    assert error.value.field == "birth_date"
    assert Child.objects.filter(case=case).count() == children
