from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    HAK_ANAK = "hak_anak", _("Children's rights")
    MENGENALI_KEKERASAN = "mengenali_kekerasan", _("Recognising violence")
    CARA_MELAPOR = "cara_melapor", _("How to report")
    PENGASUHAN_POSITIF = "pengasuhan_positif", _("Positive parenting")
    PERUNDUNGAN = "perundungan", _("Bullying")
    KEAMANAN_ONLINE = "keamanan_online", _("Online safety")
    KESEHATAN_REPRODUKSI = "kesehatan_reproduksi", _("Reproductive health")
    LAINNYA = "lainnya", _("Other")


class ForumLevel(models.TextChoices):
    """Forum Anak exists at every level (Permen PPPA 18/2019, now 3/2025), not only per RT."""

    KOTA = "kota", _("City (Forum Anak Kota Balikpapan)")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    RT = "rt", _("RT")


class PartnerKind(models.TextChoices):
    """KLA cluster V counts partnerships with business and media, among others."""

    BUSINESS = "dunia_usaha", _("Business (dunia usaha)")
    MEDIA = "media", _("Media")
    COMMUNITY = "masyarakat", _("Community or non-governmental organisation")
    RELIGIOUS = "keagamaan", _("Religious organisation")
    UNIVERSITY = "perguruan_tinggi", _("University")
    OTHER = "lainnya", _("Other")


class PartnerActivityKind(models.TextChoices):
    SOCIALISATION = "sosialisasi", _("Socialisation or campaign")
    MEDIA_COVERAGE = "liputan", _("Media coverage")
    SUPPORT = "dukungan", _("Funding or goods (CSR)")
    TRAINING = "pelatihan", _("Training")
    FACILITY = "fasilitas", _("Child-friendly facility")
    SERVICE = "layanan", _("Service to victims")
    OTHER = "lainnya", _("Other")


COUNT_MAX = 10_000
DURATION_MAX_MINUTES = 12 * 60
EDIT_WINDOW_DAYS = 7
SHORT_TEXT = 200
LONG_TEXT = 2000
