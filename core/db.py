"""Small helpers for invariants declared in models (CheckConstraint conditions), and for the
database session of batch commands."""

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, models

# The database is down, restarted, refuses the connection, or closed it under us: what pages
# answer with a 503 (core.unavailable) and tasks log in one line (core.logfilters).
DATABASE_DOWN = (OperationalError, InterfaceError)


def value_in(field: str, choices) -> models.Q:
    """`field` holds one of the codes of a TextChoices class."""
    return models.Q(**{f"{field}__in": choices.values})


def blank_or_in(field: str, choices) -> models.Q:
    """`field` is empty (not answered) or one of the codes."""
    return models.Q(**{field: ""}) | value_in(field, choices)


def statement_timeout_lift(*, using: str = DEFAULT_DB_ALIAS, **_signal) -> None:
    """No statement timeout (DATABASE_STATEMENT_TIMEOUT_MS) for the rest of this connection's
    session: for batch work whose single statements rightly run for minutes, a migration on a big
    table, seed_volume's COPY, DELETE and ANALYZE. Pages and tasks keep it. Also a pre_migrate
    receiver (core.apps), so that `migrate` needs no variable set."""
    with connections[using].cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
