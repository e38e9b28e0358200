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


COUNT_MAX = 10_000
DURATION_MAX_MINUTES = 12 * 60
EDIT_WINDOW_DAYS = 7
SHORT_TEXT = 200
LONG_TEXT = 2000
