from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsAppConfig(AppConfig):
    """The WhatsApp door (WhatsApp Business Cloud API): a guided conversation that files a report
    through reports.services, and the reporter <-> officer thread carried over WhatsApp."""

    name = "whatsapp"
    verbose_name = _("WhatsApp")

    def ready(self):
        from core.health import register_degradation_check
        from reports.outgoing import register_carrier

        from . import (
            graph,  # noqa: F401 (quiets pywa's request logging in every process)
            outbound_tasks,  # noqa: F401 (Celery autodiscovers only `tasks` modules)
            retention,  # noqa: F401 (registers its eraser: core.retention)
        )
        from .inbound import inbound_degradation
        from .outbound import staff_message_carrier

        # An officer's message on a report that came by WhatsApp goes to the reporter there.
        register_carrier(staff_message_carrier)
        # Messages from reporters that do not go through show on /readyz and to staff.
        register_degradation_check("whatsapp_inbound", inbound_degradation)
