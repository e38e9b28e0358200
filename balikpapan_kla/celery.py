import os

from celery import Celery, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balikpapan_kla.settings")

app = Celery("balikpapan_kla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def check_database_connections(sender=None, **kwargs) -> None:
    """Around every task, what Django does around every request: a connection that failed is
    health-checked and replaced, one past CONN_MAX_AGE is closed. The worker keeps its
    connection across tasks (CELERY_DB_REUSE_MAX), and without this a connection the database
    dropped (a restart, a failover) failed every task until the worker was restarted (issue 15).

    With CONN_HEALTH_CHECKS a reused connection costs one `SELECT 1` at the task's first query,
    not a new connection. A task that raised a database error leaves the flag Django checks
    here, so its connection is tested and dropped when dead, and the retry starts afresh."""
    if getattr(sender.request, "is_eager", False):
        return  # run inline, inside the caller's transaction (Celery's Django fixup skips it too)
    close_old_connections()
