"""Downloads of case data: the de-identified cases list, the same with identities (by explicit
choice, for holders of Capability.EXPORT_IDENTITIES), and the SIMFONI-PPA export (a sheet of child
victims, "Korban", and one of perpetrators, "Pelaku": both in one XLSX workbook, or one CSV per
sheet). dashboard.exports.cases_for_export refuses whoever may not have what they ask for.

A SIMFONI-PPA download that holds the victims (the XLSX, or the "Korban" CSV) marks its cases
exported (dashboard.services.simfoni_export_mark) before its rows are written: a case is "new since
the last export" (ya) in the first such download and "tidak" in every later one. The "Pelaku" CSV
marks nothing."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.capabilities import Capability, user_can
from accounts.decorators import login_and_second_factor_required
from core.audit import audit_log
from core.widgets import DATE_WIDGET, PeriodRules

from . import exports, services, simfoni
from .audit import DashboardAction

IDENTITIES_FIELD = "include_identities"
KORBAN, PELAKU = "korban", "pelaku"

exporters_only = login_and_second_factor_required(capability=Capability.EXPORT)


class ExportForm(PeriodRules, forms.Form):
    start = forms.DateField(label=_("Cases opened from"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Cases opened until"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[
            ("cases", _("Cases, one row per case")),
            ("simfoni", _("SIMFONI-PPA: child victims and perpetrators")),
        ],
        widget=forms.RadioSelect,
        initial="cases",
    )
    format = forms.ChoiceField(
        label=_("File format"),
        choices=[("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))],
        widget=forms.RadioSelect,
        initial="csv",
    )
    sheet = forms.ChoiceField(
        label=_("SIMFONI-PPA sheet, for a CSV file"),
        choices=[
            (KORBAN, _("Victims (Korban), one row per child")),
            (PELAKU, _("Perpetrators (Pelaku), one row each")),
        ],
        widget=forms.RadioSelect,
        initial=KORBAN,
        required=False,
        help_text=_(
            "A CSV file holds one sheet; the Excel file holds both. Only the victims sheet marks its cases "
            'as exported (the column "Baru sejak ekspor terakhir").'
        ),
    )
    include_identities = forms.BooleanField(
        label=_("Include identities (children's names, dates of birth, guardian contacts)"),
        help_text=_(
            "Only when the work needs it. The file then holds identities protected by law: keep it on an "
            "agency device, share it with no one outside the agency and delete it when done. "
            "The download is recorded. Never part of the SIMFONI-PPA list."
        ),
        required=False,
    )

    def __init__(self, *args, allow_identities: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_identities:
            del self.fields[IDENTITIES_FIELD]

    def clean(self):
        cleaned = super().clean()
        self.clean_period(cleaned)
        # The SIMFONI-PPA list is never identified, whatever was ticked.
        cleaned[IDENTITIES_FIELD] = cleaned.get(IDENTITIES_FIELD, False) and cleaned.get("kind") == "cases"
        return cleaned


def _defaults() -> dict:
    today = timezone.localdate()
    return {"start": today.replace(month=1, day=1), "end": today, "kind": "cases", "format": "csv", "sheet": KORBAN}


def _bound_form(request) -> ExportForm:
    """The query, with a missing value meaning its default (this year, cases, CSV, the victims sheet)."""
    data = request.GET.copy()
    for name, value in _defaults().items():
        if not data.get(name):
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return ExportForm(data, allow_identities=user_can(request.user, Capability.EXPORT_IDENTITIES))


def _rows_count(cases, *, kind: str, sheet: str | None) -> int:
    if kind == "cases":
        return cases.count()
    return exports.perpetrators_count(cases) if sheet == PELAKU else exports.children_count(cases)


@exporters_only
@require_GET
@never_cache
def index(request):
    form = ExportForm(initial=_defaults(), allow_identities=user_can(request.user, Capability.EXPORT_IDENTITIES))
    return render(request, "dashboard/export/index.html", {"form": form})


@exporters_only
@require_GET
@never_cache
def download(request):
    # Asking for identities without the right is refused outright, not quietly downgraded.
    if request.GET.get(IDENTITIES_FIELD) and not user_can(request.user, Capability.EXPORT_IDENTITIES):
        raise PermissionDenied
    form = _bound_form(request)
    if not form.is_valid():
        return render(request, "dashboard/export/index.html", {"form": form}, status=400)
    period, kind, file_format = form.period(), form.cleaned_data["kind"], form.cleaned_data["format"]
    identities = form.cleaned_data[IDENTITIES_FIELD]

    cases = exports.cases_for_export(user=request.user, period=period, identities=identities)
    sheet = (form.cleaned_data["sheet"] or KORBAN) if kind == "simfoni" and file_format == "csv" else None
    filters = {
        "kind": kind,
        "format": file_format,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "identities": identities,
        "rows": _rows_count(cases, kind=kind, sheet=sheet),
    }
    if sheet:
        filters["sheet"] = sheet
    audit_log(actor=request.user, action=DashboardAction.EXPORTED, data=filters)
    if identities:
        audit_log(actor=request.user, action=DashboardAction.EXPORTED_IDENTITIES, data=filters)

    today = timezone.localdate().isoformat()
    if kind == "simfoni":
        new_cases = (
            frozenset()
            if sheet == PELAKU
            else services.simfoni_export_mark(cases=cases, now=timezone.now(), acting_user=request.user)
        )
        victims = (simfoni.VICTIM_SHEET, simfoni.VICTIM_HEADER, exports.simfoni_rows(cases, new_cases=new_cases))
        perpetrators = (simfoni.PERPETRATOR_SHEET, simfoni.PERPETRATOR_HEADER, exports.simfoni_perpetrator_rows(cases))
        if file_format == "xlsx":
            return exports.xlsx_response(f"simfoni-ppa-{today}.xlsx", [victims, perpetrators])
        _title, header, rows = perpetrators if sheet == PELAKU else victims
        return exports.csv_response(f"simfoni-ppa-{sheet}-{today}.csv", header, rows)
    header, rows = exports.case_header(identities=identities), exports.case_rows(cases, identities=identities)
    if file_format == "xlsx":
        return exports.xlsx_response(f"kasus-{today}.xlsx", [(gettext("Cases"), header, rows)])
    return exports.csv_response(f"kasus-{today}.csv", header, rows)
