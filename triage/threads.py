"""Which reporter messages a staff member has not read yet (one ThreadRead row per person and
report), read by the inbox, the case list, the case page and the unread-message escalation
alike. Imports no other module of triage or cases, so the case pages may use it.

A message counts as read by a person once they have opened a page showing its thread (the
report page, the case page); an answer is written from such a page, so it follows a reading."""

from django.db import connection
from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from reports.choices import AuthorKind
from reports.models import Report, ReportMessage

from .models import ThreadRead


def unread_messages(user: User) -> QuerySet[ReportMessage]:
    """Reporter messages `user` has not read, on any report: narrow it with a filter."""
    read_up_to = ThreadRead.objects.filter(user=user, report=OuterRef("report")).values("read_up_to")[:1]
    return ReportMessage.objects.filter(author_kind=AuthorKind.REPORTER, pk__gt=Coalesce(Subquery(read_up_to), 0))


def unread_count(messages: QuerySet[ReportMessage]):
    """An annotation: how many of `messages` (filtered on an OuterRef) there are, 0 for none.
    COUNT as a plain function: no GROUP BY, so one subquery per row of the outer query."""
    counted = messages.order_by().values(n=Func("pk", function="COUNT", output_field=IntegerField()))
    return Coalesce(Subquery(counted), 0)


def unread_per_report(user: User):
    return unread_count(unread_messages(user).filter(report=OuterRef("pk")))


def unread_per_case(user: User):
    return unread_count(unread_messages(user).filter(report__case_link__case=OuterRef("pk")))


def unread_total(user: User, reports: QuerySet[Report]) -> int:
    """Unread reporter messages on `reports` (those the person may open): one query."""
    return unread_messages(user).filter(report__in=reports.values("pk")).count()


def read_markers(user: User, report_ids) -> dict[int, int]:
    """How far `user` has read each of these reports' threads (0: not at all): one query."""
    markers = ThreadRead.objects.filter(user=user, report_id__in=list(report_ids))
    return dict(markers.values_list("report_id", "read_up_to"))


_MARK_READ = """
INSERT INTO {table} (user_id, report_id, read_up_to, read_at) VALUES {rows}
ON CONFLICT (user_id, report_id) DO UPDATE SET
    read_up_to = GREATEST({table}.read_up_to, EXCLUDED.read_up_to), read_at = EXCLUDED.read_at
"""


def threads_mark_read(*, user: User, read_up_to: dict[int, int]) -> None:
    """`user` has read each report's thread (report id → the last message id shown). One
    statement for them all, moving each marker forward only: a page open in an older tab never
    moves it back. Reading changes no report, so no audit row (the page records its own view)."""
    if not read_up_to:
        return
    now = timezone.now()
    rows, values = [], []
    for report_id, up_to in sorted(read_up_to.items()):
        rows.append("(%s, %s, %s, %s)")
        values += [user.pk, report_id, up_to, now]
    table = connection.ops.quote_name(ThreadRead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_MARK_READ.format(table=table, rows=", ".join(rows)), values)


def thread_mark_read(*, report: Report, user: User, up_to: int | None) -> None:
    """One report's thread read up to message id `up_to` (None: the thread is empty)."""
    if up_to is not None:
        threads_mark_read(user=user, read_up_to={report.pk: up_to})
