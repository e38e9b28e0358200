from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """UU 27/2022 (PDP) duties: the privacy notice, the data-subject requests and breach registers."""

    name = "privacy"
    verbose_name = _("Privacy")
