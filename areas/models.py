from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RT_NUMBER_MAX = 999


class Kecamatan(models.Model):
    # Kemendagri codes are data (see the design): never branch on them in code.
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan")
    )
    name = models.CharField(_("name"), max_length=100)
    # The 10-digit Kemendagri code (64.71.KK.1NNN): data, like the kecamatan's.
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name_per_kecamatan"),
        ]

    def __str__(self):
        return self.name


class RT(models.Model):
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="rts", verbose_name=_("kelurahan"))
    number = models.PositiveSmallIntegerField(
        _("RT number"), validators=[MinValueValidator(1), MaxValueValidator(RT_NUMBER_MAX)]
    )

    class Meta:
        ordering = ["kelurahan__name", "number"]
        verbose_name = _("RT")
        verbose_name_plural = _("RTs")
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "number"], name="rt_unique_number_per_kelurahan"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=RT_NUMBER_MAX), name="rt_number_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.label}, {self.kelurahan.name}"

    @property
    def label(self) -> str:
        return f"RT {self.number:03d}"
