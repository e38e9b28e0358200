"""Are alerts going out? The one answer behind /readyz's "degraded" and the warning on every
staff page, so that the two never disagree.

A delivery waits while it is pending or being sent (`Delivery.state` says the same per row).
Among the waiting ones, a delivery is
- stuck when it was raised longer than ALERT_STUCK_AFTER_MINUTES ago;
- retrying when an attempt has already failed (attempts > 0 and an error recorded);
and a delivery failed recently when it was given up (ALERT_MAX_ATTEMPTS) within the last
ALERT_FAILED_RECENT_MINUTES, its `claimed_at` being the time of its last attempt.
Nothing here reads who or what an alert is about: only counts and times.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from core.health import Degradation, worker_degradation
from core.models import WorkerHeartbeat

from .models import Delivery, DeliveryStatus

# One pass over the rows still to send and the failed ones, through delivery_due_idx (status
# first): sent deliveries, nearly all of them, are never read. The worker's last heartbeat, and
# optionally a count the caller needs anyway (the staff menu's unread counter), come in the
# same round trip, so the warning on staff pages costs no query of its own. The statuses are
# the model's constants; the two times and the extra count's values are parameters.
_STATUS_SQL = """
SELECT
    (SELECT max(beat_at) FROM {heartbeat}),
    count(*) FILTER (WHERE status IN ({waiting}) AND created_at < %s),
    count(*) FILTER (WHERE status IN ({waiting}) AND attempts > 0 AND last_error <> ''),
    count(*) FILTER (WHERE status = {failed} AND claimed_at >= %s),
    min(created_at) FILTER (WHERE status IN ({waiting})),
    {also_count}
FROM {delivery}
WHERE status IN ({waiting}, {failed})
"""


@dataclass(frozen=True)
class DeliveryHealth:
    stuck: int
    retrying: int
    failed_recently: int
    oldest_waiting_seconds: int | None

    @property
    def failing(self) -> int:
        return self.retrying + self.failed_recently

    @property
    def reasons(self) -> list[str]:
        """For /readyz: any error at all is worth a look, even one that a retry may yet fix."""
        reasons = []
        if self.failing:
            reasons.append("alerts_failing")
        if self.stuck:
            reasons.append("alerts_pending")
        return reasons

    def as_json(self) -> dict:
        return {
            "pending_over_threshold": self.stuck,
            "failing": self.failing,
            "oldest_pending_seconds": self.oldest_waiting_seconds,
        }


@dataclass(frozen=True)
class AlertingStatus:
    worker_problem: str | None  # core.health.worker_degradation's reason
    worker_last_seen_seconds: int | None
    deliveries: DeliveryHealth
    also_counted: int

    @property
    def not_going_out(self) -> bool:
        """What staff are warned of: no worker, or deliveries stuck or given up. A first failed
        attempt alone is not: it is retried within seconds, and shown on its report's page."""
        return bool(self.worker_problem or self.deliveries.stuck or self.deliveries.failed_recently)


def _seconds_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def alerting_status(*, now: datetime, also_count: QuerySet | None = None) -> AlertingStatus:
    """One query. `also_count`: a queryset to count in the same round trip (0 without it)."""
    also_sql, also_params = "0", []
    if also_count is not None:
        sql, params = also_count.order_by().values("pk").query.sql_with_params()
        also_sql, also_params = f"(SELECT count(*) FROM ({sql}) AS counted)", list(params)  # noqa: S608 (ORM's SQL)
    quote = connection.ops.quote_name
    statement = _STATUS_SQL.format(
        heartbeat=quote(WorkerHeartbeat._meta.db_table),
        delivery=quote(Delivery._meta.db_table),
        waiting=f"'{DeliveryStatus.PENDING}', '{DeliveryStatus.SENDING}'",
        failed=f"'{DeliveryStatus.FAILED}'",
        also_count=also_sql,
    )
    params = [
        now - timedelta(minutes=settings.ALERT_STUCK_AFTER_MINUTES),
        now - timedelta(minutes=settings.ALERT_FAILED_RECENT_MINUTES),
        *also_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        last_beat, stuck, retrying, failed_recently, oldest_waiting, also_counted = cursor.fetchone()
    return AlertingStatus(
        worker_problem=worker_degradation(last_beat, now=now),
        worker_last_seen_seconds=_seconds_since(last_beat, now),
        deliveries=DeliveryHealth(
            stuck=stuck,
            retrying=retrying,
            failed_recently=failed_recently,
            oldest_waiting_seconds=_seconds_since(oldest_waiting, now),
        ),
        also_counted=also_counted,
    )


def alerts_readiness(*, now: datetime) -> Degradation:
    """Registered with core.health for /readyz, which reports the worker itself."""
    deliveries = alerting_status(now=now).deliveries
    return Degradation(reasons=deliveries.reasons, details=deliveries.as_json())
