"""The dashboard's one write: marking the cases a SIMFONI-PPA export holds for the first time."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from accounts.capabilities import Capability, user_can
from accounts.models import User
from cases.models import Case
from core.audit import audit_log

from .audit import DashboardAction


@transaction.atomic
def simfoni_export_mark(*, cases: QuerySet[Case], now: datetime, acting_user: User) -> frozenset[int]:
    """Set `simfoni_exported_at` on the cases among `cases` that no SIMFONI-PPA export held yet,
    and return their ids: the download being made marks them "new since the last export" (ya), any
    later one does not. One statement, so two downloads at the same time cannot both claim a case
    (PostgreSQL re-checks `IS NULL` on a locked row the other one just updated)."""
    if not user_can(acting_user, Capability.EXPORT):
        raise PermissionDenied
    # Locking the rows first: a second download waits, then re-reads `IS NULL` on the rows the
    # first one updated and finds them taken.
    unmarked = Case.objects.filter(pk__in=cases.order_by().values("pk"), simfoni_exported_at__isnull=True)
    marked = frozenset(unmarked.select_for_update().values_list("pk", flat=True))
    Case.objects.filter(pk__in=marked).update(simfoni_exported_at=now)
    audit_log(actor=acting_user, action=DashboardAction.SIMFONI_MARKED, data={"cases": len(marked)})
    return marked
