"""outreach.selectors.kla_participation: the KLA evidence figures for Forum Anak and partnerships."""

from datetime import timedelta

import pytest
from django.utils import timezone

from areas.models import Kecamatan, Kelurahan
from core.periods import Period
from outreach.selectors import kla_participation
from outreach.services import forum_activity_log, partner_activity_log, partner_deactivate, partner_register
from tests.outreach_data import forum_input, partner_activity_input, partner_input

pytestmark = pytest.mark.django_db


def test_an_empty_period_has_every_level_and_kind_at_zero(db):
    today = timezone.localdate()

    figures = kla_participation(Period(start=today - timedelta(days=30), end=today))

    assert [(row.level, row.activities, row.children) for row in figures.forum_by_level] == [
        ("kota", 0, 0),
        ("kecamatan", 0, 0),
        ("kelurahan", 0, 0),
        ("rt", 0, 0),
    ]
    assert figures.city_forum_active is False
    assert (figures.kecamatan_total, figures.kelurahan_total) == (
        Kecamatan.objects.count(),
        Kelurahan.objects.count(),
    )
    assert (figures.kecamatan_with_forum_activity, figures.kelurahan_with_forum_activity) == (0, 0)
    assert figures.partners_active == figures.partner_activities == figures.partner_children_reached == 0


def test_it_counts_forum_anak_by_level_and_places_at_or_below(officer, volunteer, other_volunteer, rt, other_rt):
    today = timezone.localdate()
    period = Period(start=today - timedelta(days=30), end=today)
    inside, outside = today - timedelta(days=3), today - timedelta(days=60)
    utara, selatan = rt.kelurahan.kecamatan, other_rt.kelurahan.kecamatan
    assert utara != selatan
    # a third kelurahan, in a kecamatan of neither RT, with its own Forum Anak Kelurahan
    third = Kelurahan.objects.exclude(kecamatan__in=[utara, selatan]).order_by("pk").first()
    log = forum_activity_log
    log(data=forum_input(None, level="kota", held_on=inside, children=80), acting_user=officer)
    log(data=forum_input(None, level="kota", held_on=outside, children=99), acting_user=officer)  # not counted
    log(
        data=forum_input(None, level="kecamatan", kecamatan=utara, held_on=inside, children=30),
        acting_user=officer,
    )
    log(
        data=forum_input(None, level="kelurahan", kelurahan=third, held_on=inside, children=20),
        acting_user=officer,
    )
    log(data=forum_input(rt, held_on=inside, children=10), acting_user=volunteer)
    log(data=forum_input(rt, held_on=inside, children=5), acting_user=volunteer)
    log(data=forum_input(other_rt, held_on=inside, children=7), acting_user=other_volunteer)

    figures = kla_participation(period)

    assert [(row.level, row.activities, row.children) for row in figures.forum_by_level] == [
        ("kota", 1, 80),
        ("kecamatan", 1, 30),
        ("kelurahan", 1, 20),
        ("rt", 3, 22),
    ]
    assert (figures.forum_activities, figures.forum_children) == (6, 152)
    assert figures.city_forum_active is True
    # at or below: Utara (its own forum and rt), Selatan (other_rt), third's kecamatan; the city counts for none
    assert figures.kecamatan_with_forum_activity == 3
    assert figures.kecamatan_forums_active == 1
    # rt's kelurahan, other_rt's kelurahan, third
    assert figures.kelurahan_with_forum_activity == 3
    assert figures.kelurahan_forums_active == 1


def test_it_counts_partners_by_kind(officer):
    end = timezone.localdate()
    start = end - timedelta(days=60)
    day = {days: end - timedelta(days=days) for days in (50, 40, 30, 20, 90)}
    business = partner_register(data=partner_input(name="PT A", kind="dunia_usaha"), acting_user=officer)
    media = partner_register(data=partner_input(name="Radio B", kind="media"), acting_user=officer)
    ended = partner_register(data=partner_input(name="Koran C", kind="media"), acting_user=officer)
    partner_register(data=partner_input(name="PT D", kind="dunia_usaha"), acting_user=officer)  # no activity
    for partner, held_on, children in [
        (business, day[50], 100),
        (business, day[40], 50),
        (media, day[30], 0),
        (ended, day[20], 10),
        (media, day[90], 999),  # before the period
    ]:
        partner_activity_log(
            partner=partner,
            data=partner_activity_input(held_on=held_on, children_reached=children),
            acting_user=officer,
        )
    partner_deactivate(partner=ended, acting_user=officer)

    figures = kla_participation(Period(start=start, end=end))

    by_kind = {row.kind: row for row in figures.partners_by_kind}
    assert [row.kind for row in figures.partners_by_kind][:2] == ["dunia_usaha", "media"]
    assert (
        by_kind["dunia_usaha"].partners_active,
        by_kind["dunia_usaha"].partners_with_activity,
        by_kind["dunia_usaha"].activities,
        by_kind["dunia_usaha"].children_reached,
    ) == (2, 1, 2, 150)
    assert (
        by_kind["media"].partners_active,
        by_kind["media"].partners_with_activity,
        by_kind["media"].activities,
        by_kind["media"].children_reached,
    ) == (1, 2, 2, 10)
    assert by_kind["keagamaan"].activities == 0
    assert (figures.partners_active, figures.partner_activities, figures.partner_children_reached) == (3, 4, 160)
    assert figures.partners_of("media") is by_kind["media"]


def test_it_costs_a_fixed_number_of_queries(officer, volunteer, rt, django_assert_max_num_queries):
    today = timezone.localdate()
    period = Period(start=today - timedelta(days=30), end=today)
    for number in range(4):
        forum_activity_log(data=forum_input(rt), acting_user=volunteer)
        partner = partner_register(data=partner_input(name=f"Mitra {number}"), acting_user=officer)
        partner_activity_log(partner=partner, data=partner_activity_input(), acting_user=officer)

    with django_assert_max_num_queries(5):
        kla_participation(period)
