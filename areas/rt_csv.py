"""Reading the agency's RT list (CSV with columns kecamatan, kelurahan, rt)."""

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import RT_NUMBER_MAX, Kecamatan, Kelurahan

REQUIRED_COLUMNS = ("kecamatan", "kelurahan", "rt")


def normalise_name(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip().lower()
    for prefix in ("kecamatan ", "kec. ", "kec ", "kelurahan ", "kel. ", "kel "):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def joined(value: str) -> str:
    """A name with every space taken out, as some official lists write it ("Gunungsari Ulu")."""
    return normalise_name(value).replace(" ", "")


def parse_rt_number(value: str) -> int | None:
    match = re.fullmatch(r"(?:rt\.?\s*)?0*(\d{1,4})", value.strip().lower())
    if not match:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= RT_NUMBER_MAX else None


@dataclass
class ParseResult:
    entries: set[tuple[int, int]] = field(default_factory=set)
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0


def parse_rt_csv(lines: Iterable[str], *, progress: Callable[[int], None] | None = None) -> ParseResult:
    """Check every line; collect (line number, reason) for each bad one. Never writes."""
    result = ParseResult()
    kecamatan_by_name = {}
    for kecamatan in Kecamatan.objects.all():
        kecamatan_by_name[normalise_name(kecamatan.name)] = kecamatan.pk
        kecamatan_by_name[normalise_name(kecamatan.name.removeprefix("Balikpapan "))] = kecamatan.pk
        kecamatan_by_name[kecamatan.code] = kecamatan.pk
    # A kelurahan by its name, its name with the spaces taken out (the official joined spellings:
    # GUNUNGSAMARINDA, MUARARAPAK, GUNUNGSARI ULU, SUNGAINANGKA) or its Kemendagri code.
    kelurahan_by_name, kelurahan_by_code = {}, {}
    for pk, kecamatan_id, name, code in Kelurahan.objects.values_list("pk", "kecamatan_id", "name", "code"):
        kelurahan_by_name[(kecamatan_id, normalise_name(name))] = pk
        kelurahan_by_name[(kecamatan_id, joined(name))] = pk
        kelurahan_by_code[code] = (kecamatan_id, pk)

    lines = iter(lines)
    header_line = next(lines, "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [column.strip().lower() for column in next(csv.reader([header_line], delimiter=delimiter), [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        result.errors.append(
            (
                1,
                _("missing column(s): %(columns)s; the first line must name kecamatan, kelurahan, rt")
                % {"columns": ", ".join(missing)},
            )
        )
        return result
    index = {column: header.index(column) for column in REQUIRED_COLUMNS}

    for line_number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=2):
        if progress is not None:
            progress(line_number)
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if len(row) < len(header):
            result.errors.append(
                (
                    line_number,
                    _("expected %(expected)d columns, found %(found)d") % {"expected": len(header), "found": len(row)},
                )
            )
            continue
        kecamatan_name, kelurahan_name, rt_value = (row[index[c]] for c in REQUIRED_COLUMNS)
        kecamatan_id = kecamatan_by_name.get(normalise_name(kecamatan_name))
        if kecamatan_id is None:
            result.errors.append((line_number, _('unknown kecamatan "%(name)s"') % {"name": kecamatan_name.strip()}))
            continue
        kelurahan_id = kelurahan_by_name.get((kecamatan_id, normalise_name(kelurahan_name))) or kelurahan_by_name.get(
            (kecamatan_id, joined(kelurahan_name))
        )
        if kelurahan_id is None and kelurahan_by_code.get(kelurahan_name.strip(), (None,))[0] == kecamatan_id:
            kelurahan_id = kelurahan_by_code[kelurahan_name.strip()][1]
        if kelurahan_id is None:
            result.errors.append(
                (
                    line_number,
                    _('kelurahan "%(kelurahan)s" is not in kecamatan "%(kecamatan)s"')
                    % {"kelurahan": kelurahan_name.strip(), "kecamatan": kecamatan_name.strip()},
                )
            )
            continue
        number = parse_rt_number(rt_value)
        if number is None:
            result.errors.append(
                (
                    line_number,
                    _('RT "%(value)s" is not a number from 1 to %(max)d')
                    % {"value": rt_value.strip(), "max": RT_NUMBER_MAX},
                )
            )
            continue
        result.entries.add((kelurahan_id, number))
    return result
