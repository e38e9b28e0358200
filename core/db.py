"""Small helpers for invariants declared in models (CheckConstraint conditions)."""

from django.db import models


def value_in(field: str, choices) -> models.Q:
    """`field` holds one of the codes of a TextChoices class."""
    return models.Q(**{f"{field}__in": choices.values})


def blank_or_in(field: str, choices) -> models.Q:
    """`field` is empty (not answered) or one of the codes."""
    return models.Q(**{field: ""}) | value_in(field, choices)
