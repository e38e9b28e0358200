from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import MultipleFileField, MultipleFileInput

from .choices import COUNT_MAX, DURATION_MAX_MINUTES, LONG_TEXT, SHORT_TEXT, Topic
from .services import (
    ForumActivityInput,
    GroupInput,
    SessionInput,
    forum_activity_input_errors,
    group_input_errors,
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

    def __init__(self, *args, rts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rt"].queryset = rts
        if len(rts) == 1:
            self.fields["rt"].initial = rts[0].pk

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


class SessionForm(RuleCheckedForm):
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


class GroupForm(RuleCheckedForm):
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


class ForumActivityForm(RuleCheckedForm):
    rules = staticmethod(forum_activity_input_errors)
    input_class = ForumActivityInput

    rt = RTChoiceField(label=_("RT"), queryset=None, empty_label=_("Choose the RT"))
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
