from django.db import transaction

from core.audit import audit_log

from .audit import AreaAction
from .models import RT


@transaction.atomic
def rt_bulk_import(*, entries: set[tuple[int, int]], acting_user, source: str = "") -> tuple[int, int]:
    """Create the RTs given as (kelurahan id, number) pairs; existing ones are left alone.

    Returns (created, already present). Safe to run again with the same entries.
    """
    present = set(
        RT.objects.filter(kelurahan_id__in={kelurahan_id for kelurahan_id, _number in entries}).values_list(
            "kelurahan_id", "number"
        )
    )
    new = sorted(entries - present)
    RT.objects.bulk_create(
        [RT(kelurahan_id=kelurahan_id, number=number) for kelurahan_id, number in new],
        ignore_conflicts=True,
        batch_size=1000,
    )
    created, existing = len(new), len(entries) - len(new)
    if created:
        audit_log(actor=acting_user, action=AreaAction.RTS_IMPORTED, data={"created": created, "source": source})
    return created, existing
