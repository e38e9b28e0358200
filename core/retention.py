"""The retention schedule (issue 21): one registry of erasers, one runner.

Each app registers its erasers when it is ready (`reports.retention`, `cases.retention`,
`outreach.retention`, imported by their AppConfig.ready), as pretix's data shredders do. An
eraser names one rule: `due(now)` lists what that rule says must go, each with a reference a
person recognises and the reason; `erase(records, now)` erases those of them that are still due
(it checks again, under lock) and returns, for each one erased, the references its audit row may
hold (ids, never content).

`run(now=..., dry_run=...)` applies every eraser: in batches of `BATCH_SIZE`, one transaction per
batch, one audit row per erased record (`<app>.…` action of the eraser, data: the rule and
references only). A re-run finds nothing more to do; an eraser that fails is logged and reported
and the others still run. `manage.py retention [--dry-run]` and the nightly task
`core.tasks.retention_run` both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .audit import audit_log

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


@dataclass(frozen=True)
class Due:
    """A record a rule says must go: the record, how a person finds it (a report's or a case's
    reference, a photo's id) and why, in words."""

    record: Any
    reference: str
    reason: str


class Eraser:
    """One rule of the schedule. Subclasses set `name` ("<app>.<rule>"), `description` (the rule
    in words, translatable) and `action` (the audit action of an erasure), and implement `due`
    and `erase`."""

    name: str = ""
    description: str = ""
    action: str = ""

    def describe(self) -> str:
        """The rule in words, with the figures the settings give it."""
        return str(self.description)

    def due(self, now: datetime) -> list[Due]:
        raise NotImplementedError

    def erase(self, records: Sequence[Any], now: datetime) -> dict[Any, dict]:
        """Erase those of `records` still due, inside the caller's transaction; return
        {pk: references for the audit row} for each one erased."""
        raise NotImplementedError


_registry: dict[str, Eraser] = {}


def register(eraser: Eraser) -> Eraser:
    """Add an eraser (once per name: a second import of the module replaces, never doubles)."""
    if not eraser.name or not eraser.action:
        raise ValueError("An eraser needs a name and an audit action.")
    _registry[eraser.name] = eraser
    return eraser


def unregister(name: str) -> None:
    _registry.pop(name, None)


def erasers() -> list[Eraser]:
    return [_registry[name] for name in sorted(_registry)]


@dataclass
class Outcome:
    """What one eraser found (`due`) and, unless a dry run, erased; `error` when it failed."""

    eraser: Eraser
    due: list[Due] = field(default_factory=list)
    erased: list[Due] = field(default_factory=list)
    error: str = ""


Progress = Callable[[Eraser, int, int], None]


def run(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    only: Iterable[str] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Apply the schedule: every registered eraser (or those named in `only`)."""
    now = now or timezone.now()
    wanted = set(only) if only is not None else None
    outcomes = []
    for eraser in erasers():
        if wanted is not None and eraser.name not in wanted:
            continue
        outcome = Outcome(eraser=eraser)
        outcomes.append(outcome)
        try:
            outcome.due = list(eraser.due(now))
            if dry_run:
                continue
            for start in range(0, len(outcome.due), batch_size):
                batch = outcome.due[start : start + batch_size]
                with transaction.atomic():
                    erased = eraser.erase([item.record for item in batch], now)
                    for item in batch:
                        if item.record.pk in erased:
                            references = erased[item.record.pk]
                            audit_log(
                                actor=None,
                                action=eraser.action,
                                target=item.record,
                                data={"rule": eraser.name, **references},
                            )
                outcome.erased.extend(item for item in batch if item.record.pk in erased)
                if progress is not None:
                    progress(eraser, min(start + batch_size, len(outcome.due)), len(outcome.due))
        except Exception as exc:
            # The message names the failure, never a record's content (erasers raise none).
            logger.exception("Retention eraser %s failed", eraser.name)
            outcome.error = f"{type(exc).__name__}: {exc}"
    return outcomes


def add_years(moment, years: int):
    """`moment` (a date or a datetime) moved by whole calendar years; 29 February becomes 28
    February in a year without it (a year counted back from it is never a day short)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)
