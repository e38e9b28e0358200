"""The vocabulary of a public report (SIMFONI-PPA categories plus the public-only ones)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")


class ViolenceType(models.TextChoices):
    FISIK = "fisik", _("Physical (hitting, kicking, burning)")
    PSIKIS = "psikis", _("Emotional (threats, insults, frightening)")
    SEKSUAL = "seksual", _("Sexual (touching, forced acts)")
    PENELANTARAN = "penelantaran", _("Neglect (not fed, not cared for, left alone)")
    EKSPLOITASI = "eksploitasi", _("Exploitation (forced to work or beg, or sold for sex)")
    TRAFFICKING = "trafficking", _("Trafficking (taken or sold)")
    PERUNDUNGAN = "perundungan", _("Bullying")
    ONLINE = "online", _("Online abuse")
    # KSBE (kekerasan seksual berbasis elektronik, UU 12/2022 TPKS Pasal 4(1)(i)): sexual violence.
    KSBE = "ksbe", _("Online sexual violence (sexual photos, videos or chats, threats to spread them)")
    LAINNYA = "lainnya", _("Something else")


# Every form that is sexual violence: priority, TPKS Pasal 41 and SIMFONI-PPA count them alike.
SEXUAL_VIOLENCE_TYPES = frozenset({ViolenceType.SEKSUAL, ViolenceType.KSBE})


# Short names for a list on a shared screen (the inbox, the statistics); the reporter's form
# explains each one at length.
VIOLENCE_TYPE_SHORT = {
    ViolenceType.FISIK: _("Physical"),
    ViolenceType.PSIKIS: _("Psychological"),
    ViolenceType.SEKSUAL: _("Sexual"),
    ViolenceType.PENELANTARAN: _("Neglect"),
    ViolenceType.EKSPLOITASI: _("Exploitation"),
    ViolenceType.TRAFFICKING: _("Trafficking"),
    ViolenceType.PERUNDUNGAN: _("Bullying"),
    ViolenceType.ONLINE: _("Online abuse"),
    ViolenceType.KSBE: _("Online sexual violence"),
    ViolenceType.LAINNYA: _("Other"),
}


class Place(models.TextChoices):
    RUMAH_TANGGA = "rumah_tangga", _("At home")
    SEKOLAH = "sekolah", _("At school")
    FASILITAS_UMUM = "fasilitas_umum", _("In a public place")
    TEMPAT_KERJA = "tempat_kerja", _("At a workplace")
    LEMBAGA_PENDIDIKAN_KILAT = "lembaga_pendidikan_kilat", _("At a course or boarding programme")
    ONLINE = "online", _("Online (internet, phone)")
    LAINNYA = "lainnya", _("Somewhere else")


class ChildSex(models.TextChoices):
    L = "L", _("Boy")
    P = "P", _("Girl")


class PerpetratorRelation(models.TextChoices):
    ORANG_TUA = "orang_tua", _("Parent or step-parent")
    KELUARGA = "keluarga", _("Other family member")
    PACAR_TEMAN = "pacar_teman", _("Boyfriend, girlfriend or friend")
    GURU = "guru", _("Teacher")
    TETANGGA = "tetangga", _("Neighbour")
    MAJIKAN = "majikan", _("Employer")
    SUAMI_ISTRI = "suami_istri", _("Husband or wife")
    TIDAK_DIKENAL = "tidak_dikenal", _("A stranger")
    LAINNYA = "lainnya", _("Someone else")


class ReporterRelation(models.TextChoices):
    SELF = "self", _("It happened to me")
    FAMILY = "family", _("I am family")
    NEIGHBOUR = "neighbour", _("I am a neighbour")
    TEACHER = "teacher", _("I am a teacher")
    VOLUNTEER = "volunteer", _("I am an RT volunteer")
    OTHER = "other", _("Someone else")


class ReporterKind(models.TextChoices):
    """Who the public form is about, asked first ("Laporan ini tentang siapa?"): it decides whether the
    form says "kamu" or "anak itu" and which questions it leaves out. Blank for the staff doors."""

    CHILD_SELF = "child_self", _("Me: it happened to me")
    CHILD_OTHER = "child_other", _("Another child: I am a child too")
    ADULT = "adult", _("A child: I am an adult reporting for a child")


class LocationKind(models.TextChoices):
    """Where it happened: a kelurahan of Balikpapan, or one of the ways out of that question."""

    KELURAHAN = "kelurahan", _("A kelurahan in Balikpapan")
    UNKNOWN = "unknown", _("I don't know the kelurahan")
    OUTSIDE = "outside", _("Outside Balikpapan")
    ONLINE = "online", _("Online (internet, social media, phone)")


class Priority(models.TextChoices):
    DARURAT = "darurat", _("Urgent")
    TINGGI = "tinggi", _("High")
    BIASA = "biasa", _("Normal")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted as a case")
    DUPLICATE = "duplicate", _("Duplicate")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    VOLUNTEER = "volunteer", _("Via an RT volunteer")
    # Recorded by staff (INTAKE_CHANNELS): the doors of Permen PPPA 2/2022's complaint service.
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    SAPA_129 = "sapa_129", _("SAPA 129")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LETTER = "letter", _("Letter or email")
    REFERRAL = "referral", _("Referral from another agency")
    OUTREACH = "outreach", _("Found by outreach")
    OTHER = "other", _("Other")


# The channels an officer or supervisor records a complaint from (reports.services.report_submit
# asks RECORD_INTAKE for them and records who did); the others are the reporter's own doors.
INTAKE_CHANNELS = (
    Channel.WALK_IN,
    Channel.PHONE,
    Channel.SAPA_129,
    Channel.WHATSAPP,
    Channel.LETTER,
    Channel.REFERRAL,
    Channel.OUTREACH,
    Channel.OTHER,
)


class SourceAgency(models.TextChoices):
    """Who referred or handed a case over (rujukan/pelimpahan)."""

    POLICE = "police", _("Police (Unit PPA)")
    HOSPITAL = "hospital", _("Hospital or health centre")
    SCHOOL = "school", _("School")
    DINSOS = "dinsos", _("Dinas Sosial")
    UPTD_PPA = "uptd_ppa", _("Another UPTD PPA")
    SAPA_129 = "sapa_129", _("SAPA 129 (KemenPPPA)")
    OTHER = "other", _("Another agency")


class ReporterRole(models.TextChoices):
    """Who the reporter of a staff intake is; each maps to the public form's ReporterRelation."""

    VICTIM = "victim", _("The victim")
    PARENT = "parent", _("Parent or guardian")
    FAMILY = "family", _("Other family member")
    TEACHER = "teacher", _("Teacher")
    NEIGHBOUR = "neighbour", _("Neighbour")
    POLICE = "police", _("Police")
    HEALTH_WORKER = "health_worker", _("Health worker")
    AGENCY_STAFF = "agency_staff", _("Staff of another agency")
    OTHER = "other", _("Someone else")


REPORTER_ROLE_RELATION = {
    ReporterRole.VICTIM: ReporterRelation.SELF,
    ReporterRole.PARENT: ReporterRelation.FAMILY,
    ReporterRole.FAMILY: ReporterRelation.FAMILY,
    ReporterRole.TEACHER: ReporterRelation.TEACHER,
    ReporterRole.NEIGHBOUR: ReporterRelation.NEIGHBOUR,
    ReporterRole.POLICE: ReporterRelation.OTHER,
    ReporterRole.HEALTH_WORKER: ReporterRelation.OTHER,
    ReporterRole.AGENCY_STAFF: ReporterRelation.OTHER,
    ReporterRole.OTHER: ReporterRelation.OTHER,
}


class AuthorKind(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    STAFF = "staff", _("Officer")


class RejectionReason(models.TextChoices):
    NOT_ABOUT_A_CHILD = "not_about_a_child", _("Not about a child")
    NO_VIOLENCE = "no_violence", _("No violence described")
    SPAM = "spam", _("Spam")
    NO_ANSWER = "no_answer", _("No answer to questions after 14 days")
    # Never a plain "no": a report about an adult woman goes to the women's service (issue 18).
    ADULT_REFERRED = "adult_referred", _("About an adult: referred to the women's service")


NARRATIVE_MIN_LENGTH = 20
NARRATIVE_MAX_LENGTH = 5000
CHILD_AGE_MAX = 17
MESSAGE_MAX_LENGTH = 3000
SHORT_TEXT_MAX_LENGTH = 300
LANDMARK_MAX_LENGTH = 200
