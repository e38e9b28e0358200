from django.apps import AppConfig
from django.db.models.signals import pre_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from .db import statement_timeout_lift

        pre_migrate.connect(statement_timeout_lift, dispatch_uid="core.statement_timeout_lift")
