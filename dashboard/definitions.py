"""How each figure is counted, once, so the dashboard, the exports and the public page agree.

- A report counts in the local (Asia/Makassar) month of `received_at`; duplicates and
  rejected reports are not counted as reports of violence ("counted reports").
- A case counts in the local month of `opened_at`.
- A child victim is a `cases.Child` row; its age band comes from `age` (0-5, 6-12, 13-17,
  unknown).
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
"""

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
}


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
