"""Case-management vocabulary (inter-agency steps, SIMFONI-PPA categories)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    SERVICES = "services", _("Services")
    MONITORING = "monitoring", _("Follow-up and monitoring")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]

# A child is under 18 (UU 35/2014 Pasal 1: reports.choices.CHILD_AGE_MAX); an age above MAX_AGE
# is a typing error.
MAX_AGE = 120


class RiskLevel(models.TextChoices):
    LOW = "rendah", _("Low")
    MEDIUM = "sedang", _("Medium")
    HIGH = "tinggi", _("High")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Case plan goals met")
    SAFE_AND_STABLE = "safe_and_stable", _("Child safe and stable over two follow-ups")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    MOVED_AWAY = "moved_away", _("Family moved away")
    TURNED_18 = "turned_18", _("Child turned 18")
    OTHER = "other", _("Other (explain)")


class Education(models.TextChoices):
    BELUM_SEKOLAH = "belum_sekolah", _("Not yet in school")
    TK_PAUD = "tk_paud", _("TK/PAUD")
    SD = "sd", _("SD")
    SLTP = "sltp", _("SLTP")
    SLTA = "slta", _("SLTA")


class ServiceType(models.TextChoices):
    PENGADUAN = "pengaduan", _("Complaint handling")
    KESEHATAN = "kesehatan", _("Health")
    BANTUAN_HUKUM = "bantuan_hukum", _("Legal aid")
    PENEGAKAN_HUKUM = "penegakan_hukum", _("Law enforcement")
    REHABILITASI_SOSIAL = "rehabilitasi_sosial", _("Social rehabilitation")
    REINTEGRASI_SOSIAL = "reintegrasi_sosial", _("Social reintegration")
    PEMULANGAN = "pemulangan", _("Repatriation")
    PENJANGKAUAN = "penjangkauan", _("Outreach to the victim")
    PENAMPUNGAN_SEMENTARA = "penampungan_sementara", _("Temporary shelter")
    MEDIASI = "mediasi", _("Mediation")
    PENDAMPINGAN_KORBAN = "pendampingan_korban", _("Victim accompaniment")
    LAYANAN_PSIKOLOGIS = "layanan_psikologis", _("Psychological service")
    PENDAMPINGAN_TOKOH_AGAMA = "pendampingan_tokoh_agama", _("Accompaniment by a religious leader")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED_BY_FAMILY = "declined_by_family", _("Declined by the family")
    REFUSED_BY_PROVIDER = "refused_by_provider", _("Refused by the provider")


FINISHED_SERVICE_STATUSES = {ServiceStatus.DONE, ServiceStatus.DECLINED_BY_FAMILY, ServiceStatus.REFUSED_BY_PROVIDER}
UNFINISHED_SERVICE_STATUSES = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


class ProviderKind(models.TextChoices):
    HOSPITAL = "rumah_sakit", _("Hospital or health centre")
    POLICE = "unit_ppa", _("Police PPA unit")
    LEGAL_AID = "bantuan_hukum", _("Legal aid")
    PSYCHOLOGIST = "psikolog", _("Psychologist")
    SHELTER = "rumah_aman", _("Shelter")
    SCHOOL = "sekolah", _("School")
    SOCIAL_SERVICE = "dinas_sosial", _("Social services")
    UPTD_PPA = "uptd_ppa", _("Another UPTD PPA")
    RELIGIOUS_LEADER = "tokoh_agama", _("Religious leader or organisation")
    OTHER = "lainnya", _("Other")


class PerpetratorRelation(models.TextChoices):
    ORANG_TUA = "orang_tua", _("Parent or step-parent")
    KELUARGA = "keluarga", _("Other family member")
    PACAR_TEMAN = "pacar_teman", _("Boyfriend, girlfriend or friend")
    GURU = "guru", _("Teacher")
    TETANGGA = "tetangga", _("Neighbour")
    MAJIKAN = "majikan", _("Employer")
    SUAMI_ISTRI = "suami_istri", _("Husband or wife")
    REKAN_KERJA = "rekan_kerja", _("Co-worker")
    TIDAK_DIKENAL = "tidak_dikenal", _("A stranger")
    LAINNYA = "lainnya", _("Someone else")


class PerpetratorSex(models.TextChoices):
    """As Perpetrator.sex records it (SIMFONI-PPA: perpetrator sex and age)."""

    L = "L", _("Male")
    P = "P", _("Female")


# Recovery is scored on a fixed scale (design: "Case lifecycle").
SCORE_MIN, SCORE_MAX = 1, 4
RECOVERY_DIMENSIONS = ("safety", "physical_health", "emotional_wellbeing", "schooling", "family_support")


# --- legal process (proses hukum) and UU 12/2022 TPKS ------------------------------------------


class LegalStage(models.TextChoices):
    NOT_REPORTED = "belum_dilaporkan", _("Not reported to the police")
    INQUIRY = "penyelidikan", _("Inquiry (penyelidikan)")
    INVESTIGATION = "penyidikan", _("Investigation (penyidikan)")
    HANDED_TO_PROSECUTOR = "pelimpahan_p21", _("Handed to the prosecutor (pelimpahan/P21)")
    TRIAL = "persidangan", _("Trial (persidangan)")
    VERDICT = "putusan", _("Verdict (putusan)")
    APPEAL = "banding", _("Appeal (banding)")
    STOPPED = "dihentikan", _("Stopped (SP3) or diversion")


# A legal process is open from the police report until a verdict with no appeal, or a stop.
OPEN_LEGAL_STAGES = (
    LegalStage.INQUIRY,
    LegalStage.INVESTIGATION,
    LegalStage.HANDED_TO_PROSECUTOR,
    LegalStage.TRIAL,
    LegalStage.APPEAL,
)


class RequestStatus(models.TextChoices):
    """A restitution claim or an LPSK protection request."""

    NONE = "", _("Not requested")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


# --- referrals and transfers ---------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    DONE = "done", _("Done")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ConsentItem(models.TextChoices):
    """What the consent to share covers; a referral letter prints only these."""

    CHILD_IDENTITY = "child_identity", _("The child's name, age and sex")
    ADDRESS = "address", _("Address and contact of the family")
    CHRONOLOGY = "chronology", _("What happened (chronology)")
    HEALTH = "health", _("Health and examination results")
    PERPETRATOR = "perpetrator", _("The perpetrator")


# --- assessment and case plan --------------------------------------------------------------------


class AssessmentDomain(models.TextChoices):
    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    PSYCHOLOGICAL = "psychological", _("Psychological state")
    FAMILY = "family", _("Family and care")
    EDUCATION = "education", _("Education")
    LEGAL = "legal", _("Legal needs")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
