"""Logging filters that keep expected outcomes to one short line (issue 14), named in LOGGING.

A client error (4xx) is the client's business: the access log (runserver's django.server,
gunicorn's access log) already has one line for it, so Django's own WARNING about it ("Not
Found", "Forbidden", "Too Many Requests", with a traceback when a view raised) goes down to
DEBUG; a flood of 429s is then one access line each, nothing more. 5xx are left alone.

A task that fails because the database, the broker or the network is away logs one ERROR
line, "task <name> failed: <ErrorClass>: <message>", with no id or arguments; its traceback
comes back when the logger is at DEBUG. Any other exception is a bug and keeps Celery's
"raised unexpected" line with the whole traceback. Only the log changes: the task still fails
(its state, signals and acknowledgement are Celery's, as before).
"""

import logging
import socket

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .db import DATABASE_DOWN

OPERATIONAL_ERRORS = (
    *DATABASE_DOWN,  # the database is down, restarted, refuses, or closed the connection under us
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,  # a name that does not resolve
)


class ClientErrorsAt(logging.Filter):
    """Puts a record about a 4xx answer (Django gives it a `status_code`) at `level`, and
    drops it unless the logger is enabled for that level."""

    def __init__(self, level: str = "DEBUG"):
        super().__init__()
        self.level = logging.getLevelNamesMapping()[level]

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500 or record.levelno <= self.level:
            return True
        record.levelno, record.levelname = self.level, logging.getLevelName(self.level)
        return logging.getLogger(record.name).isEnabledFor(self.level)


class TaskFailureOneLine(logging.Filter):
    """On `celery.app.trace`: rewrites Celery's failure record for an OPERATIONAL_ERRORS
    exception. Celery passes the failure's context as `record.data` for such filters."""

    def filter(self, record: logging.LogRecord) -> bool:
        data = getattr(record, "data", None)
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(data, dict) or not isinstance(error, OPERATIONAL_ERRORS):
            return True
        text = str(error).strip()
        what = f"{type(error).__name__}: {text.splitlines()[0][:200]}" if text else type(error).__name__
        record.msg, record.args = "task %s failed: %s", (data.get("name"), what)
        if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            record.exc_info, record.exc_text = None, None
        return True
