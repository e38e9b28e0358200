import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.db import blank_or_in, value_in
from core.fields import EncryptedTextField
from reports.choices import CHILD_AGE_MAX

from .choices import (
    MAX_AGE,
    OPEN_LEGAL_STAGES,
    OPEN_STATUSES,
    RECOVERY_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    UNFINISHED_SERVICE_STATUSES,
    AssessmentDomain,
    CaseStatus,
    ClosureReason,
    ConsentItem,
    Education,
    LegalStage,
    PerpetratorRelation,
    PlanStatus,
    ProviderKind,
    ReferralStatus,
    RequestStatus,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)


class CaseCounter(models.Model):
    """Per-year sequence for reference codes: locked row, no gaps from rolled-back inserts."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet):
    """The words pages, alerts, the dashboard and exports use about cases, defined once."""

    def open(self):
        """Not closed: every step from registration to a requested closure."""
        return self.filter(status__in=OPEN_STATUSES)

    def with_next_follow_up(self):
        """Each case with `next_follow_up`: the date its latest visit planned for the next one
        (earlier visits' plans are past), None before a first visit or without a plan."""
        latest = FollowUp.objects.filter(case=models.OuterRef("pk")).order_by("-visited_on", "-pk")
        return self.annotate(next_follow_up=models.Subquery(latest.values("next_follow_up_on")[:1]))

    def follow_up_overdue(self, today: date):
        """Open cases whose next follow-up was planned for a day before `today`."""
        return self.open().with_next_follow_up().filter(next_follow_up__lt=today)

    def on_legal_hold(self):
        """Cases the retention schedule must not touch: a supervisor's legal hold, or a legal
        process still open (from the police report until a verdict with no appeal, or a stop)."""
        return self.filter(models.Q(legal_hold_at__isnull=False) | models.Q(legal__stage__in=OPEN_LEGAL_STAGES))

    def free_of_legal_hold(self):
        return self.exclude(pk__in=self.model.objects.on_legal_hold().values("pk"))


class Case(models.Model):
    # Encrypted under its own data key (core.datakeys).
    data_key_owner = "self"
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True)
    needs = EncryptedTextField(_("needs found in the assessment"), blank=True)
    violence_types = models.JSONField(_("forms of violence"), default=list)
    place = models.CharField(_("place"), max_length=32, blank=True)
    kelurahan = models.ForeignKey("areas.Kelurahan", on_delete=models.PROTECT, related_name="cases")
    rt = models.ForeignKey("areas.RT", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_cases", verbose_name=_("officer")
    )
    second_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_cases",
        verbose_name=_("second officer"),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)
    # The date of the incident, apart from the date the complaint was registered (`opened_at`, or
    # the first report's `received_at`): SIMFONI-PPA records both, and a victim's age is her age on
    # this day. From the first report when the case is opened; the officer may correct it.
    occurred_on = models.DateField(_("date of the incident"), null=True, blank=True)
    # The number SIMFONI-PPA gave this case when it was entered there, so the two systems can be
    # reconciled; and when the case was first in a SIMFONI-PPA export ("new since the last export").
    simfoni_number = models.CharField(_("SIMFONI-PPA registration number"), max_length=64, blank=True)
    simfoni_exported_at = models.DateTimeField(_("first exported to SIMFONI-PPA"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_explanation = EncryptedTextField(_("closure explanation"), blank=True)
    # Closing with high risk, a low recovery score or an open legal process needs the supervisor's
    # written reason (cases.services.case_decide_closure).
    closure_justification = EncryptedTextField(_("justification for closing"), blank=True)
    # The officer's closing words to the reporter(s), held until a supervisor approves the closure
    # (then sent, unless the supervisor wrote others: cases.services.case_decide_closure) or sends
    # the case back (then dropped).
    closing_message = EncryptedTextField(_("closing message to the reporter"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Every edit names the version it started from; a stale one is refused (cases.services).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # A supervisor's decision, with a reason, that the retention schedule must not touch this case
    # (an open legal process holds it without one: cases.retention).
    legal_hold_at = models.DateTimeField(_("legal hold since"), null=True, blank=True)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal hold placed by"),
    )
    legal_hold_reason = EncryptedTextField(_("reason for the legal hold"), blank=True)
    # When the retention schedule de-identified it: identifying values blank, its key and its
    # reports' keys shredded; the counts the dashboard and SIMFONI-PPA need stay.
    deidentified_at = models.DateTimeField(_("de-identified"), null=True, blank=True)
    # Last of the fields: see Report.data_key.
    data_key = models.OneToOneField(
        "core.DataKey", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "assigned_officer"], name="case_status_officer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(legal_hold_at__isnull=True, legal_hold_by__isnull=True, legal_hold_reason="")
                | (
                    models.Q(legal_hold_at__isnull=False, legal_hold_by__isnull=False) & ~models.Q(legal_hold_reason="")
                ),
                name="case_legal_hold_complete",
            ),
            models.CheckConstraint(condition=value_in("status", CaseStatus), name="case_status_known"),
            models.CheckConstraint(condition=blank_or_in("risk_level", RiskLevel), name="case_risk_known"),
            models.CheckConstraint(
                condition=~models.Q(assigned_officer=models.F("second_officer")), name="case_two_different_officers"
            ),
            models.UniqueConstraint(
                fields=["simfoni_number"], condition=~models.Q(simfoni_number=""), name="case_simfoni_number_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CaseStatus.CLOSED)
                | (models.Q(closed_at__isnull=False) & value_in("closure_reason", ClosureReason)),
                name="case_closed_has_reason_and_time",
            ),
        ]

    def __str__(self):
        return self.reference


class CaseReport(models.Model):
    """A report that belongs to a case (accepted into it, or a duplicate of it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_reports")
    report = models.OneToOneField("reports.Report", on_delete=models.PROTECT, related_name="case_link")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "pk"]

    def __str__(self):
        return f"{self.case_id}:{self.report_id}"


class Child(models.Model):
    """A child victim. Identity fields are encrypted; `match_key` finds the same child in
    other cases without decrypting anything (a keyed hash of name and birth year)."""

    data_key_owner = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    name = EncryptedTextField(_("name"))
    match_key = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = EncryptedTextField(_("date of birth"), blank=True)
    # Today's age, and the age when the violence happened: a survivor who is an adult now is still
    # served, and SIMFONI-PPA counts her by her age at the incident.
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_at_incident = models.PositiveSmallIntegerField(_("age at the incident"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=[("L", _("Boy")), ("P", _("Girl"))], blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    disability = models.BooleanField(_("has a disability"), null=True, blank=True)
    guardian_contact = EncryptedTextField(_("guardian contact"), blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age__isnull=True) | models.Q(age__lte=MAX_AGE), name="child_age_plausible"
            ),
            models.CheckConstraint(
                condition=models.Q(age_at_incident__isnull=True) | models.Q(age_at_incident__lte=CHILD_AGE_MAX),
                name="child_age_at_incident_0_17",
            ),
            models.CheckConstraint(condition=blank_or_in("education", Education), name="child_education_known"),
        ]

    def __str__(self):
        return f"{self.case_id}/{self.pk}"


class Perpetrator(models.Model):
    data_key_owner = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    relation = models.CharField(_("relationship to the child"), max_length=16, choices=PerpetratorRelation.choices)
    lives_with_child = models.BooleanField(_("lives with the child"), null=True, blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=[("L", _("Male")), ("P", _("Female"))], blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    # A child in conflict with the law (ABH, UU 11/2012 SPPA): known from the age when it is given,
    # else as recorded (a classmate of unknown age). Counted apart; TPKS Pasal 23 allows mediation.
    is_child = models.BooleanField(_("is a child (under 18)"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=value_in("relation", PerpetratorRelation), name="perp_relation_known"),
            models.CheckConstraint(condition=models.Q(sex="") | models.Q(sex__in=["L", "P"]), name="perp_sex_known"),
            models.CheckConstraint(
                condition=models.Q(age__isnull=True) | models.Q(age__lte=MAX_AGE), name="perp_age_plausible"
            ),
            # The age, when known, decides: no adult marked a child, no child marked an adult.
            models.CheckConstraint(
                condition=models.Q(age__isnull=True)
                | models.Q(age__lte=CHILD_AGE_MAX, is_child=True)
                | models.Q(age__gt=CHILD_AGE_MAX, is_child=False),
                name="perp_is_child_follows_age",
            ),
        ]

    def __str__(self):
        return self.relation


class Provider(models.Model):
    """The managed list of service providers (reference data, kept by the administrator)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProviderKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self):
        return self.name


def service_overdue(today: date) -> models.Q:
    """A service is overdue when it is unfinished (planned or in progress, no completion date)
    after its planned date, in a case still open: nothing in a closed case is overdue."""
    return models.Q(
        status__in=UNFINISHED_SERVICE_STATUSES,
        planned_on__lt=today,
        completed_on__isnull=True,
        case__status__in=OPEN_STATUSES,
    )


class CaseServiceQuerySet(models.QuerySet):
    def overdue(self, today: date):
        return self.filter(service_overdue(today))

    def with_overdue(self, today: date):
        """Each service with `is_overdue`, as `overdue(today)` decides it."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(service_overdue(today), output_field=models.BooleanField())
        )


class CaseService(models.Model):
    data_key_owner = "case"
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider"))
    planned_on = models.DateField(_("planned date"))
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)
    consent_recorded = models.BooleanField(_("consent recorded"), default=False)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    # An update names the version it started from, like a case edit (cases.services).
    version = models.PositiveIntegerField(default=1)

    objects = CaseServiceQuerySet.as_manager()

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=value_in("service_type", ServiceType), name="service_type_known"),
            models.CheckConstraint(condition=value_in("status", ServiceStatus), name="service_status_known"),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True) | ~models.Q(status=ServiceStatus.PLANNED),
                name="service_completed_not_planned",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.service_type}"


def score_field(label):
    return models.PositiveSmallIntegerField(label)


class FollowUp(models.Model):
    """A follow-up visit; the child's recovery on a fixed 1-4 scale per dimension."""

    data_key_owner = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("date of the visit"))
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    safety = score_field(_("safety"))
    physical_health = score_field(_("physical health"))
    emotional_wellbeing = score_field(_("emotional wellbeing"))
    schooling = score_field(_("schooling"))
    family_support = score_field(_("family support"))
    notes = EncryptedTextField(_("notes"), blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{
                        f"{name}__{op}": bound
                        for name in ("safety", "physical_health", "emotional_wellbeing", "schooling", "family_support")
                        for op, bound in (("gte", SCORE_MIN), ("lte", SCORE_MAX))
                    }
                ),
                name="follow_up_scores_1_4",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.visited_on}"


class CaseNote(models.Model):
    data_key_owner = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.case_id}/{self.pk}"


# --- legal process (proses hukum) and UU 12/2022 TPKS ------------------------------------------


class LegalRecord(models.Model):
    """A case's way through the police and the courts. For sexual violence, TPKS Pasal 41: the
    agency passes the report to the police within 3x24 hours of the victim reporting
    (`police_due_at`, from the first report's receipt), unless it records why not."""

    data_key_owner = "case"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="legal")
    stage = models.CharField(_("stage"), max_length=20, choices=LegalStage.choices, default=LegalStage.NOT_REPORTED)
    police_unit = models.CharField(_("police unit"), max_length=200, blank=True)
    police_report_number = models.CharField(_("police report number"), max_length=100, blank=True)
    police_reported_on = models.DateField(_("police report date"), null=True, blank=True)
    police_due_at = models.DateTimeField(_("pass to the police by (TPKS Pasal 41)"), null=True, blank=True)
    police_referred_at = models.DateTimeField(_("passed to the police"), null=True, blank=True)
    police_waived_at = models.DateTimeField(_("not passed to the police, recorded"), null=True, blank=True)
    police_waiver_reason = EncryptedTextField(_("why it is not passed to the police"), blank=True)
    visum_requested_on = models.DateField(_("visum requested"), null=True, blank=True)
    visum_done_on = models.DateField(_("visum done"), null=True, blank=True)
    verdict_on = models.DateField(_("verdict date"), null=True, blank=True)
    verdict_outcome = EncryptedTextField(_("verdict"), blank=True)
    restitution = models.CharField(_("restitution claim"), max_length=10, choices=RequestStatus.choices, blank=True)
    lpsk_protection = models.CharField(
        _("LPSK protection request"), max_length=10, choices=RequestStatus.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("legal record")
        verbose_name_plural = _("legal records")
        indexes = [
            models.Index(
                fields=["police_due_at"],
                name="legal_police_due_idx",
                condition=models.Q(police_referred_at__isnull=True, police_waived_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(condition=value_in("stage", LegalStage), name="legal_stage_known"),
            models.CheckConstraint(condition=blank_or_in("restitution", RequestStatus), name="legal_restitution_known"),
            models.CheckConstraint(condition=blank_or_in("lpsk_protection", RequestStatus), name="legal_lpsk_known"),
            models.CheckConstraint(
                condition=models.Q(visum_done_on__isnull=True)
                | models.Q(visum_requested_on__isnull=False, visum_done_on__gte=models.F("visum_requested_on")),
                name="legal_visum_done_after_requested",
            ),
            # Passed to the police, or recorded why not: one or the other, never both.
            models.CheckConstraint(
                condition=models.Q(police_referred_at__isnull=True) | models.Q(police_waived_at__isnull=True),
                name="legal_police_referred_or_waived",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.stage}"


class CourtHearing(models.Model):
    """A hearing date: it feeds the officer's reminders (accompanying the child to court)."""

    data_key_owner = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    held_at = models.DateTimeField(_("date and time"))
    court = models.CharField(_("court"), max_length=200, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("court hearing")
        verbose_name_plural = _("court hearings")

    def __str__(self):
        return f"{self.case_id}@{self.held_at:%Y-%m-%d}"


# --- referrals and transfers ---------------------------------------------------------------------


class Referral(models.Model):
    """An outgoing referral to a provider: what is asked, what the family consented to share
    (nothing is sent without consent), the letter, and the provider's answer."""

    data_key_owner = "case"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider"))
    request = EncryptedTextField(_("what is asked"))
    consent_items = ArrayField(
        models.CharField(max_length=20, choices=ConsentItem.choices), verbose_name=_("consent to share")
    )
    consent_given_by = EncryptedTextField(_("consent given by"))
    letter_number = models.CharField(_("letter number"), max_length=100)
    sent_on = models.DateField(_("sent"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    feedback = EncryptedTextField(_("the provider's feedback"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(condition=value_in("status", ReferralStatus), name="referral_status_known"),
            # Refused without consent: at least one item, each a known one.
            models.CheckConstraint(condition=models.Q(consent_items__len__gt=0), name="referral_has_consent"),
            models.CheckConstraint(
                condition=models.Q(consent_items__contained_by=ConsentItem.values), name="referral_consent_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.SENT) | models.Q(answered_on__isnull=False),
                name="referral_answer_dated",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReferralStatus.DONE) | models.Q(done_on__isnull=False),
                name="referral_done_dated",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}->{self.provider_id}"


class CaseTransfer(models.Model):
    """The case handed to another UPTD PPA (the family moved): the case closes as transferred
    and stays a read-only record; the packet prints the minimum data."""

    data_key_owner = "case"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="transfer")
    receiving_agency = models.CharField(_("receiving agency"), max_length=200)
    letter_number = models.CharField(_("letter number"), max_length=100, blank=True)
    transferred_on = models.DateField(_("date of the transfer"))
    reason = EncryptedTextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")

    def __str__(self):
        return f"{self.case_id}->{self.receiving_agency}"


# --- assessment and case plan (rencana intervensi layanan) ---------------------------------------


class Assessment(models.Model):
    """A structured assessment: each domain rated 1 (serious concern) to 4 (no concern) with a
    note; the risk level follows from the ratings unless overridden with a reason."""

    data_key_owner = "case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date of the assessment"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_risk = models.CharField(_("risk from the ratings"), max_length=8, choices=RiskLevel.choices)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    override_reason = EncryptedTextField(_("why the risk level differs"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(condition=value_in("computed_risk", RiskLevel), name="assessment_computed_known"),
            models.CheckConstraint(condition=value_in("risk_level", RiskLevel), name="assessment_risk_known"),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.assessed_on}"


class AssessmentRating(models.Model):
    data_key_owner = "assessment__case"
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(_("domain"), max_length=16, choices=AssessmentDomain.choices)
    rating = models.PositiveSmallIntegerField(_("rating"))
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_domain_once"),
            models.CheckConstraint(condition=value_in("domain", AssessmentDomain), name="assessment_domain_known"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=SCORE_MIN, rating__lte=SCORE_MAX), name="assessment_rating_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.assessment_id}:{self.domain}={self.rating}"


class CasePlan(models.Model):
    """The case plan; a supervisor approves it before the case moves to services."""

    data_key_owner = "case"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = EncryptedTextField(_("supervisor's note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")
        constraints = [
            models.CheckConstraint(condition=value_in("status", PlanStatus), name="plan_status_known"),
            models.CheckConstraint(
                condition=~models.Q(status__in=[PlanStatus.APPROVED, PlanStatus.RETURNED])
                | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="plan_decision_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}:{self.status}"


class PlanGoal(models.Model):
    """A goal of the plan, in one of the five recovery domains the follow-ups score."""

    data_key_owner = "plan__case"

    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("recovery domain"), max_length=24, choices=[(d, d) for d in RECOVERY_DIMENSIONS])
    goal = EncryptedTextField(_("goal"))
    target_on = models.DateField(_("target date"))
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    responsible_provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible provider"),
    )
    services = models.ManyToManyField(CaseService, blank=True, related_name="goals", verbose_name=_("services"))
    achieved_on = models.DateField(_("achieved"), null=True, blank=True)

    class Meta:
        ordering = ["target_on", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(condition=models.Q(domain__in=RECOVERY_DIMENSIONS), name="goal_domain_known"),
            models.CheckConstraint(
                condition=models.Q(responsible_officer__isnull=False) | models.Q(responsible_provider__isnull=False),
                name="goal_has_someone_responsible",
            ),
        ]

    def __str__(self):
        return f"{self.plan_id}:{self.domain}"
