"""Which reporter messages a staff member has not read yet (one ThreadRead row per person and
report), read by the inbox, the case list, the case page and the unread-message escalation
alike. Imports no other module of triage or cases, so the case pages may use it.

A message counts as read by a person once they have opened a page showing its thread (the
report page, the case page); an answer is written from such a page, so it follows a reading.

Whose a message is (`for_them`): a reporter's message is unread for the people who must answer
it, not for everyone who may open it, or a supervisor who never opened a thread would see every
message ever sent as unread. It is theirs

- on a report in no case (the inbox is everyone's who triages), or in a case they are an officer of;
- for anyone else who may open it (a supervisor, on another officer's case): once it reached
  them as an alert does (alerts.services): sent after the case was closed, or left unread by
  everyone past its report's acknowledgement window (what the unread-message sweep escalates).

So a reporter's message is never unheard: the officer sees it at once, the supervisors as soon
as the officer is gone (closed) or late."""

from datetime import datetime

from django.db import connection
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from reports.choices import AuthorKind
from reports.models import Report, ReportMessage
from reports.priority import response_time_passed

from .models import ThreadRead


def read_by_someone() -> Exists:
    """The message of the outer query has been read by at least one staff member."""
    return Exists(ThreadRead.objects.filter(report=OuterRef("report"), read_up_to__gte=OuterRef("pk")))


def left_unread(now: datetime) -> Q:
    """Messages nobody read within their report's acknowledgement window (REPORT_RESPONSE_HOURS):
    what the unread-message sweep escalates to the supervisors."""
    return response_time_passed("acknowledge", now, since="created_at", report="report__") & ~Q(read_by_someone())


def for_them(user: User, now: datetime) -> Q:
    """The reporter messages that are `user`'s to answer (the module's docstring says whose)."""
    case = "report__case_link__case__"
    return (
        Q(report__case_link__isnull=True)
        | Q(**{f"{case}assigned_officer": user})
        | Q(**{f"{case}second_officer": user})
        | Q(**{f"{case}closed_at__isnull": False, "created_at__gte": F(f"{case}closed_at")})
        | left_unread(now)
    )


def unread_messages(user: User) -> QuerySet[ReportMessage]:
    """Reporter messages `user` has not read and that are theirs (for_them), on any report:
    narrow it with a filter."""
    read_up_to = ThreadRead.objects.filter(user=user, report=OuterRef("report")).values("read_up_to")[:1]
    return ReportMessage.objects.filter(
        for_them(user, timezone.now()),
        author_kind=AuthorKind.REPORTER,
        pk__gt=Coalesce(Subquery(read_up_to), 0),
    )


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
