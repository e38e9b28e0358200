from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, user_can
from areas.models import RT, Kecamatan, Kelurahan
from core.widgets import MultipleFileField, MultipleFileInput

from .access import volunteer_kelurahan, volunteer_rts
from .choices import (
    COUNT_MAX,
    DURATION_MAX_MINUTES,
    LONG_TEXT,
    SHORT_TEXT,
    ForumLevel,
    PartnerActivityKind,
    PartnerKind,
    Topic,
)
from .services import (
    FORUM_PLACE_FIELDS,
    ForumActivityInput,
    GroupInput,
    PartnerActivityInput,
    PartnerInput,
    SessionInput,
    forum_activity_input_errors,
    forum_place_missing,
    group_input_errors,
    partner_activity_input_errors,
    partner_input_errors,
    session_input_errors,
)


def count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=COUNT_MAX,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
    )


class RTChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rt):
        return f"{rt.label}, {rt.kelurahan.name}"


class RuleCheckedForm(forms.Form):
    """A form whose rules across fields are the service's (`rules`), shown next to each field."""

    rules = None
    input_class = None

    def clean(self):
        """Every rule in one pass: a missing RT must not hide what is wrong with the date or the
        topics. A field that already failed its own check is None for the rules, which skip it."""
        cleaned = super().clean()
        failed = set(self.errors)
        for field, messages in type(self).rules(self.to_input(), today=timezone.localdate()).items():
            if field in failed:
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def to_input(self):
        names = [name for name in self.input_class.__dataclass_fields__ if name in self.fields]
        return self.input_class(**{name: self.cleaned_data.get(name) for name in names})


class RTScopedForm(RuleCheckedForm):
    """A record of one RT, chosen from the volunteer's own (`rts`)."""

    def __init__(self, *args, rts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rt"].queryset = rts
        if len(rts) == 1:
            self.fields["rt"].initial = rts[0].pk


class SessionForm(RTScopedForm):
    rules = staticmethod(session_input_errors)
    input_class = SessionInput

    rt = RTChoiceField(label=_("RT"), queryset=None, empty_label=_("Choose the RT"))
    held_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=DURATION_MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Required here only so that the form marks it; the rule and its message are the service's.
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )
    other_topic = forms.CharField(label=_("Other topic"), required=False, max_length=SHORT_TEXT)
    facilitators = forms.CharField(label=_("Facilitators"), max_length=SHORT_TEXT)
    boys = count_field(_("Boys"))
    girls = count_field(_("Girls"))
    men = count_field(_("Men"))
    women = count_field(_("Women"))
    materials = forms.CharField(label=_("Materials handed out"), required=False, max_length=SHORT_TEXT)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        help_text=_("Up to 5 photos. Their hidden location data is removed. Avoid children's faces."),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )


class GroupForm(RTScopedForm):
    rules = staticmethod(group_input_errors)
    input_class = GroupInput

    rt = RTChoiceField(label=_("RT"), queryset=None, empty_label=_("Choose the RT"))
    name = forms.CharField(label=_("Group name"), max_length=SHORT_TEXT)
    formed_on = forms.DateField(
        label=_("Date formed"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members = count_field(_("Members"))
    contact_person = forms.CharField(
        label=_("Contact person"), help_text=_("Name and phone number."), required=False, max_length=SHORT_TEXT
    )
    active = forms.BooleanField(label=_("The group is active"), required=False, initial=True)
    last_activity_on = forms.DateField(
        label=_("Last activity"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, kelurahan):
        return f"{kelurahan.name}, {kelurahan.kecamatan.name}"


class ForumLevelForm(forms.Form):
    """The first step of logging a Forum Anak activity: its level, which decides the place asked."""

    level = forms.ChoiceField(label=_("Level of the Forum Anak"))

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level, ForumLevel(level).label) for level in levels]


class ForumActivityForm(RuleCheckedForm):
    """A Forum Anak activity at one level, chosen before (ForumLevelForm): only that level's place
    is asked, from the places the person may log in (outreach.access.may_log_forum_at)."""

    rules = staticmethod(forum_activity_input_errors)
    input_class = ForumActivityInput

    # Only the chosen level's place stays, required, with the rules' message (forum_place_missing).
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("name"),
        required=False,
        empty_label=_("Choose the kecamatan"),
    )
    kelurahan = KelurahanChoiceField(
        label=_("Kelurahan"), queryset=None, required=False, empty_label=_("Choose the kelurahan")
    )
    rt = RTChoiceField(label=_("RT"), queryset=None, required=False, empty_label=_("Choose the RT"))
    held_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    children = count_field(_("Children taking part"))
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    other_topic = forms.CharField(label=_("Other topic"), required=False, max_length=SHORT_TEXT)
    suggestions = forms.CharField(
        label=_("The children's own suggestions"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        self.level_label = ForumLevel(level).label
        if user_can(user, Capability.LOG_OUTREACH):
            self.fields["kelurahan"].queryset = volunteer_kelurahan(user)
            self.fields["rt"].queryset = volunteer_rts(user)
        else:
            self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by("name")
            self.fields["rt"].queryset = RT.objects.none()
        for name in FORUM_PLACE_FIELDS:
            if name != level:
                del self.fields[name]
        if level in self.fields:
            place = self.fields[level]
            place.required = True
            place.error_messages["required"] = forum_place_missing(level)
            if len(choices := place.queryset) == 1:
                place.initial = choices[0].pk

    def to_input(self):
        values = {
            name: self.cleaned_data.get(name) for name in self.fields if name in self.input_class.__dataclass_fields__
        }
        return self.input_class(level=self.level, **values)


class PartnerForm(RuleCheckedForm):
    rules = staticmethod(partner_input_errors)
    input_class = PartnerInput

    name = forms.CharField(label=_("Name of the organisation"), max_length=SHORT_TEXT)
    kind = forms.ChoiceField(label=_("Kind of partner"), choices=[("", _("Choose the kind")), *PartnerKind.choices])
    contact_person = forms.CharField(
        label=_("Contact person"), help_text=_("Name and phone number."), required=False, max_length=SHORT_TEXT
    )
    agreement = forms.CharField(
        label=_("Agreement (MoU/PKS number)"), help_text=_("If there is one."), required=False, max_length=SHORT_TEXT
    )


class PartnerActivityForm(RuleCheckedForm):
    rules = staticmethod(partner_activity_input_errors)
    input_class = PartnerActivityInput

    held_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("Kind of activity"), choices=[("", _("Choose the kind")), *PartnerActivityKind.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("name"),
        required=False,
        empty_label=_("The whole city"),
    )
    children_reached = count_field(_("Children reached"))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
