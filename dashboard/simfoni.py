"""The SIMFONI-PPA national vocabulary: each of the product's codes (TextChoices values) with the
label the national input form uses, and the column names of the two sheets of the export.

Always Indonesian, whatever the page language: this is the national format, read by the people
who type the rows into SIMFONI-PPA, not a page of the product. The categories are those of
KemenPPPA's SIMFONI-PPA input form (design: "Vocabulary shared with the national system"); the
national file layout is not published, so the columns follow the input form's order: the case,
its dates, the victim, the place and forms of violence, the services; then one sheet of
perpetrators. A code the product adds later without a label here fails
tests/dashboard/test_simfoni_vocabulary.py.
"""

from cases.choices import Education, LegalStage, PerpetratorRelation, PerpetratorSex, ServiceType
from reports.choices import Channel, ChildSex, Place

from .definitions import SIMFONI_VIOLENCE

UNKNOWN = "tidak diketahui"
YES, NO = "ya", "tidak"

# definitions.SIMFONI_VIOLENCE gives the national category of every form of violence; these are
# the categories' labels.
VIOLENCE_CATEGORY_LABELS = {
    "fisik": "Fisik",
    "psikis": "Psikis",
    "seksual": "Seksual",
    "eksploitasi": "Eksploitasi",
    "trafficking": "Trafficking (perdagangan orang)",
    "penelantaran": "Penelantaran",
    "lainnya": "Lainnya",
}

# The national place vocabulary has no "online": it is "Lainnya" there, and the finer value
# (PLACE_DETAIL) goes in a column of its own.
PLACE = {
    Place.RUMAH_TANGGA: "Rumah tangga",
    Place.SEKOLAH: "Sekolah",
    Place.FASILITAS_UMUM: "Fasilitas umum",
    Place.TEMPAT_KERJA: "Tempat kerja",
    Place.LEMBAGA_PENDIDIKAN_KILAT: "Lembaga pendidikan kilat",
    Place.ONLINE: "Lainnya",
    Place.LAINNYA: "Lainnya",
}
PLACE_DETAIL = {
    Place.RUMAH_TANGGA: "Rumah tangga",
    Place.SEKOLAH: "Sekolah",
    Place.FASILITAS_UMUM: "Fasilitas umum",
    Place.TEMPAT_KERJA: "Tempat kerja",
    Place.LEMBAGA_PENDIDIKAN_KILAT: "Lembaga pendidikan kilat",
    Place.ONLINE: "Online (internet, telepon)",
    Place.LAINNYA: "Lainnya",
}

SEX = {ChildSex.L: "Laki-laki", ChildSex.P: "Perempuan"}
PERPETRATOR_SEX = {PerpetratorSex.L: "Laki-laki", PerpetratorSex.P: "Perempuan"}

EDUCATION = {
    Education.BELUM_SEKOLAH: "Belum sekolah",
    Education.TK_PAUD: "TK/PAUD",
    Education.SD: "SD",
    Education.SLTP: "SLTP",
    Education.SLTA: "SLTA",
}

DISABILITY = {True: YES, False: NO, None: UNKNOWN}

# cases.choices.PerpetratorRelation holds every value of the report's PerpetratorRelation, and
# "rekan kerja" besides (tests/dashboard/test_simfoni_vocabulary.py checks both).
PERPETRATOR_RELATION = {
    PerpetratorRelation.ORANG_TUA: "Orang tua",
    PerpetratorRelation.SUAMI_ISTRI: "Suami/istri",
    PerpetratorRelation.KELUARGA: "Keluarga/saudara",
    PerpetratorRelation.PACAR_TEMAN: "Pacar/teman",
    PerpetratorRelation.GURU: "Guru",
    PerpetratorRelation.TETANGGA: "Tetangga",
    PerpetratorRelation.MAJIKAN: "Majikan",
    PerpetratorRelation.REKAN_KERJA: "Rekan kerja",
    PerpetratorRelation.TIDAK_DIKENAL: "Orang tidak dikenal",
    PerpetratorRelation.LAINNYA: "Lainnya",
}

SERVICE = {
    ServiceType.PENGADUAN: "Pengaduan",
    ServiceType.KESEHATAN: "Kesehatan",
    ServiceType.BANTUAN_HUKUM: "Bantuan hukum",
    ServiceType.PENEGAKAN_HUKUM: "Penegakan hukum",
    ServiceType.REHABILITASI_SOSIAL: "Rehabilitasi sosial",
    ServiceType.REINTEGRASI_SOSIAL: "Reintegrasi sosial",
    ServiceType.PEMULANGAN: "Pemulangan",
    ServiceType.PENJANGKAUAN: "Penjangkauan",
    ServiceType.PENAMPUNGAN_SEMENTARA: "Penampungan sementara",
    ServiceType.MEDIASI: "Mediasi",
    ServiceType.PENDAMPINGAN_KORBAN: "Pendampingan korban",
    ServiceType.LAYANAN_PSIKOLOGIS: "Layanan psikologis",
    ServiceType.PENDAMPINGAN_TOKOH_AGAMA: "Pendampingan tokoh agama",
}

# Sumber pengaduan: the door the complaint came in by (Permen PPPA 2/2022's complaint service).
CHANNEL = {
    Channel.WEB: "Formulir daring",
    Channel.API: "Aplikasi mitra (API)",
    Channel.VOLUNTEER: "Relawan RT",
    Channel.WALK_IN: "Datang langsung",
    Channel.PHONE: "Telepon",
    Channel.SAPA_129: "SAPA 129",
    Channel.WHATSAPP: "WhatsApp",
    Channel.LETTER: "Surat/email",
    Channel.REFERRAL: "Rujukan lembaga lain",
    Channel.OUTREACH: "Penjangkauan",
    Channel.OTHER: "Lainnya",
}

LEGAL_STAGE = {
    LegalStage.NOT_REPORTED: "Belum dilaporkan ke polisi",
    LegalStage.INQUIRY: "Penyelidikan",
    LegalStage.INVESTIGATION: "Penyidikan",
    LegalStage.HANDED_TO_PROSECUTOR: "Pelimpahan/P21",
    LegalStage.TRIAL: "Persidangan",
    LegalStage.VERDICT: "Putusan",
    LegalStage.APPEAL: "Banding",
    LegalStage.STOPPED: "Dihentikan (SP3) atau diversi",
}

# definitions.police_handover_answer; NOT_APPLICABLE where TPKS Pasal 41 does not apply (yet).
POLICE_HANDOVER = {"yes": YES, "no": NO, "waived": "dikecualikan"}
NOT_APPLICABLE = "—"

# A child perpetrator (ABH): Perpetrator.is_child.
CHILD_PERPETRATOR = DISABILITY
LIVES_WITH_CHILD = DISABILITY


def violence_label(code: str) -> str:
    """A form of violence as its national category's label (an unknown code is "Lainnya")."""
    return VIOLENCE_CATEGORY_LABELS[SIMFONI_VIOLENCE.get(code, "lainnya")]


def label(mapping: dict, code: str | None) -> str:
    """A code's national label; blank stays blank. An unknown (retired) code is "Lainnya", never the
    code itself: the national columns hold only national words."""
    if not code:
        return ""
    return mapping.get(code, "Lainnya")


VICTIM_SHEET = "Korban"
PERPETRATOR_SHEET = "Pelaku"

VICTIM_HEADER = [
    "No. registrasi",
    "No. registrasi SIMFONI-PPA",
    "Baru sejak ekspor terakhir",
    "Tanggal registrasi",
    "Tanggal kejadian",
    "Usia saat kejadian",
    "Kelompok usia",
    "Jenis kelamin",
    "Pendidikan",
    "Disabilitas",
    "Kode kecamatan",
    "Kecamatan",
    "Kode kelurahan",
    "Kelurahan",
    "Tempat kejadian",
    "Tempat kejadian (rinci)",
    "Bentuk kekerasan",
    "Hubungan pelaku",
    "Layanan",
    "Sumber pengaduan",
    "Jenis kelamin pelaku",
    "Usia pelaku",
    "Jumlah pelaku anak (ABH)",
    "Tahap proses hukum",
    "Tanggal laporan polisi",
    "Diteruskan ke polisi dalam 3x24 jam",
    "Jumlah rujukan",
    "Rujukan terbuka",
]

PERPETRATOR_HEADER = [
    "No. registrasi",
    "No. registrasi SIMFONI-PPA",
    "Jenis kelamin",
    "Usia",
    "Pelaku anak (ABH)",
    "Hubungan dengan korban",
    "Tinggal serumah dengan korban",
    "Kode kecamatan",
    "Kode kelurahan",
    "Tanggal kejadian",
]
