from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, user_can

from .models import NotificationPreference


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("Email"), required=False)
    webhook = forms.BooleanField(
        label=_("Chat message (WhatsApp, SMS or Telegram, through the agency's gateway)"), required=False
    )
    in_app = forms.BooleanField(label=_("In the application (the Notifications page)"), required=False)
    on_duty = forms.BooleanField(
        label=_("I am on duty: tell me about every new report"),
        required=False,
        help_text=_("When no officer is on duty, new reports go to the supervisors."),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_on_duty_help"}),
    )

    def __init__(self, *args, user, preference: NotificationPreference, **kwargs):
        initial = {name: getattr(preference, name) for name in ("email", "webhook", "in_app", "on_duty")}
        super().__init__(*args, initial=initial, **kwargs)
        if not user_can(user, Capability.GO_ON_DUTY):
            del self.fields["on_duty"]

    def channel_fields(self):
        return [self[name] for name in ("email", "webhook", "in_app")]
