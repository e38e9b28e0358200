"""Volume data for benchmarks (`manage.py seed_volume`): up to millions of fictional reports,
cases and outreach records written with PostgreSQL COPY, fast enough for 1,000,000 reports in
minutes, and shaped so that every page works on them exactly as on real data:

- identifying fields hold real Fernet tokens made by `core.crypto.encrypt_text`; receipt codes
  are stored as `reports.receipt.receipt_hash` and children's `match_key` comes from
  `cases.services.child_match_key`, so the status page, case pages and exports read them;
- every CheckConstraint, unique key and foreign key holds (COPY goes through them all);
- the alert sweep (`alerts.tasks.sweep`) finds exactly `due` reports to escalate, one level
  each, and nothing else: every other report is acknowledged or too fresh to be late, open
  cases had activity lately, their next follow-up and their unfinished services lie ahead;
- no audit rows: nothing here happened through the application. Staff accounts and missing
  RTs are created through their services (which do audit), once.

Generated rows are recognised by the first 8 hex digits of their `uuid` (VOLUME_UUID_PREFIX),
which is how `--reset` finds them and nothing else. Tables without a uuid are reached through
their parent (a report or a case). Staff accounts created here (`volume-*`) are kept by a
reset: audit rows made while benchmarking name them, and the audit trail is append-only.

Encrypting each value for each row would cost ~25 µs per token, millions of times; the texts
come from pools instead and each distinct text is encrypted once and its token reused
(`TokenPool`). The tokens are real; equal plaintexts share a token, which is fine for fictional
data and lets the pool be small.
"""

from __future__ import annotations

import io
import json
import queue
import random
import threading
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from alerts.models import Alert, Delivery
from areas.models import RT, Kecamatan, Kelurahan
from areas.services import rt_bulk_import
from cases.choices import (
    CaseStatus,
    ClosureReason,
    Education,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)
from cases.models import Case, CaseCounter, CaseNote, CaseReport, CaseService, Child, FollowUp, Perpetrator, Provider
from cases.services import child_match_key
from core.crypto import encrypt_text
from outreach.choices import Topic
from outreach.models import ChildCareGroup, ForumAnakActivity, OutreachPhoto, OutreachSession
from reports.choices import (
    AuthorKind,
    Channel,
    PerpetratorRelation,
    Place,
    RejectionReason,
    ReporterRelation,
    Status,
    ViolenceType,
    YesNoUnknown,
)
from reports.models import Report, ReportAttachment, ReportMessage, ReportViolenceType
from reports.priority import acknowledge_deadline, assess_priority
from reports.receipt import CODE_DIGITS, receipt_hash

# What one batch of reports writes, in this order (parents before children).
BATCH_MODELS = (
    Report,
    ReportViolenceType,
    ReportMessage,
    Case,
    CaseReport,
    Child,
    Perpetrator,
    CaseService,
    FollowUp,
    CaseNote,
)

VOLUME_UUID_PREFIX = "5eedda7a"
UUID_LOW = f"{VOLUME_UUID_PREFIX}-0000-0000-0000-000000000000"
UUID_HIGH = f"{VOLUME_UUID_PREFIX}-ffff-ffff-ffff-ffffffffffff"
USERNAME_PREFIX = "volume-"
# Printed on purpose, like seed_demo's; the command refuses to run with DJANGO_DEBUG=false.
STAFF_PASSWORD = "Uji-Beban-Sistem-KLA"  # noqa: S105
YEARS = 3
BATCH_REPORTS = 50_000
CODES_OUT_MAX = 10_000
RTS_PER_KELURAHAN = 50  # about 1,700 RTs in the city (design: "Public figures")
OFFICERS, SUPERVISORS = 20, 3

# Reports per kecamatan, January-July 2025 (design: "Public figures").
KECAMATAN_WEIGHT = {
    "Balikpapan Utara": 31,
    "Balikpapan Selatan": 23,
    "Balikpapan Tengah": 21,
    "Balikpapan Timur": 13,
    "Balikpapan Barat": 12,
    "Balikpapan Kota": 11,
}
# Sexual 66, physical 36, psychological 12, trafficking 11 (design), the rest smaller.
VIOLENCE_WEIGHT = {
    ViolenceType.SEKSUAL: 66,
    ViolenceType.FISIK: 36,
    ViolenceType.PSIKIS: 12,
    ViolenceType.TRAFFICKING: 11,
    ViolenceType.PENELANTARAN: 8,
    ViolenceType.PERUNDUNGAN: 8,
    ViolenceType.EKSPLOITASI: 5,
    ViolenceType.ONLINE: 5,
    ViolenceType.LAINNYA: 3,
}
PLACE_WEIGHT = {
    Place.RUMAH_TANGGA: 55,
    Place.SEKOLAH: 12,
    Place.FASILITAS_UMUM: 10,
    Place.ONLINE: 6,
    Place.TEMPAT_KERJA: 2,
    Place.LEMBAGA_PENDIDIKAN_KILAT: 2,
    Place.LAINNYA: 5,
    "": 8,
}
PERPETRATOR_WEIGHT = {
    PerpetratorRelation.ORANG_TUA: 25,
    PerpetratorRelation.KELUARGA: 20,
    PerpetratorRelation.PACAR_TEMAN: 18,
    PerpetratorRelation.TETANGGA: 12,
    PerpetratorRelation.GURU: 5,
    PerpetratorRelation.TIDAK_DIKENAL: 8,
    PerpetratorRelation.MAJIKAN: 2,
    PerpetratorRelation.LAINNYA: 3,
    "": 7,
}
REPORTER_WEIGHT = {
    ReporterRelation.SELF: 18,
    ReporterRelation.FAMILY: 35,
    ReporterRelation.NEIGHBOUR: 20,
    ReporterRelation.TEACHER: 12,
    ReporterRelation.OTHER: 15,
}
# Child's age 0-17 (None: not known), more teenagers than toddlers.
AGE_WEIGHT = {None: 8} | {age: (3 if age < 6 else 6 if age < 12 else 9) for age in range(18)}
CHANNEL_WEIGHT = {Channel.WEB: 78, Channel.API: 7, Channel.VOLUNTEER: 15}
# Reports that did not become a case: triage outcome, for reports under and over 60 days old.
OUTCOME_RECENT = {Status.ACKNOWLEDGED: 55, Status.REJECTED: 15, Status.DUPLICATE: 12, Status.CLOSED: 18}
OUTCOME_OLD = {Status.ACKNOWLEDGED: 4, Status.REJECTED: 30, Status.DUPLICATE: 20, Status.CLOSED: 46}
# Case step by age of the case in days: (up to, weights by step).
CASE_STEPS_BY_AGE = (
    (7, {"registered": 40, "assessment": 35, "case_plan": 20, "services": 5}),
    (30, {"registered": 5, "assessment": 15, "case_plan": 25, "services": 35, "monitoring": 20}),
    (120, {"case_plan": 5, "services": 20, "monitoring": 50, "closure_requested": 10, "closed": 15}),
    (270, {"services": 5, "monitoring": 30, "closure_requested": 5, "closed": 60}),
    (10**6, {"monitoring": 6, "closure_requested": 2, "closed": 92}),
)
STEP_ORDER = [s.value for s in CaseStatus]
CLOSURE_WEIGHT = {
    ClosureReason.GOALS_MET: 40,
    ClosureReason.SAFE_AND_STABLE: 35,
    ClosureReason.TRANSFERRED: 8,
    ClosureReason.MOVED_AWAY: 7,
    ClosureReason.TURNED_18: 5,
    ClosureReason.OTHER: 5,
}
SERVICE_WEIGHT = {
    ServiceType.PENDAMPINGAN_KORBAN: 22,
    ServiceType.KESEHATAN: 18,
    ServiceType.REHABILITASI_SOSIAL: 14,
    ServiceType.BANTUAN_HUKUM: 10,
    ServiceType.PENEGAKAN_HUKUM: 9,
    ServiceType.PENJANGKAUAN: 8,
    ServiceType.PENGADUAN: 6,
    ServiceType.MEDIASI: 5,
    ServiceType.PENAMPUNGAN_SEMENTARA: 4,
    ServiceType.REINTEGRASI_SOSIAL: 3,
    ServiceType.PEMULANGAN: 1,
}
FINISHED_SERVICE_WEIGHT = {
    ServiceStatus.DONE: 85,
    ServiceStatus.DECLINED_BY_FAMILY: 6,
    ServiceStatus.REFUSED_BY_PROVIDER: 3,
    ServiceStatus.IN_PROGRESS: 6,  # only in closed cases: a service may outlive the case
}

FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Aisyah Alya Anisa Ayu Bunga Citra Dewi Dinda Fitri Gita Indah Intan Kirana Laras Maya Nabila Nadia "
    "Nur Putri Rani Rina Salsa Sari Siti Tari Wulan Yuni Zahra Adi Agus Andi Arif Bagas Bayu Budi Dimas "
    "Doni Eko Fajar Galih Hadi Ilham Joko Raka Reza Rizki Satria Teguh Wahyu Yoga Yusuf Fikri Hendra "
    "Irfan Kevin Lukman"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Pratama Saputra Wijaya Lestari Hidayat Nugroho Santoso Kurniawan Setiawan Rahmawati Permata Siregar "
    "Harahap Nasution Simanjuntak Sitompul Tarigan Ginting Lubis Daeng Rahman Hamzah Syahputra Maulana "
    "Ramadhan Firmansyah Gunawan Hakim Halim Irawan Kusuma Mahendra Purnomo Sembiring Susanto Utami "
    "Wibowo"
).split()
NARRATIVES = (
    "Anak tetangga sering dipukul orang tuanya sampai menangis keras pada malam hari.",
    "Aku dipegang-pegang oleh kerabat waktu di rumah dan aku takut pulang.",
    "Murid saya datang dengan luka lebam di lengan dan tidak mau bercerita.",
    "Seorang anak dibiarkan sendirian berhari-hari tanpa makanan yang cukup.",
    "Aku diejek dan didorong terus oleh teman sekelas setiap hari di sekolah.",
    "Ada anak dipaksa mengemis di perempatan sampai larut malam.",
    "Anak saya menerima pesan dan foto tidak senonoh dari orang yang dikenal di internet.",
    "Tetangga mendengar anak dibentak dan diancam setiap hari.",
    "Seorang remaja dijanjikan pekerjaan di luar kota dan tidak bisa dihubungi lagi.",
    "Anak bekerja di warung sampai malam dan tidak lagi bersekolah.",
)
NARRATIVE_DETAILS = (
    "Kejadian sudah berulang beberapa kali.",
    "Mohon segera ditindaklanjuti.",
    "Saya tidak berani melapor langsung ke RT.",
    "Anak terlihat murung dan ketakutan.",
    "Keluarga tidak mau membicarakannya.",
    "Saya khawatir akan terjadi lagi.",
    "",
)
STREETS = [
    "Jl. Mawar",
    "Jl. Melati",
    "Jl. Kenanga",
    "Jl. Anggrek",
    "Jl. Flamboyan",
    "Gang Damai",
    "Gang Sejahtera",
    "Jl. Cempaka",
]
NOTES = (
    "Kunjungan rumah dilakukan, anak bersedia bercerita.",
    "Koordinasi dengan sekolah tentang pendampingan.",
    "Keluarga setuju mengikuti konseling.",
    "Rujukan ke puskesmas untuk pemeriksaan.",
    "Anak tampak lebih tenang dibanding kunjungan sebelumnya.",
    "Orang tua diminta hadir pada pertemuan berikutnya.",
)
MESSAGES_STAFF = (
    "Terima kasih atas laporan Anda. Bisakah Anda ceritakan lebih lanjut?",
    "Petugas kami sudah menindaklanjuti laporan ini.",
    "Apakah anak saat ini dalam keadaan aman?",
)
MESSAGES_REPORTER = (
    "Anak masih tinggal di rumah yang sama.",
    "Kejadiannya terulang lagi kemarin malam.",
    "Terima kasih, saya akan menunggu kabar.",
)
NEEDS = (
    "Pendampingan psikologis dan pemeriksaan kesehatan.",
    "Bantuan hukum dan rumah aman sementara.",
    "Konseling keluarga dan dukungan sekolah.",
    "Pemeriksaan visum dan pendampingan ke kepolisian.",
)
OUTCOMES = ("Layanan selesai sesuai rencana.", "Anak sudah mendapat pemeriksaan.", "Keluarga mengikuti konseling.")
PERPETRATOR_DESCRIPTIONS = ("Laki-laki dewasa, tinggal serumah.", "Kerabat yang sering berkunjung.", "Teman sekolah.")
FACILITATORS = ("Kader RT", "Kader RT dan bidan puskesmas", "Relawan PATBM", "Kader RT, guru BK", "Tim DP3AKB")
MATERIALS = ("", "", "Leaflet hak anak", "Poster cara melapor", "Buku saku pengasuhan positif")
FLOWERS = (  # noqa: SIM905 - a word list reads better as text
    "Melati Mawar Anggrek Kenanga Cempaka Dahlia Teratai Kemuning Seroja Tulip Lavender Flamboyan"
).split()
FORUM_TITLES = (
    "Diskusi hak anak",
    "Lomba poster anti perundungan",
    "Pelatihan keamanan online",
    "Musyawarah anak kelurahan",
    "Kampanye stop kekerasan",
)


# --- small tools ----------------------------------------------------------------------------------------


class Picker:
    """Weighted choice from a {value: weight} table, cheaper than random.choices per call."""

    def __init__(self, rng: random.Random, weights: dict):
        self.values = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]
        self.rng = rng

    def __call__(self):
        return self.values[bisect(self.cum, self.rng.random() * self.total)]


class TokenPool:
    """Each distinct text encrypted once with the project's key (core.crypto), then reused."""

    def __init__(self):
        self.tokens: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text:
            return ""
        token = self.tokens.get(text)
        if token is None:
            if any(ch in text for ch in "\t\n\\"):
                raise ValueError("COPY text format: no tabs, newlines or backslashes in pool texts")
            token = self.tokens[text] = encrypt_text(text)
        return token


def _value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def volume_uuid(rng: random.Random) -> str:
    rest = f"{rng.getrandbits(96):024x}"
    return f"{VOLUME_UUID_PREFIX}-{rest[:4]}-{rest[4:8]}-{rest[8:12]}-{rest[12:]}"


def _has_db_default(field) -> bool:
    """The database fills the column itself (`db_default`): a COPY may leave it out."""
    return field.db_default is not models.NOT_PROVIDED


class Table:
    """Rows for one model, in the column order given by field names, COPYed in one go."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        self.model = model
        self.fields = fields
        self.columns = [model._meta.get_field(name).column for name in fields]
        unset = [
            f
            for f in model._meta.concrete_fields
            if f.column not in self.columns and not f.null and not f.primary_key and not _has_db_default(f)
        ]
        # A text field that may be blank is written blank on every row (what Django would save
        # for it), so a new optional field needs no change here; any other must be given.
        blank = [f for f in unset if f.blank and f.empty_strings_allowed and not f.has_default()]
        missing = [f.name for f in unset if f not in blank]
        if missing:
            raise RuntimeError(f"{model._meta.label}: no value for NOT NULL {missing}")
        self.columns += [f.column for f in blank]
        self.blank_tail = "\t" * len(blank)
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, row: Iterable) -> None:
        self.buffer.write("\t".join(map(_value, row)))
        self.buffer.write(self.blank_tail)
        self.buffer.write("\n")
        self.count += 1

    def flush(self, cursor) -> int:
        """Once: a flushed table is done with (a batch is a new set of tables)."""
        if self.count:
            self.buffer.seek(0)
            cursor.copy_expert(
                f'COPY "{self.model._meta.db_table}" ({", ".join(self.columns)}) FROM STDIN', self.buffer
            )
        self.buffer.close()
        return self.count


class Writer:
    """COPYs batches, one transaction each and in order, on its own connection in a background
    thread: PostgreSQL checks and indexes one batch while Python generates the next, which
    takes the wall time from the sum of both to about the larger (the database's). Inline when the caller is inside a
    transaction (a test case), which another connection could not see into."""

    def __init__(self):
        self.inline = connection.in_atomic_block
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = None
        if not self.inline:
            self.thread = threading.Thread(target=self._work, name="seed_volume-writer", daemon=True)
            self.thread.start()

    @staticmethod
    def _write(tables: list[Table]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET LOCAL statement_timeout = 0")  # a batch's COPY may take long (core.db)
            for table in tables:
                table.flush(cursor)

    def _work(self) -> None:
        try:
            while (tables := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(tables)
                    except BaseException as exc:  # handed to the main thread at its next submit
                        self.error = exc
        finally:
            connection.close()

    def submit(self, tables: list[Table]) -> None:
        self._raise()
        if self.inline:
            self._write(tables)
        else:
            self.queue.put(tables)

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"Writing a batch failed: {self.error}") from self.error


def reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive primary keys taken from the table's own sequence. The
    table lock keeps any other insert from drawing a number inside the block meanwhile."""
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def receipt_code_for(report_id: int, multiplier: int, offset: int) -> str:
    """A 16-digit code unique per report id: an affine map modulo 10^16 with a multiplier
    prime to 10 is a bijection. Reproducible from --seed, which is fine for fictional data
    and nothing else."""
    return f"{(report_id * multiplier + offset) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def _fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s"


# --- staff and places ----------------------------------------------------------------------------------


@dataclass
class Cast:
    officers: list[int]
    supervisors: list[int]
    volunteer_by_kelurahan: dict[int, int]
    created: int = 0


@transaction.atomic
def ensure_rts() -> int:
    """About 1,700 RTs, numbered per kelurahan: the ones missing are created (reference data,
    kept by --reset), through the same service as `import_rt`."""
    entries = {
        (kelurahan_id, number)
        for kelurahan_id in Kelurahan.objects.values_list("pk", flat=True)
        for number in range(1, RTS_PER_KELURAHAN + 1)
    }
    existing = set(RT.objects.values_list("kelurahan_id", "number"))
    if entries <= existing:
        return 0
    created, _existing = rt_bulk_import(entries=entries - existing, acting_user=None, source="seed_volume")
    return created


@transaction.atomic
def ensure_staff(password: str) -> Cast:
    """Generated officers, supervisors, a head and one volunteer per kelurahan (created once,
    kept by --reset). Existing active officers and supervisors get generated work too, so the
    demo accounts see a full caseload."""
    created = 0
    wanted = [(f"{USERNAME_PREFIX}petugas{i:02d}", Role.OFFICER, None) for i in range(1, OFFICERS + 1)]
    wanted += [(f"{USERNAME_PREFIX}koordinator{i}", Role.SUPERVISOR, None) for i in range(1, SUPERVISORS + 1)]
    wanted.append((f"{USERNAME_PREFIX}kepala", Role.HEAD, None))
    for kelurahan in Kelurahan.objects.order_by("pk"):
        wanted.append((f"{USERNAME_PREFIX}kader{kelurahan.pk:02d}", Role.VOLUNTEER, kelurahan))
    present = set(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", flat=True))
    for username, role, kelurahan in wanted:
        if username in present:
            continue
        user_create(
            username=username,
            role=role,
            password=password,
            first_name="Volume",
            last_name=username.removeprefix(USERNAME_PREFIX),
            email=f"{username}@volume.invalid",
            rts=list(RT.objects.filter(kelurahan=kelurahan)) if kelurahan else [],
            acting_user=None,
        )
        created += 1
    active = User.objects.filter(is_active=True).order_by("pk")
    volunteers = {}
    for user_id, username in User.objects.filter(
        role=Role.VOLUNTEER, username__startswith=f"{USERNAME_PREFIX}kader"
    ).values_list("pk", "username"):
        volunteers[int(username.removeprefix(f"{USERNAME_PREFIX}kader"))] = user_id
    return Cast(
        officers=list(active.filter(role=Role.OFFICER).values_list("pk", flat=True)),
        supervisors=list(active.filter(role=Role.SUPERVISOR).values_list("pk", flat=True)),
        volunteer_by_kelurahan=volunteers,
        created=created,
    )


# --- reset -------------------------------------------------------------------------------------------


def _generated(model) -> str:
    return f'SELECT id FROM "{model._meta.db_table}" WHERE uuid BETWEEN %s AND %s'  # noqa: S608 - model tables


# Table names come from model metadata; every value is a query parameter.
def delete_volume_data(log: Callable[[str], None] = lambda _msg: None) -> dict[str, int]:
    """Delete what seed_volume generated (found by uuid prefix) and nothing else, children
    first: Django's foreign keys have no ON DELETE in the database."""
    bounds = [UUID_LOW, UUID_HIGH]
    reports, cases, sessions = _generated(Report), _generated(Case), _generated(OutreachSession)
    steps = [
        (
            Delivery,
            f"alert_id IN (SELECT id FROM alerts_alert WHERE report_id IN ({reports}) OR case_id IN ({cases}))",  # noqa: S608
            2,
        ),
        (Alert, f"report_id IN ({reports}) OR case_id IN ({cases})", 2),
        (CaseReport, f"case_id IN ({cases}) OR report_id IN ({reports})", 2),
        (Child, f"case_id IN ({cases})", 1),
        (Perpetrator, f"case_id IN ({cases})", 1),
        (CaseService, f"case_id IN ({cases})", 1),
        (FollowUp, f"case_id IN ({cases})", 1),
        (CaseNote, f"case_id IN ({cases})", 1),
        (Case, "uuid BETWEEN %s AND %s", 1),
        (ReportViolenceType, f"report_id IN ({reports})", 1),
        (ReportAttachment, f"report_id IN ({reports})", 1),
        (ReportMessage, f"report_id IN ({reports})", 1),
        (Report, "uuid BETWEEN %s AND %s", 1),
        (OutreachPhoto, f"session_id IN ({sessions})", 1),
        (OutreachSession, "uuid BETWEEN %s AND %s", 1),
        (ChildCareGroup, "uuid BETWEEN %s AND %s", 1),
        (ForumAnakActivity, "uuid BETWEEN %s AND %s", 1),
    ]
    deleted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where, times in steps:
            started = time.monotonic()
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE {where}', bounds * times)  # noqa: S608
            deleted[model._meta.label] = cursor.rowcount
            log(f"  {model._meta.label}: {cursor.rowcount:,} deleted ({time.monotonic() - started:.1f}s)")
    return deleted


# --- the generator -----------------------------------------------------------------------------------


@dataclass
class Options:
    reports: int
    cases: int
    sessions: int
    due: int = 0
    seed: int = 0
    codes_out: str | None = None


@dataclass
class Totals:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int) -> None:
        self.rows[label] = self.rows.get(label, 0) + count

    @property
    def all(self) -> int:
        return sum(self.rows.values())


class VolumeGenerator:
    def __init__(self, options: Options, cast: Cast, log: Callable[[str], None]):
        self.o = options
        self.cast = cast
        self.log = log
        self.rng = rng = random.Random(options.seed)  # noqa: S311 - fictional data, reproducible on purpose
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.start = self.now - timedelta(days=365 * YEARS)
        self.tokens = TokenPool()
        self.tz = timezone.get_current_timezone()
        # A pool of phone numbers keeps the number of distinct texts to encrypt small.
        self.phones = [f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}" for _ in range(3000)]
        self.totals = Totals()
        self.codes: list[str] = []

        multiplier = rng.randrange(10**15, 10**16) | 1
        while multiplier % 5 == 0:
            multiplier += 2
        self.code_key = (multiplier, rng.randrange(10**CODE_DIGITS))

        kecamatan = {k.pk: k.name for k in Kecamatan.objects.all()}
        by_kecamatan: dict[str, list[int]] = {}
        for pk, kecamatan_id in Kelurahan.objects.order_by("pk").values_list("pk", "kecamatan_id"):
            by_kecamatan.setdefault(kecamatan[kecamatan_id], []).append(pk)
        if not by_kecamatan:
            raise RuntimeError("No kelurahan: run migrate first (they are shipped by a data migration).")
        self.kelurahan_of_kecamatan = by_kecamatan
        self.pick_kecamatan = Picker(rng, {name: KECAMATAN_WEIGHT.get(name, 10) for name in by_kecamatan})
        self.rts_of: dict[int, list[int]] = {}
        for rt_id, kelurahan_id in RT.objects.order_by("kelurahan_id", "number").values_list("pk", "kelurahan_id"):
            self.rts_of.setdefault(kelurahan_id, []).append(rt_id)
        self.providers = list(Provider.objects.filter(active=True).values_list("pk", flat=True))
        if not self.providers:
            raise RuntimeError("No active service provider (reference data from migration cases.0003).")
        if not cast.officers or not cast.supervisors:
            raise RuntimeError("No active officer or supervisor.")

        self.pick_violence = Picker(rng, VIOLENCE_WEIGHT)
        self.pick_place = Picker(rng, PLACE_WEIGHT)
        self.pick_perpetrator = Picker(rng, PERPETRATOR_WEIGHT)
        self.pick_reporter = Picker(rng, REPORTER_WEIGHT)
        self.pick_age = Picker(rng, AGE_WEIGHT)
        self.pick_channel = Picker(rng, CHANNEL_WEIGHT)
        self.pick_outcome_recent = Picker(rng, OUTCOME_RECENT)
        self.pick_outcome_old = Picker(rng, OUTCOME_OLD)
        self.pick_steps = [(days, Picker(rng, weights)) for days, weights in CASE_STEPS_BY_AGE]
        self.pick_closure = Picker(rng, CLOSURE_WEIGHT)
        self.pick_service = Picker(rng, SERVICE_WEIGHT)
        self.pick_finished_service = Picker(rng, FINISHED_SERVICE_WEIGHT)
        self.pick_rejection = Picker(rng, dict.fromkeys(RejectionReason.values, 1))
        self.pick_danger = Picker(rng, {YesNoUnknown.YES: 3, YesNoUnknown.NO: 64, YesNoUnknown.UNKNOWN: 33})
        self.pick_injured = Picker(rng, {YesNoUnknown.YES: 4, YesNoUnknown.NO: 60, YesNoUnknown.UNKNOWN: 36})
        self.pick_lives = Picker(rng, {YesNoUnknown.YES: 20, YesNoUnknown.NO: 45, YesNoUnknown.UNKNOWN: 35})
        # How long before the report it happened: most reports come late (afraid, ashamed).
        self.pick_days_ago = Picker(rng, {0: 2, 1: 3, 2: 2, 3: 3, 5: 5, 7: 10, 14: 15, 30: 25, 60: 20, 120: 15})

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.tz)

    # -- one report's answers ------------------------------------------------------------------------

    def _answers(self, received_at: datetime, *, may_be_urgent: bool) -> dict:
        rng = self.rng
        kinds = {self.pick_violence()}
        if rng.random() < 0.22:
            kinds.add(self.pick_violence())
        danger, injured = self.pick_danger(), self.pick_injured()
        ongoing = may_be_urgent and rng.random() < 0.03
        days_ago = self.pick_days_ago() if rng.random() < 0.8 else None
        if not may_be_urgent:
            danger = YesNoUnknown.NO if danger == YesNoUnknown.YES else danger
            injured = YesNoUnknown.NO if injured == YesNoUnknown.YES else injured
            days_ago = None if days_ago is None else max(days_ago, 7)
        occurred_on = None if days_ago is None else self._local(received_at).date() - timedelta(days=days_ago)
        age = self.pick_age()
        lives = self.pick_lives()
        decision = assess_priority(
            danger_now=danger,
            injured=injured,
            violence_types=kinds,
            occurred_on=occurred_on,
            ongoing=ongoing,
            perpetrator_lives_with_child=lives,
            child_age=age,
            now=received_at,
        )
        return {
            "kinds": sorted(kinds),
            "danger": danger,
            "injured": injured,
            "ongoing": ongoing,
            "days_ago": days_ago,
            "occurred_on": occurred_on,
            "age": age,
            "lives": lives,
            "priority": decision.priority,
            "reasons": ",".join(decision.reasons)[:200],
        }

    def _timeline(self) -> list[tuple[float, str, dict | None]]:
        """Every report's arrival, oldest first: handled ones over three years (more lately),
        the `due` ones just past their supervisor deadline (and well before the head's), and a
        few fresh new ones that will not be late for hours."""
        rng, o = self.rng, self.o
        fresh = min(max(2, o.reports // 1000), o.reports - o.due - o.cases)
        handled = o.reports - o.due - fresh
        span = (self.now - timedelta(minutes=10) - self.start).total_seconds()
        # Seconds after self.start; turned into datetimes one by one as rows are written.
        entries: list[tuple[float, str, dict | None]] = []
        random_ = rng.random
        for _ in range(handled):
            x = random_()
            if random_() < 0.5:
                x = max(x, random_())  # growth: more reports in recent years
            entries.append((x * span, "handled", None))
        hours = settings.REPORT_RESPONSE_HOURS
        for kind, count in (("due", o.due), ("fresh", fresh)):
            for _ in range(count):
                answers = self._answers(self.now - timedelta(days=4), may_be_urgent=False)
                steps = hours[answers["priority"]]
                if kind == "due":
                    # Halfway between the supervisor and the head deadlines: one level due, for hours.
                    middle = (steps["supervisor"] + steps["head"]) / 2
                    jitter = (steps["head"] - steps["supervisor"]) / 8
                    received = self.now - timedelta(hours=middle + rng.uniform(-jitter, jitter))
                else:
                    received = self.now - timedelta(hours=rng.uniform(0.05, 0.15) * steps["supervisor"])
                if answers["days_ago"] is not None:
                    answers["occurred_on"] = self._local(received).date() - timedelta(days=answers["days_ago"])
                entries.append(((received - self.start).total_seconds(), kind, answers))
        entries.sort(key=itemgetter(0))
        return entries

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> Totals:
        o, rng = self.o, self.rng
        if o.due + o.cases > o.reports:
            raise ValueError("--due plus --cases cannot exceed --reports.")
        started = time.monotonic()
        entries = self._timeline()
        handled_count = sum(1 for _t, kind, _a in entries if kind == "handled")
        case_positions = set(rng.sample(range(handled_count), o.cases))
        report_id = reserve_ids(Report, o.reports) if o.reports else 0
        case_id = reserve_ids(Case, o.cases) if o.cases else 0
        every = max(1, o.reports // CODES_OUT_MAX) if o.codes_out else 0
        self.log(
            f"Reports {o.reports:,} (ids from {report_id}), cases {o.cases:,}, sessions {o.sessions:,}, "
            f"due {o.due:,}; plan ready in {time.monotonic() - started:.1f}s"
        )

        self.recent_reports: list[int] = []
        self.recent_cases: list[tuple[int, datetime]] = []
        self.writer = Writer()
        try:
            self._generate(entries, case_positions, report_id, case_id, every, started)
        finally:
            self.writer.close()
        if o.codes_out:
            with open(o.codes_out, "w", encoding="ascii") as handle:
                handle.writelines(f"{code}\n" for code in self.codes)
        self.log(f"All rows written after {_fmt_eta(time.monotonic() - started)}; ANALYZE ...")
        with connection.cursor() as cursor:
            for model in (*BATCH_MODELS, OutreachSession, ChildCareGroup, ForumAnakActivity):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        return self.totals

    def _generate(self, entries, case_positions, report_id, case_id, every, started) -> None:
        handled_index = 0
        batch = self._new_batch()
        done = 0
        start = self.start
        for offset, kind, answers in entries:
            received_at = start + timedelta(seconds=offset)
            becomes_case = False
            if kind == "handled":
                becomes_case = handled_index in case_positions
                handled_index += 1
            this_case = case_id if becomes_case else None
            if becomes_case:
                case_id += 1
            self._report(batch, report_id, received_at, kind, answers, this_case)
            if every and report_id % every == 0 and len(self.codes) < CODES_OUT_MAX:
                self.codes.append(receipt_code_for(report_id, *self.code_key))
            report_id += 1
            done += 1
            if batch["reports"] >= BATCH_REPORTS:
                self._flush(batch, done, started)
                batch = self._new_batch()
        if batch["reports"]:
            self._flush(batch, done, started)
        self._outreach(started)

    def _new_batch(self) -> dict:
        return {
            "reports": 0,
            "cases": [],
            Report: Table(
                Report,
                [
                    "id",
                    "uuid",
                    "receipt_hash",
                    "received_at",
                    "channel",
                    "submitted_by",
                    "status",
                    "priority",
                    "priority_reason",
                    "acknowledge_due_at",
                    "acknowledged_at",
                    "acknowledged_by",
                    "duplicate_of",
                    "rejection_reason",
                    "narrative",
                    "danger_now",
                    "injured",
                    "occurred_on",
                    "ongoing",
                    "kelurahan",
                    "rt",
                    "place",
                    "address_detail",
                    "child_age",
                    "child_sex",
                    "child_name",
                    "child_disability",
                    "perpetrator_relation",
                    "perpetrator_lives_with_child",
                    "reporter_relation",
                    "reporter_contact",
                    "contact_consent",
                ],
            ),
            ReportViolenceType: Table(ReportViolenceType, ["report", "violence_type"]),
            ReportMessage: Table(ReportMessage, ["report", "author_kind", "author", "body", "created_at"]),
            Case: Table(
                Case,
                [
                    "id",
                    "uuid",
                    "reference",
                    "status",
                    "risk_level",
                    "needs",
                    "violence_types",
                    "place",
                    "kelurahan",
                    "rt",
                    "assigned_officer",
                    "second_officer",
                    "opened_at",
                    "closure_reason",
                    "closure_explanation",
                    "closed_at",
                    "version",
                    "updated_at",
                ],
            ),
            CaseReport: Table(CaseReport, ["case", "report", "linked_at"]),
            Child: Table(
                Child,
                [
                    "case",
                    "name",
                    "match_key",
                    "birth_date",
                    "age",
                    "sex",
                    "education",
                    "disability",
                    "guardian_contact",
                    "added_at",
                ],
            ),
            Perpetrator: Table(Perpetrator, ["case", "relation", "lives_with_child", "description"]),
            CaseService: Table(
                CaseService,
                [
                    "uuid",
                    "case",
                    "service_type",
                    "provider",
                    "planned_on",
                    "started_on",
                    "completed_on",
                    "status",
                    "consent_recorded",
                    "outcome",
                    "version",
                ],
            ),
            FollowUp: Table(
                FollowUp,
                [
                    "case",
                    "visited_on",
                    "visited_by",
                    "safety",
                    "physical_health",
                    "emotional_wellbeing",
                    "schooling",
                    "family_support",
                    "notes",
                    "next_follow_up_on",
                    "created_at",
                ],
            ),
            CaseNote: Table(CaseNote, ["case", "author", "body", "created_at"]),
        }

    def _report(self, batch, report_id, received_at, kind, answers, case_id) -> None:
        rng, tok = self.rng, self.tokens
        if answers is None:
            answers = self._answers(received_at, may_be_urgent=True)
        kecamatan = self.pick_kecamatan()
        kelurahan = rng.choice(self.kelurahan_of_kecamatan[kecamatan])
        rts = self.rts_of.get(kelurahan)
        rt = rng.choice(rts) if rts and rng.random() < 0.85 else None
        channel = self.pick_channel()
        submitted_by = None
        reporter = self.pick_reporter()
        if channel == Channel.VOLUNTEER:
            submitted_by = self.cast.volunteer_by_kelurahan.get(kelurahan)
            if submitted_by is None:
                channel = Channel.WEB
            else:
                reporter = ReporterRelation.VOLUNTEER
        priority = answers["priority"]
        age = answers["age"]
        sex = "P" if rng.random() < 0.6 else "L" if rng.random() < 0.95 else ""
        child_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.6 else ""
        contact = rng.choice(self.phones) if rng.random() < 0.4 else ""
        perpetrator = self.pick_perpetrator()
        place = self.pick_place()

        status, ack_at, ack_by, duplicate_of, rejection = Status.NEW, None, None, None, ""
        duplicate_case = None
        officer = rng.choice(self.cast.officers)
        if kind == "handled":
            limit = (self.now - received_at).total_seconds()
            typical = {"darurat": 1800, "tinggi": 6 * 3600, "biasa": 30 * 3600}[priority]
            delay = rng.expovariate(1 / typical)
            delay = min(delay, limit * rng.random())
            ack_at = received_at + timedelta(seconds=delay)
            ack_by = officer if rng.random() < 0.85 else rng.choice(self.cast.supervisors)
            if case_id is not None:
                status = Status.ACCEPTED
            else:
                recent = (self.now - received_at).days < 60
                status = (self.pick_outcome_recent if recent else self.pick_outcome_old)()
                if status == Status.DUPLICATE:
                    if self.recent_cases and rng.random() < 0.5:
                        duplicate_case = rng.choice(self.recent_cases)
                    elif self.recent_reports:
                        duplicate_of = rng.choice(self.recent_reports)
                    else:
                        status = Status.CLOSED
                elif status == Status.REJECTED:
                    rejection = self.pick_rejection()
        narrative = f"{rng.choice(NARRATIVES)} {rng.choice(NARRATIVE_DETAILS)}".strip()
        address = f"{rng.choice(STREETS)} No. {rng.randrange(1, 80)}" if rng.random() < 0.5 else ""
        code = receipt_code_for(report_id, *self.code_key)
        batch[Report].add(
            (
                report_id,
                volume_uuid(rng),
                receipt_hash(code),
                received_at,
                channel,
                submitted_by,
                status,
                priority,
                answers["reasons"],
                acknowledge_deadline(priority, received_at),
                ack_at,
                ack_by,
                duplicate_of,
                rejection,
                tok(narrative),
                answers["danger"],
                answers["injured"],
                answers["occurred_on"],
                answers["ongoing"],
                kelurahan,
                rt,
                place,
                tok(address),
                age,
                sex,
                tok(child_name),
                YesNoUnknown.YES
                if rng.random() < 0.04
                else YesNoUnknown.UNKNOWN
                if rng.random() < 0.5
                else YesNoUnknown.NO,
                perpetrator,
                answers["lives"],
                reporter,
                tok(contact),
                bool(contact) or rng.random() < 0.1,
            )
        )
        for violence in answers["kinds"]:
            batch[ReportViolenceType].add((report_id, violence))
        batch["reports"] += 1
        self.recent_reports.append(report_id)
        if len(self.recent_reports) > 5000:
            del self.recent_reports[:2500]
        if ack_at is not None and rng.random() < 0.12:
            at = ack_at
            for turn in range(rng.randint(1, 4)):
                at = min(self.now, at + timedelta(hours=rng.uniform(1, 72)))
                if turn % 2 == 0:
                    batch[ReportMessage].add((report_id, AuthorKind.STAFF, ack_by, tok(rng.choice(MESSAGES_STAFF)), at))
                else:
                    batch[ReportMessage].add(
                        (report_id, AuthorKind.REPORTER, None, tok(rng.choice(MESSAGES_REPORTER)), at)
                    )
        if duplicate_case is not None:
            duplicate_case_id, case_opened_at = duplicate_case
            batch[CaseReport].add((duplicate_case_id, report_id, max(ack_at, case_opened_at)))
        if case_id is not None:
            opened_at = min(self.now, ack_at + timedelta(hours=rng.uniform(0, 24)))
            batch["cases"].append(
                (
                    case_id,
                    report_id,
                    opened_at,
                    officer,
                    kelurahan,
                    rt,
                    place,
                    answers,
                    perpetrator,
                    child_name,
                    age,
                    sex,
                )
            )
            self.recent_cases.append((case_id, opened_at))
            if len(self.recent_cases) > 2000:
                del self.recent_cases[:1000]

    def _reserve_references(self, cases: list) -> list[str]:
        years: dict[int, int] = {}
        local_years = [self._local(entry[2]).year for entry in cases]
        for year in local_years:
            years[year] = years.get(year, 0) + 1
        next_number = {}
        table = CaseCounter._meta.db_table
        # Claimed like cases.services._next_reference does, a block at a time: no reference twice.
        claim = (
            f'INSERT INTO "{table}" (year, last) VALUES (%s, %s) '  # noqa: S608 - the model's own table
            f'ON CONFLICT (year) DO UPDATE SET last = "{table}".last + EXCLUDED.last RETURNING last'
        )
        with connection.cursor() as cursor:
            for year, count in years.items():
                cursor.execute(claim, [year, count])
                (last,) = cursor.fetchone()
                next_number[year] = last - count + 1
        references = []
        for year in local_years:
            references.append(f"BPN-{year}-{next_number[year]:05d}")
            next_number[year] += 1
        return references

    def _case(self, batch, entry, reference) -> None:
        rng, tok, today = self.rng, self.tokens, self.today
        case_id, report_id, opened_at, officer, kelurahan, rt, place, answers, perpetrator, child_name, age, sex = entry
        age_days = (self.now - opened_at).days
        step = next(picker for days, picker in self.pick_steps if age_days <= days)()
        rank = STEP_ORDER.index(step)
        assessed = rank >= 2 or (rank == 1 and rng.random() < 0.7)
        second = rng.choice(self.cast.officers) if rng.random() < 0.2 else None
        if second == officer:
            second = None
        opened_day = self._local(opened_at).date()
        closed = step == CaseStatus.CLOSED
        # A closed case ran for weeks to months; an open one runs until today.
        if closed:
            length = min(age_days, int(rng.uniform(30, 240)))
            end_day = opened_day + timedelta(days=max(length, 1))
        else:
            end_day = today

        services = []
        if rank >= 2:
            for _ in range(rng.randint(1, 3)):
                services.append(self._service(opened_day, end_day, closed=closed, must_finish=False))
            if rank >= 4 and all(s[5] == ServiceStatus.PLANNED for s in services):
                services[0] = self._service(opened_day, end_day, closed=closed, must_finish=True)
        follow_ups = []
        reason = ""
        if rank >= 4:
            count = rng.randint(0 if step == CaseStatus.MONITORING else 1, 6)
            if step != CaseStatus.MONITORING:
                reason = self.pick_closure()
                if reason == ClosureReason.SAFE_AND_STABLE:
                    count = max(count, 2)
            first = opened_day + timedelta(days=14)
            last_possible = end_day if closed else today
            if first > last_possible:
                first = max(opened_day, last_possible - timedelta(days=1))
            days = sorted(
                first + timedelta(days=rng.randint(0, max(0, (last_possible - first).days))) for _ in range(count)
            )
            for index, visited in enumerate(days):
                base = min(4, 1 + (index * 3) // max(1, count - 1)) if count > 1 else 2
                scores = [max(1, min(4, base + rng.choice((-1, 0, 0, 1)))) for _ in range(5)]
                if index + 1 < len(days):
                    next_on = days[index + 1]
                elif closed:
                    next_on = None
                else:
                    next_on = today + timedelta(days=rng.randint(3, 30)) if rng.random() < 0.8 else None
                follow_ups.append((visited, scores, next_on))
        closed_at = None
        if closed:
            last_day = max([end_day] + [v for v, _s, _n in follow_ups])
            closed_at = min(self.now, self._midnight(last_day) + timedelta(hours=rng.uniform(8, 17)))
            updated_at = closed_at
        else:
            updated_at = max(opened_at, self.now - timedelta(days=rng.uniform(0, 10)))
        explanation = "Keluarga pindah ke luar provinsi dan kasus dirujuk." if reason == ClosureReason.OTHER else ""
        kinds = answers["kinds"]
        risk = rng.choice(RiskLevel.values) if assessed else ""
        batch[Case].add(
            (
                case_id,
                volume_uuid(rng),
                reference,
                step,
                risk,
                tok(rng.choice(NEEDS)) if assessed else "",
                json.dumps(kinds),
                place,
                kelurahan,
                rt,
                officer,
                second,
                opened_at,
                reason,
                tok(explanation),
                closed_at,
                1 + rank + len(services),
                updated_at,
            )
        )
        batch[CaseReport].add((case_id, report_id, opened_at))
        children = 1 if rng.random() < 0.9 else rng.randint(2, 3)
        for index in range(children):
            name = child_name if index == 0 and child_name else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            child_age = age if index == 0 and age is not None else rng.randrange(0, 18)
            birth_year = opened_day.year - child_age
            birth = f"{birth_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.5 else ""
            education = (
                (
                    Education.BELUM_SEKOLAH
                    if child_age < 4
                    else Education.TK_PAUD
                    if child_age < 7
                    else Education.SD
                    if child_age < 13
                    else Education.SLTP
                    if child_age < 16
                    else Education.SLTA
                )
                if rng.random() < 0.9
                else ""
            )
            child_sex = sex if index == 0 else rng.choice("LP")
            guardian = rng.choice(self.phones) if rng.random() < 0.6 else ""
            disability = True if rng.random() < 0.03 else False if rng.random() < 0.8 else None
            batch[Child].add(
                (
                    case_id,
                    tok(name),
                    child_match_key(name, birth_year),
                    tok(birth),
                    child_age,
                    child_sex,
                    education,
                    disability,
                    tok(guardian),
                    opened_at,
                )
            )
        if perpetrator:
            lives = {YesNoUnknown.YES: True, YesNoUnknown.NO: False}.get(answers["lives"])
            description = rng.choice(PERPETRATOR_DESCRIPTIONS) if rng.random() < 0.3 else ""
            batch[Perpetrator].add((case_id, perpetrator, lives, tok(description)))
        for service in services:
            batch[CaseService].add((volume_uuid(rng), case_id, *service))
        for visited, scores, next_on in follow_ups:
            note = rng.choice(NOTES) if rng.random() < 0.5 else ""
            created = self._midnight(visited) + timedelta(hours=rng.uniform(9, 20))
            batch[FollowUp].add((case_id, visited, officer, *scores, tok(note), next_on, min(created, self.now)))
        for _ in range(rng.randint(0, 3)):
            at = opened_at + (updated_at - opened_at) * rng.random()
            batch[CaseNote].add((case_id, officer, tok(rng.choice(NOTES)), at))

    def _service(self, opened_day: date, end_day: date, *, closed: bool, must_finish: bool) -> tuple:
        """(service_type, provider, planned_on, started_on, completed_on, status, consent, outcome, version).
        In an open case an unfinished service is planned for a day still ahead: nothing overdue."""
        rng = self.rng
        service_type, provider = self.pick_service(), rng.choice(self.providers)
        span = max(0, (min(end_day, self.today) - opened_day).days)
        if closed or must_finish or rng.random() < 0.55:
            status = self.pick_finished_service() if closed else ServiceStatus.DONE
            planned = opened_day + timedelta(days=rng.randint(0, span))
            started = planned if status in (ServiceStatus.DONE, ServiceStatus.IN_PROGRESS) else None
            completed = (
                min(self.today, planned + timedelta(days=rng.randint(0, 20))) if status == ServiceStatus.DONE else None
            )
            outcome = self.tokens(rng.choice(OUTCOMES)) if status == ServiceStatus.DONE else ""
            return (
                service_type,
                provider,
                planned,
                started,
                completed,
                status,
                status == ServiceStatus.DONE,
                outcome,
                2 if completed else 1,
            )
        planned = self.today + timedelta(days=rng.randint(1, 30))
        return (service_type, provider, planned, None, None, ServiceStatus.PLANNED, rng.random() < 0.5, "", 1)

    def _submit(self, tables: list[Table]) -> None:
        for table in tables:
            self.totals.add(table.model._meta.label, table.count)
        self.writer.submit(tables)

    def _flush(self, batch, done: int, started: float) -> None:
        cases = batch["cases"]
        for entry, reference in zip(cases, self._reserve_references(cases) if cases else [], strict=True):
            self._case(batch, entry, reference)
        self._submit([batch[model] for model in BATCH_MODELS])
        elapsed = time.monotonic() - started
        rate = self.totals.all / elapsed if elapsed else 0
        left = (self.o.reports - done) * (elapsed / done) if done else 0
        self.log(
            f"  reports {done:,}/{self.o.reports:,}  rows {self.totals.all:,}  {rate:,.0f} rows/s  "
            f"elapsed {_fmt_eta(elapsed)}  ETA {_fmt_eta(left)}"
        )

    # -- outreach -------------------------------------------------------------------------------------

    def _outreach(self, started: float) -> None:
        rng, tok = self.rng, self.tokens
        rts = [(rt_id, kelurahan_id) for kelurahan_id, ids in self.rts_of.items() for rt_id in ids]
        if not rts or not self.cast.volunteer_by_kelurahan:
            return
        # A quarter of the RTs are never reached; the others unevenly.
        weights = {rt: (0 if rng.random() < 0.25 else rng.expovariate(1.0)) for rt in rts}
        pick_rt = Picker(rng, weights)
        topics = [t for t in Topic.values if t != Topic.LAINNYA]
        span_days = (self.today - self._local(self.start).date()).days
        sessions = Table(
            OutreachSession,
            [
                "uuid",
                "rt",
                "held_on",
                "start_time",
                "duration_minutes",
                "topics",
                "other_topic",
                "facilitators",
                "boys",
                "girls",
                "men",
                "women",
                "materials",
                "notes",
                "logged_by",
                "logged_at",
                "updated_at",
            ],
        )

        def day_in_span() -> date:
            x = rng.random()
            if rng.random() < 0.5:
                x = max(x, rng.random())
            return self._local(self.start).date() + timedelta(days=int(x * span_days))

        def flush(table: Table) -> Table:
            self._submit([table])
            return Table(table.model, table.fields)

        for index in range(self.o.sessions):
            rt_id, kelurahan_id = pick_rt()
            held = day_in_span()
            chosen = rng.sample(topics, rng.randint(1, 3))
            other = ""
            if rng.random() < 0.05:
                chosen.append(Topic.LAINNYA)
                other = "Gizi anak"
            logged = min(self.now, self._midnight(held) + timedelta(hours=rng.uniform(12, 72)))
            sessions.add(
                (
                    volume_uuid(rng),
                    rt_id,
                    held,
                    f"{rng.choice((9, 10, 13, 15, 16, 19, 20)):02d}:{rng.choice(('00', '30'))}:00",
                    rng.choice((45, 60, 60, 90, 120, 180)),
                    json.dumps(chosen),
                    other,
                    tok(rng.choice(FACILITATORS)),
                    rng.randint(0, 30),
                    rng.randint(0, 30),
                    rng.randint(0, 20),
                    rng.randint(0, 35),
                    rng.choice(MATERIALS),
                    "",
                    self.cast.volunteer_by_kelurahan[kelurahan_id],
                    logged,
                    logged,
                )
            )
            if sessions.count >= BATCH_REPORTS or index + 1 == self.o.sessions:
                sessions = flush(sessions)
                elapsed = time.monotonic() - started
                self.log(f"  sessions {index + 1:,}/{self.o.sessions:,}  {self.totals.all / elapsed:,.0f} rows/s")
        if not self.o.sessions:
            return

        groups = Table(
            ChildCareGroup,
            [
                "uuid",
                "rt",
                "name",
                "formed_on",
                "members",
                "contact_person",
                "active",
                "last_activity_on",
                "registered_by",
                "updated_at",
            ],
        )
        taken = set(ChildCareGroup.objects.values_list("rt_id", "name"))
        for rt_id, kelurahan_id in rts:
            if rng.random() >= 0.4:
                continue
            name = f"Kelompok Peduli Anak {rng.choice(FLOWERS)}"
            if (rt_id, name) in taken:
                continue
            formed = day_in_span()
            last = (
                formed + timedelta(days=rng.randint(0, max(0, (self.today - formed).days)))
                if rng.random() < 0.8
                else None
            )
            contact = rng.choice(self.phones) if rng.random() < 0.5 else ""
            groups.add(
                (
                    volume_uuid(rng),
                    rt_id,
                    name,
                    formed,
                    rng.randint(5, 40),
                    tok(contact),
                    rng.random() < 0.85,
                    last,
                    self.cast.volunteer_by_kelurahan[kelurahan_id],
                    self.now,
                )
            )
        flush(groups)

        forum = Table(
            ForumAnakActivity,
            [
                "uuid",
                "rt",
                "held_on",
                "title",
                "children",
                "topics",
                "other_topic",
                "suggestions",
                "logged_by",
                "logged_at",
            ],
        )
        for _ in range(max(1, self.o.sessions // 8)):
            rt_id, kelurahan_id = pick_rt()
            held = day_in_span()
            logged = min(self.now, self._midnight(held) + timedelta(hours=20))
            forum.add(
                (
                    volume_uuid(rng),
                    rt_id,
                    held,
                    rng.choice(FORUM_TITLES),
                    rng.randint(5, 60),
                    json.dumps(rng.sample(topics, rng.randint(1, 2))),
                    "",
                    "",
                    self.cast.volunteer_by_kelurahan[kelurahan_id],
                    logged,
                )
            )
            if forum.count >= BATCH_REPORTS:
                forum = flush(forum)
        flush(forum)
