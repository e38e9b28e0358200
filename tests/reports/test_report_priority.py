from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports.choices import Priority
from reports.priority import acknowledge_deadline, assess_priority

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10.00 WITA
BASE = {
    "danger_now": "no",
    "injured": "no",
    "violence_types": {"psikis"},
    "occurred_on": None,
    "ongoing": False,
    "perpetrator_lives_with_child": "no",
    "child_age": 10,
    "now": NOW,
}


@pytest.mark.parametrize(
    ("changes", "expected", "reason"),
    [
        ({}, Priority.BIASA, None),
        ({"danger_now": "yes"}, Priority.DARURAT, "danger_now"),
        ({"injured": "yes"}, Priority.DARURAT, "injured"),
        ({"danger_now": "unknown", "injured": "unknown"}, Priority.BIASA, None),
        (
            {"violence_types": {"seksual"}, "occurred_on": date(2026, 11, 26)},
            Priority.DARURAT,
            "sexual_within_forensic_window",
        ),
        ({"violence_types": {"seksual"}, "ongoing": True}, Priority.DARURAT, "sexual_ongoing"),
        (
            {"violence_types": {"seksual"}, "ongoing": True, "occurred_on": date(2026, 11, 1)},
            Priority.DARURAT,
            "sexual_ongoing",
        ),
        ({"violence_types": {"seksual"}, "occurred_on": date(2026, 11, 20)}, Priority.TINGGI, "type_seksual"),
        ({"violence_types": {"seksual"}}, Priority.TINGGI, "type_seksual"),
        ({"violence_types": {"trafficking"}}, Priority.TINGGI, "type_trafficking"),
        # KSBE (online sexual violence) is sexual violence: high, but no forensic examination to rush to.
        ({"violence_types": {"ksbe"}}, Priority.TINGGI, "type_ksbe"),
        ({"violence_types": {"ksbe", "online"}, "occurred_on": date(2026, 11, 26)}, Priority.TINGGI, "type_ksbe"),
        ({"violence_types": {"eksploitasi"}}, Priority.TINGGI, "type_eksploitasi"),
        ({"perpetrator_lives_with_child": "yes"}, Priority.TINGGI, "perpetrator_lives_with_child"),
        ({"child_age": 5}, Priority.TINGGI, "child_under_6"),
        ({"child_age": 6}, Priority.BIASA, None),
        ({"child_age": None}, Priority.BIASA, None),
        ({"violence_types": {"fisik", "perundungan", "online"}}, Priority.BIASA, None),
    ],
)
def test_it_decides_the_priority_from_the_answers_as_the_design_says(changes, expected, reason):
    decision = assess_priority(**{**BASE, **changes})

    assert decision.priority == expected
    if reason:
        assert reason in decision.reasons
    else:
        assert decision.reasons == ()


def test_the_forensic_window_is_a_setting(settings):
    settings.REPORT_FORENSIC_WINDOW_HOURS = 24 * 10
    decision = assess_priority(**{**BASE, "violence_types": {"seksual"}, "occurred_on": date(2026, 11, 20)})

    assert decision.priority == Priority.DARURAT


@pytest.mark.parametrize(("priority", "hours"), [("darurat", 1), ("tinggi", 24), ("biasa", 72)])
def test_the_acknowledgement_deadline_follows_the_response_times(priority, hours):
    assert acknowledge_deadline(priority, NOW) == NOW + timedelta(hours=hours)


def test_response_times_are_settings(settings):
    settings.REPORT_RESPONSE_HOURS = {**settings.REPORT_RESPONSE_HOURS, "biasa": {"acknowledge": 48}}

    assert acknowledge_deadline("biasa", NOW) == NOW + timedelta(hours=48)
