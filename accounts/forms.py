from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.utils.translation import gettext_lazy as _

from .models import AGENCY_ROLES, Role

AGENCY_ROLE_CHOICES = [role for role in Role if role in AGENCY_ROLES]


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked before anyone looks it up.

    AuthenticationForm sets the username's max_length only after the field is built, so the
    limit reaches the HTML attribute but not the validators: a 10,000-character username went
    on to authenticate(), and django-axes then failed to record the failure (its column holds
    255 characters) with a 500 instead of "wrong username or password".

    Its wrong-login message is our own: Django's Indonesian one names the field inside a sentence
    that already says it ("Masukkan nama pengguna nama pengguna dan sandi yang benar").
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Both are case-sensitive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))


class AgencyAccountForm(forms.Form):
    """An agency account chosen from `accounts` (accounts.selectors.agency_accounts)."""

    user = forms.ModelChoiceField(label=_("Account"), queryset=None, to_field_name="username")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.username} · {user.get_full_name() or '—'} · {user.get_role_display()}"
            + ("" if user.is_active else f" ({_('switched off')})")
        )


class GrantRoleForm(AgencyAccountForm):
    role = forms.ChoiceField(label=_("Role"), choices=[(role.value, role.label) for role in AGENCY_ROLE_CHOICES])


class ResetLoginForm(AgencyAccountForm):
    prefix = "reset"
