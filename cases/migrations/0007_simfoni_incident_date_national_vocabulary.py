"""The incident date apart from the registration date, the SIMFONI-PPA registration number, the
national vocabulary's missing values (suami/istri; psychological service, a religious leader's
accompaniment), and the ages of children recorded with only a date of birth."""

from datetime import date

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

CHILD_AGE_MAX = 17  # frozen: reports.choices.CHILD_AGE_MAX


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def backfill(apps, schema_editor):
    """A case's incident date from its first report; each child's missing ages from the date of birth."""
    Case = apps.get_model("cases", "Case")
    CaseReport = apps.get_model("cases", "CaseReport")
    Child = apps.get_model("cases", "Child")
    first_date = (
        CaseReport.objects.filter(case=OuterRef("pk"), report__occurred_on__isnull=False)
        .order_by("report__received_at", "report_id")
        .values("report__occurred_on")[:1]
    )
    Case.objects.filter(occurred_on__isnull=True).update(occurred_on=Subquery(first_date))
    today = timezone.localdate()
    missing = Child.objects.filter(models.Q(age__isnull=True) | models.Q(age_at_incident__isnull=True))
    for child in missing.select_related("case").iterator():
        try:
            born = date.fromisoformat(child.birth_date) if child.birth_date else None
        except ValueError:
            born = None
        if born is None:
            continue
        day = child.case.occurred_on or timezone.localdate(child.case.opened_at)
        at_incident = child.age_at_incident
        if at_incident is None and 0 <= _age_on(born, day) <= CHILD_AGE_MAX:
            at_incident = _age_on(born, day)
        age = child.age if child.age is not None else _age_on(born, today)
        Child.objects.filter(pk=child.pk).update(age=age, age_at_incident=at_incident)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0004_kelurahan_code_required"),
        ("cases", "0006_legal_referrals_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="caseservice",
            name="service_type_known",
        ),
        migrations.RemoveConstraint(
            model_name="perpetrator",
            name="perp_relation_known",
        ),
        migrations.AddField(
            model_name="case",
            name="occurred_on",
            field=models.DateField(blank=True, null=True, verbose_name="date of the incident"),
        ),
        migrations.AddField(
            model_name="case",
            name="simfoni_exported_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first exported to SIMFONI-PPA"),
        ),
        migrations.AddField(
            model_name="case",
            name="simfoni_number",
            field=models.CharField(blank=True, max_length=64, verbose_name="SIMFONI-PPA registration number"),
        ),
        migrations.AlterField(
            model_name="caseservice",
            name="service_type",
            field=models.CharField(
                choices=[
                    ("pengaduan", "Complaint handling"),
                    ("kesehatan", "Health"),
                    ("bantuan_hukum", "Legal aid"),
                    ("penegakan_hukum", "Law enforcement"),
                    ("rehabilitasi_sosial", "Social rehabilitation"),
                    ("reintegrasi_sosial", "Social reintegration"),
                    ("pemulangan", "Repatriation"),
                    ("penjangkauan", "Outreach to the victim"),
                    ("penampungan_sementara", "Temporary shelter"),
                    ("mediasi", "Mediation"),
                    ("pendampingan_korban", "Victim accompaniment"),
                    ("layanan_psikologis", "Psychological service"),
                    ("pendampingan_tokoh_agama", "Accompaniment by a religious leader"),
                ],
                max_length=24,
                verbose_name="service",
            ),
        ),
        migrations.AlterField(
            model_name="perpetrator",
            name="relation",
            field=models.CharField(
                choices=[
                    ("orang_tua", "Parent or step-parent"),
                    ("keluarga", "Other family member"),
                    ("pacar_teman", "Boyfriend, girlfriend or friend"),
                    ("guru", "Teacher"),
                    ("tetangga", "Neighbour"),
                    ("majikan", "Employer"),
                    ("suami_istri", "Husband or wife"),
                    ("rekan_kerja", "Co-worker"),
                    ("tidak_dikenal", "A stranger"),
                    ("lainnya", "Someone else"),
                ],
                max_length=16,
                verbose_name="relationship to the child",
            ),
        ),
        migrations.AlterField(
            model_name="provider",
            name="kind",
            field=models.CharField(
                choices=[
                    ("rumah_sakit", "Hospital or health centre"),
                    ("unit_ppa", "Police PPA unit"),
                    ("bantuan_hukum", "Legal aid"),
                    ("psikolog", "Psychologist"),
                    ("rumah_aman", "Shelter"),
                    ("sekolah", "School"),
                    ("dinas_sosial", "Social services"),
                    ("uptd_ppa", "Another UPTD PPA"),
                    ("tokoh_agama", "Religious leader or organisation"),
                    ("lainnya", "Other"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                condition=models.Q(("simfoni_number", ""), _negated=True),
                fields=("simfoni_number",),
                name="case_simfoni_number_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseservice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "service_type__in",
                        [
                            "pengaduan",
                            "kesehatan",
                            "bantuan_hukum",
                            "penegakan_hukum",
                            "rehabilitasi_sosial",
                            "reintegrasi_sosial",
                            "pemulangan",
                            "penjangkauan",
                            "penampungan_sementara",
                            "mediasi",
                            "pendampingan_korban",
                            "layanan_psikologis",
                            "pendampingan_tokoh_agama",
                        ],
                    )
                ),
                name="service_type_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="perpetrator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "relation__in",
                        [
                            "orang_tua",
                            "keluarga",
                            "pacar_teman",
                            "guru",
                            "tetangga",
                            "majikan",
                            "suami_istri",
                            "rekan_kerja",
                            "tidak_dikenal",
                            "lainnya",
                        ],
                    )
                ),
                name="perp_relation_known",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
