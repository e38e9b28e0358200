"""How each figure is counted, once, so the dashboard, the exports and the public page agree.

- A report counts in the local (Asia/Makassar) month of `received_at`; duplicates and
  rejected reports are not counted as reports of violence ("counted reports").
- A case counts in the local month of `opened_at`.
- A child victim is a `cases.Child` row; its age band (0-5, 6-12, 13-17, unknown) comes from
  the age at the incident (`age_at_incident`, how SIMFONI-PPA counts a victim), else from `age`
  (a child recorded before the age at the incident was: the same then). `victim_age` below.
- A case's forms of violence are `Case.violence_types` (a list); a report's are its
  `ReportViolenceType` rows. Public reports' `perundungan` and `online` map to SIMFONI-PPA
  categories with SIMFONI_VIOLENCE below.
- A child victim is "served" when their case has at least one service that is in progress
  or done.
- Reports by channel: counted reports per `Report.channel` (every door: the public form, the
  API, RT volunteers and each staff intake channel). A case's channels are those of its reports,
  first report first (the exports' channel columns).
- Response time is `acknowledged_at - received_at` of acknowledged reports.
- Outside the agency no count from 1 to 4 is shown: it is shown as "<5".

KLA evidence (cluster V, staff only; dashboard.staff_views.kla reads the dashboard's own figures above):

- SIMFONI-PPA recording: of the cases opened in the period, those with a `Case.simfoni_number` (registered
  in SIMFONI-PPA) and those with a `Case.simfoni_exported_at` (held by a SIMFONI-PPA export).
- Post-service monitoring: the cases opened in the period with at least one follow-up visit
  (`cases.FollowUp`); follow-ups overdue as the dashboard's caseload (`CaseQuerySet.follow_up_overdue`).

From case to justice (staff dashboard and exports only, never the public page):

- Legal figures are about the cases opened in the period, in the state they are in now (as the
  exports). A case's legal stage is its `cases.LegalRecord.stage`; only cases with a legal record
  count by stage, "not reported to the police" being one of the stages.
- TPKS Pasal 41 cases: the cases of the period with sexual violence among their forms of violence
  (`cases.legal.tpks_case`), or whose legal record carries the deadline to pass the report to the police
  (`police_due_at`). Each is in exactly one state (`cases.legal.police_handover_states`): passed in time (at or
  before the deadline, or with no deadline recorded), passed late (after it), not passed with the
  reason recorded (waived), or not passed yet; of those not passed yet, "overdue" are past the
  deadline. Compliance is "in time" out of those whose deadline has been reached or that were
  passed (in time + late + overdue); the waived ones are shown apart.
- A case's "passed to the police within 3x24 hours" (exports): yes (in time), no (late or
  overdue), waived, else not applicable (no deadline, or the deadline not reached yet).
- Referrals count in the period of `sent_on`, by status and by the provider's kind, in the
  kecamatan of their case. A referral is open while sent or accepted (`OPEN_REFERRAL_STATUSES`);
  unanswered as the officers' reminder says (`cases.referral_selectors.referrals_unanswered`: still
  "sent" REFERRAL_ANSWER_DAYS days after it went out, in an open case).
- Perpetrators of the period's cases count apart as children in conflict with the law (ABH,
  `Perpetrator.is_child`), adults, or age not known; a case's child perpetrators are its ABH.
- Transfers out count in the period of `CaseTransfer.transferred_on`, in the kecamatan of their case.
"""

from datetime import datetime

from django.db import models

from cases.legal import police_handover_states, tpks_case
from reports.choices import Status

COUNTED_REPORT_STATUSES = [s for s in Status.values if s not in (Status.DUPLICATE, Status.REJECTED)]
AGE_BANDS = (("0-5", 0, 5), ("6-12", 6, 12), ("13-17", 13, 17))
SMALL_CELL_LIMIT = 5  # counts 1..4 are suppressed in public figures

# Public-report forms of violence in SIMFONI-PPA terms (design: vocabulary).
SIMFONI_VIOLENCE = {
    "fisik": "fisik",
    "psikis": "psikis",
    "seksual": "seksual",
    "eksploitasi": "eksploitasi",
    "trafficking": "trafficking",
    "penelantaran": "penelantaran",
    "lainnya": "lainnya",
    "perundungan": "psikis",
    "online": "lainnya",
    "ksbe": "seksual",  # KSBE is sexual violence (UU 12/2022 TPKS Pasal 4(1)(i))
}


POLICE_HANDOVER_STATES = ("in_time", "late", "waived", "pending", "overdue")


def victim_age(*, age_at_incident: int | None, age: int | None) -> int | None:
    """The age a child victim is counted by (module docstring)."""
    return age_at_incident if age_at_incident is not None else age


def police_handover_answer(*, now: datetime) -> models.Case:
    """A case's "passed to the police within 3x24 hours" as "yes", "no", "waived" or "" (not
    applicable), worked out in the database (module docstring)."""
    states, tpks = police_handover_states(now=now), tpks_case()
    return models.Case(
        models.When(tpks & states["in_time"], then=models.Value("yes")),
        models.When(tpks & (states["late"] | states["overdue"]), then=models.Value("no")),
        models.When(tpks & states["waived"], then=models.Value("waived")),
        default=models.Value(""),
        output_field=models.CharField(),
    )


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return "unknown"


def public_count(value: int) -> str:
    """A count as the public may see it."""
    return "<5" if 0 < value < SMALL_CELL_LIMIT else str(value)
