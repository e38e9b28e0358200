from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, holders, user_can
from areas.models import RT_NUMBER_MAX
from core.widgets import MultipleFileField, MultipleFileInput

from .choices import (
    CHILD_AGE_MAX,
    INTAKE_CHANNELS,
    LANDMARK_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NARRATIVE_MIN_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    ChildSex,
    LocationKind,
    PerpetratorRelation,
    Place,
    ReporterKind,
    ReporterRelation,
    ReporterRole,
    SourceAgency,
    ViolenceType,
    YesNoUnknown,
)
from .selectors import kelurahan_by_id_or_name, kelurahan_choices, rt_in_kelurahan
from .services import IntakeInput, ReportInput, intake_input_errors, report_input_errors

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
NARRATIVE_LENGTH_MESSAGE = format_lazy(
    _("Please write between {min} and {max} characters about what happened."),
    min=NARRATIVE_MIN_LENGTH,
    max=NARRATIVE_MAX_LENGTH,
)


DONT_KNOW = ("", _("I don't know"))


def unknown_first(choices):
    return [DONT_KNOW, *choices]


def optional_date_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("What happened?"),
        help_text=_("Write in your own words. Who, what, where, since when. At least 20 characters."),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
        min_length=NARRATIVE_MIN_LENGTH,
        max_length=NARRATIVE_MAX_LENGTH,
        error_messages={"min_length": NARRATIVE_LENGTH_MESSAGE, "max_length": NARRATIVE_LENGTH_MESSAGE},
    )
    violence_types = forms.MultipleChoiceField(
        label=_("What kind of violence? (choose one or more)"),
        choices=ViolenceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    danger_now = forms.ChoiceField(
        label=_("Is the child in danger right now?"), choices=YesNoUnknown.choices, widget=forms.RadioSelect
    )
    injured = forms.ChoiceField(
        label=_("Is the child hurt and needs a doctor?"), choices=YesNoUnknown.choices, widget=forms.RadioSelect
    )
    occurred_on = optional_date_field(label=_("When did it happen?"), help_text=_("The date, if you know it."))
    ongoing = forms.BooleanField(label=_("It is still going on"), required=False)
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan (where it happened)"),
        help_text=_("Not sure? Choose “I don't know the kelurahan” and write a landmark below."),
    )
    rt = forms.IntegerField(
        label=_("RT number"),
        help_text=_("If you know it."),
        required=False,
        min_value=1,
        max_value=RT_NUMBER_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    place = forms.ChoiceField(label=_("What kind of place?"), choices=unknown_first(Place.choices), required=False)
    address_detail = forms.CharField(
        label=_("Address (optional)"),
        help_text=_("Only if you want to. It helps the officer find the child."),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    landmark = forms.CharField(
        label=_("Landmark (optional)"),
        help_text=_("Something near the place, such as a mosque, school, shop or market."),
        required=False,
        max_length=LANDMARK_MAX_LENGTH,
    )
    child_age = forms.IntegerField(
        label=_("How old is the child, roughly?"),
        required=False,
        min_value=0,
        max_value=CHILD_AGE_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    child_sex = forms.ChoiceField(
        label=_("The child is a"), choices=unknown_first(ChildSex.choices), required=False, widget=forms.RadioSelect
    )
    child_name = forms.CharField(
        label=_("Child's name"), help_text=_("Only if you want to."), required=False, max_length=100
    )
    child_disability = forms.ChoiceField(
        label=_("Does the child have a disability?"),
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )
    perpetrator_relation = forms.ChoiceField(
        label=_("Who did it?"), choices=unknown_first(PerpetratorRelation.choices), required=False
    )
    perpetrator_lives_with_child = forms.ChoiceField(
        label=_("Does that person live with the child?"),
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )
    reporter_relation = forms.ChoiceField(
        label=_("Who are you?"), choices=ReporterRelation.choices, widget=forms.RadioSelect
    )
    reporter_contact = forms.CharField(
        label=_("How can an officer reach you? (optional)"),
        help_text=_("A phone or WhatsApp number or an email. Leave empty to stay fully anonymous."),
        required=False,
        max_length=100,
    )
    contact_consent = forms.BooleanField(label=_("I agree that an officer may contact me"), required=False)
    attachments = MultipleFileField(
        label=_("Photos, documents or recordings (optional)"),
        help_text=_(
            "Up to 5 files, 10 MB each. Photos lose their hidden location data; documents and recordings"
            " are kept as they are, so check they do not show your name."
        ),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,audio/*"}),
    )
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = [
            ("", _("Choose the kelurahan")),
            (_("Not in the list"), [(kind.value, kind.label) for kind in WAYS_OUT]),
            *kelurahan_choices(),
        ]
        # The public form asks first who the report is about (ReporterKind) and speaks accordingly.
        self.about = about
        if about:
            speak_to_the_child(self, about)

    def clean_kelurahan(self):
        value = self.cleaned_data["kelurahan"]
        if value in {kind.value for kind in WAYS_OUT}:
            return value
        kelurahan = kelurahan_by_id_or_name(value)
        if kelurahan is None:
            raise forms.ValidationError(_("Choose a kelurahan from the list, or one of the other answers."))
        return kelurahan

    def clean(self):
        cleaned = super().clean()
        if "kelurahan" not in cleaned:
            return cleaned
        if not isinstance(cleaned["kelurahan"], str):
            cleaned["location_kind"] = LocationKind.KELURAHAN
        else:  # a way out: no kelurahan, so no RT either
            cleaned["location_kind"], cleaned["kelurahan"], cleaned["rt"] = cleaned["kelurahan"], None, None
        if cleaned.get("rt"):
            rt = rt_in_kelurahan(cleaned["kelurahan"], cleaned["rt"])
            if rt is None:
                self.add_error(
                    "rt", _("This RT is not registered in this kelurahan. Check the number or leave it empty.")
                )
                return cleaned
            cleaned["rt"] = rt
        for field, messages in self.input_errors(today=timezone.localdate()).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def input_errors(self, *, today) -> dict[str, list[str]]:
        return report_input_errors(self.to_input(), today=today)

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            narrative=data.get("narrative", ""),
            violence_types=data.get("violence_types", []),
            danger_now=data.get("danger_now", ""),
            injured=data.get("injured", ""),
            occurred_on=data.get("occurred_on"),
            ongoing=data.get("ongoing", False),
            kelurahan=data["kelurahan"],
            location_kind=data.get("location_kind", LocationKind.KELURAHAN),
            rt=data.get("rt") or None,
            place=data.get("place", ""),
            address_detail=data.get("address_detail", ""),
            landmark=data.get("landmark", ""),
            child_age=data.get("child_age"),
            child_sex=data.get("child_sex", ""),
            child_name=data.get("child_name", ""),
            child_disability=data.get("child_disability", ""),
            perpetrator_relation=data.get("perpetrator_relation", ""),
            perpetrator_lives_with_child=data.get("perpetrator_lives_with_child", ""),
            reporter_relation=ReporterRelation.SELF
            if self.about == ReporterKind.CHILD_SELF
            else data.get("reporter_relation", ""),
            reporter_kind=self.about,
            reporter_contact=data.get("reporter_contact", ""),
            contact_consent=data.get("contact_consent", False),
        )


# The answers that stand for "no kelurahan": LocationKind without its kelurahan.
WAYS_OUT = [kind for kind in LocationKind if kind != LocationKind.KELURAHAN]

# What a child reporting about herself is asked, in "kamu"; the rest stays as it is.
TO_THE_CHILD_HERSELF = {
    "danger_now": _("Are you in danger right now?"),
    "injured": _("Are you hurt and need a doctor?"),
    "child_age": _("How old are you?"),
    "child_sex": _("You are a"),
    "child_name": _("Your name"),
    "child_disability": _("Do you have a disability?"),
    "perpetrator_lives_with_child": _("Does that person live with you?"),
    "reporter_contact": _("How can an officer reach you? (optional)"),
}
# Who a child may be to another child: not a teacher or an RT volunteer.
CHILD_REPORTER_RELATIONS = (ReporterRelation.FAMILY, ReporterRelation.NEIGHBOUR, ReporterRelation.OTHER)


def speak_to_the_child(form: "ReportForm", about: str) -> None:
    """Fit the public form to its first answer (ReporterKind). A child about herself is asked in
    "kamu", once: her own name (optional) is the child's name, and "who are you?" is not asked (it
    is "it happened to me"). Someone else is asked about "the child", and who they are, but never
    "it happened to me"; a child is not offered "teacher" or "RT volunteer"."""
    fields = form.fields
    if about == ReporterKind.CHILD_SELF:
        for name, label in TO_THE_CHILD_HERSELF.items():
            fields[name].label = label
        fields["address_detail"].help_text = _("Only if you want to. It helps the officer find you.")
        fields["child_sex"].choices = [("", _("I'd rather not say")), *ChildSex.choices]
        fields["narrative"].help_text = _(
            "Write in your own words: what happened, who did it, where, since when. At least 20 characters."
        )
        del fields["reporter_relation"]
        return
    allowed = CHILD_REPORTER_RELATIONS if about == ReporterKind.CHILD_OTHER else ReporterRelation
    fields["reporter_relation"].choices = [
        (relation.value, relation.label) for relation in allowed if relation != ReporterRelation.SELF
    ]


class AboutForm(forms.Form):
    """Step 1 of the public form: who the report is about."""

    tentang = forms.ChoiceField(
        label=_("Who is this report about?"), choices=ReporterKind.choices, widget=forms.RadioSelect
    )


INTAKE_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in INTAKE_CHANNELS]


class StaffIntakeForm(ReportForm):
    """A complaint an officer or supervisor records ("Catat pengaduan"): the public form's
    questions and rules, how it came in, and what the officer knows of the reporter."""

    channel = forms.ChoiceField(label=_("How did the complaint come in?"), choices=INTAKE_CHANNEL_CHOICES)
    source_agency = forms.ChoiceField(
        label=_("Referring agency"),
        help_text=_("For a referral or hand-over."),
        choices=[("", "–"), *SourceAgency.choices],
        required=False,
    )
    source_agency_name = forms.CharField(label=_("Name of the agency or unit"), required=False, max_length=200)
    source_letter_number = forms.CharField(label=_("Letter number"), required=False, max_length=100)
    source_letter_date = optional_date_field(label=_("Letter date"))
    source_contact_person = forms.CharField(label=_("Contact person at the agency"), required=False, max_length=200)
    reporter_role = forms.ChoiceField(label=_("The reporter is"), choices=ReporterRole.choices)
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=100)
    contact_consent_note = forms.CharField(
        label=_("Note on consent to contact"),
        help_text=_("How and when the reporter may be contacted, or why not."),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accept = forms.BooleanField(
        label=_("Acknowledge and accept into a new case now"),
        help_text=_("For a complaint you are handling yourself, such as a walk-in."),
        required=False,
    )
    officer = forms.ModelChoiceField(
        label=_("Officer in charge of the new case"),
        queryset=holders(Capability.TAKE_CASES).order_by("first_name", "last_name", "username"),
        required=False,
    )

    field_order = [
        "channel",
        "source_agency",
        "source_agency_name",
        "source_letter_number",
        "source_letter_date",
        "source_contact_person",
        "reporter_role",
        "reporter_name",
        "reporter_contact",
        "contact_consent",
        "contact_consent_note",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"], self.fields["reporter_relation"]
        # The public form speaks to the reporter; this one to the officer, about the reporter.
        self.fields["narrative"].help_text = _(
            "In the reporter's words: who, what, where, since when. At least 20 characters."
        )
        self.fields["occurred_on"].help_text = _("The date, if known.")
        self.fields["rt"].help_text = _("If known.")
        self.fields["reporter_contact"].label = _("Reporter's phone, WhatsApp or email")
        self.fields["reporter_contact"].help_text = ""
        self.fields["contact_consent"].label = _("The reporter agrees to be contacted")
        self.fields["child_name"].help_text = ""
        self.fields["address_detail"].help_text = ""
        self.fields["attachments"].label = _("Referral letter, photos or documents (optional)")
        self.fields["attachments"].help_text = _(
            "Up to 5 files, 10 MB each. Photos lose their hidden location data; letters, documents and"
            " recordings are kept as they are."
        )
        if not user_can(user, Capability.SUPERVISE):  # an officer who accepts takes the case
            del self.fields["officer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("officer") and not cleaned.get("accept"):
            self.add_error("officer", _("Choose an officer only when accepting into a new case."))
        return cleaned

    def input_errors(self, *, today) -> dict[str, list[str]]:
        return intake_input_errors(self.to_input(), channel=self.cleaned_data.get("channel", ""), today=today)

    @property
    def is_spam(self) -> bool:
        return False

    def to_input(self) -> IntakeInput:
        data = self.cleaned_data
        public = {name: value for name, value in vars(super().to_input()).items() if name != "reporter_relation"}
        return IntakeInput(
            **public,
            reporter_relation=ReporterRelation.OTHER,
            reporter_role=data.get("reporter_role", ""),
            reporter_name=data.get("reporter_name", ""),
            contact_consent_note=data.get("contact_consent_note", ""),
            source_agency=data.get("source_agency", ""),
            source_agency_name=data.get("source_agency_name", ""),
            source_letter_number=data.get("source_letter_number", ""),
            source_letter_date=data.get("source_letter_date"),
            source_contact_person=data.get("source_contact_person", ""),
        )


class ReceiptCodeForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Your 16-digit code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class ReplyForm(ReceiptCodeForm):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
        max_length=MESSAGE_MAX_LENGTH,
    )
    attachments = MultipleFileField(
        label=_("Add a photo, document or recording (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,audio/*"}),
    )
