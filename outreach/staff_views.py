"""The agency's view of outreach: coverage, where to go next, CSV exports, Forum Anak at every
level and partner organisations."""

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from areas.filters import KecamatanFilterForm, PeriodFilterForm
from core.audit import audit_log
from core.charts import MonthBarFrame
from core.errors import DomainError
from core.periods import Period, last_twelve_months
from core.spreadsheets import neutralise

from . import access, selectors, services
from .audit import OutreachAction
from .choices import ForumLevel
from .forms import PartnerActivityForm, PartnerForm
from .views import forum_forms, save_form

readers_only = login_and_second_factor_required(capability=Capability.READ_OUTREACH)
PAGE_SIZE = 50


class ForumLevelFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All levels")), *ForumLevel.choices], required=False)


def _default_period() -> Period:
    return last_twelve_months(today=timezone.localdate())


@dataclass(frozen=True)
class Bar:
    month: date
    value: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool
    show_year: bool

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 3, 1)


@dataclass(frozen=True)
class BarChart(MonthBarFrame):
    """A month's value as one bar (core.charts.MonthBarFrame), with the year under January."""

    key: str
    title: str
    bars: list[Bar]
    maximum: int
    show_values: bool

    TOP = 32
    BOTTOM = 36  # month and year labels

    @property
    def year_y(self) -> int:
        return self.baseline + 28

    @classmethod
    def of(cls, key: str, title: str, points: list[tuple[date, int]]) -> "BarChart":
        maximum = max((value for _month, value in points), default=0)
        slot = cls.slot_width(len(points))
        label_every = math.ceil(len(points) / 13) or 1
        bars = []
        for index, (month, value) in enumerate(points):
            bars.append(
                Bar(
                    month=month,
                    value=value,
                    x=round(cls.SIDE + index * slot + slot * 0.15, 1),
                    y=cls.bar_y(value, maximum),
                    width=round(slot * 0.7, 1),
                    height=cls.bar_height(value, maximum),
                    show_label=index % label_every == 0,
                    show_year=index == 0 or month.month == 1,
                )
            )
        # A value is written over its bar only if the widest one fits the slot (about 6 units a character).
        show_values = len(f"{maximum:,}") * 6 <= slot
        return cls(key=key, title=title, bars=bars, maximum=maximum, show_values=show_values)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@readers_only
@require_GET
def coverage(request):
    form = PeriodFilterForm(request.GET, default=_default_period())
    context = {"form": form}
    if form.is_valid():
        period, kecamatan = form.period(), form.cleaned_data["kecamatan"]
        result = selectors.outreach_coverage(user=request.user, period=period, kecamatan=kecamatan)
        context.update(
            coverage=result,
            kecamatan=kecamatan,
            charts=[
                BarChart.of("sessions", _("Sessions per month"), [(m.month, m.sessions) for m in result.months]),
                BarChart.of("people", _("People reached per month"), [(m.month, m.people) for m in result.months]),
            ],
            never_reached=_page(
                request, selectors.rts_never_reached(user=request.user, period=period, kecamatan=kecamatan)
            ),
        )
    return render(request, "outreach/staff/coverage.html", context)


@readers_only
@require_GET
def targeting(request):
    form = KecamatanFilterForm(request.GET)
    period = _default_period()
    context = {"form": form, "period": period}
    if form.is_valid():
        kecamatan = form.cleaned_data["kecamatan"]
        context.update(
            kecamatan=kecamatan,
            rts=_page(request, selectors.rts_to_target(user=request.user, period=period, kecamatan=kecamatan)),
            kelurahan_list=selectors.kelurahan_to_target(user=request.user, period=period, kecamatan=kecamatan),
        )
    return render(request, "outreach/staff/targeting.html", context)


# The column names are a file format that spreadsheets are built on: always Indonesian,
# whatever the language of the page it was downloaded from.
SESSION_HEADER = [
    "Kecamatan",
    "Kelurahan",
    "RT",
    "Tanggal",
    "Jam mulai",
    "Durasi (menit)",
    "Topik",
    "Fasilitator",
    "Anak laki-laki",
    "Anak perempuan",
    "Laki-laki dewasa",
    "Perempuan dewasa",
    "Jumlah anak",
    "Jumlah dewasa",
    "Materi yang dibagikan",
    "Dicatat pada",
]
GROUP_HEADER = [
    "Kecamatan",
    "Kelurahan",
    "RT",
    "Nama kelompok",
    "Tanggal dibentuk",
    "Jumlah anggota",
    "Aktif",
    "Kegiatan terakhir",
    "Ada narahubung",
]
CHUNK_SIZE = 2000


def _yes_no(value: bool) -> str:
    return "Ya" if value else "Tidak"


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        # Streamed after the view has returned: set the language here, not in the request.
        with translation.override("id"):
            yield "\ufeff" + writer.writerow(header)  # the BOM makes Excel read UTF-8
            for row in rows:
                yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _audit_export(request, what: str, **filters) -> None:
    audit_log(actor=request.user, action=OutreachAction.EXPORTED, data={"what": what, **filters})


@readers_only
@require_GET
@never_cache
def export_sessions(request):
    form = PeriodFilterForm(request.GET, default=_default_period())
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("Check the period and the kecamatan."))
    period, kecamatan = form.period(), form.cleaned_data["kecamatan"]
    _audit_export(
        request,
        "sessions",
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        kecamatan=kecamatan.pk if kecamatan else None,
    )
    sessions = selectors.sessions_for_export(user=request.user, period=period, kecamatan=kecamatan)
    rows = (
        [
            session.rt.kelurahan.kecamatan.name,
            session.rt.kelurahan.name,
            session.rt.label,
            session.held_on.isoformat(),
            session.start_time.strftime("%H:%M"),
            session.duration_minutes,
            "; ".join(str(label) for label in session.topic_labels()),
            session.facilitators,
            session.boys,
            session.girls,
            session.men,
            session.women,
            session.children,
            session.adults,
            session.materials,
            timezone.localtime(session.logged_at).isoformat(timespec="seconds"),
        ]
        for session in sessions.iterator(chunk_size=CHUNK_SIZE)
    )
    return _csv_response(f"sosialisasi-sesi_{period.start}_{period.end}.csv", SESSION_HEADER, rows)


@readers_only
@require_GET
@never_cache
def export_groups(request):
    _audit_export(request, "groups")
    groups = selectors.groups_for_export(user=request.user)
    rows = (
        [
            group.rt.kelurahan.kecamatan.name,
            group.rt.kelurahan.name,
            group.rt.label,
            group.name,
            group.formed_on.isoformat(),
            group.members,
            _yes_no(group.active),
            group.last_activity_on.isoformat() if group.last_activity_on else "",
            _yes_no(group.has_contact),
        ]
        for group in groups.iterator(chunk_size=CHUNK_SIZE)
    )
    return _csv_response(f"kelompok-peduli-anak_{timezone.localdate()}.csv", GROUP_HEADER, rows)


# --- Forum Anak at every level, and partner organisations ---------------------------------------

recorders_only = login_and_second_factor_required(capability=Capability.RECORD_AGENCY_OUTREACH)


@readers_only
@require_GET
def forum_list(request):
    """Forum Anak activities of every level, newest first; filtered by level."""
    form = ForumLevelFilterForm(request.GET)
    activities = access.forum_activities_for(request.user)
    if form.is_valid() and form.cleaned_data["level"]:
        activities = activities.filter(level=form.cleaned_data["level"])
    return render(request, "outreach/staff/forum_list.html", {"form": form, "page": _page(request, activities)})


@recorders_only
@require_http_methods(["GET", "POST"])
def forum_record(request):
    level_form, form = forum_forms(request, default=ForumLevel.KOTA)
    if request.method == "POST" and save_form(
        form, lambda: services.forum_activity_log(data=form.to_input(), acting_user=request.user)
    ):
        messages.success(request, _("The Forum Anak activity has been saved."))
        return redirect("outreach_staff:forum")
    context = {"level_form": level_form, "form": form}
    return render(request, "outreach/staff/forum_form.html", context, status=400 if form.errors else 200)


@readers_only
@require_GET
def partner_list(request):
    partners = access.partners_for(request.user)
    return render(request, "outreach/staff/partner_list.html", {"page": _page(request, partners)})


@recorders_only
@require_http_methods(["GET", "POST"])
def partner_register(request):
    form = PartnerForm(request.POST or None)
    saved = {}
    if request.method == "POST" and save_form(
        form,
        lambda: saved.update(partner=services.partner_register(data=form.to_input(), acting_user=request.user)),
    ):
        messages.success(request, _("The partner has been registered."))
        return redirect("outreach_staff:partner", uuid=saved["partner"].uuid)
    return render(request, "outreach/staff/partner_form.html", {"form": form}, status=400 if form.errors else 200)


@readers_only
@require_GET
def partner_detail(request, uuid):
    partner = access.access_partner(request.user, uuid)
    activities = _page(request, selectors.partner_activities(partner=partner))
    return render(request, "outreach/staff/partner_detail.html", {"partner": partner, "page": activities})


@recorders_only
@require_http_methods(["GET", "POST"])
def partner_activity_log(request, uuid):
    partner = access.access_partner(request.user, uuid)
    form = PartnerActivityForm(request.POST or None)
    if request.method == "POST" and save_form(
        form,
        lambda: services.partner_activity_log(partner=partner, data=form.to_input(), acting_user=request.user),
    ):
        messages.success(request, _("The partner's activity has been saved."))
        return redirect("outreach_staff:partner", uuid=partner.uuid)
    context = {"form": form, "partner": partner}
    return render(request, "outreach/staff/partner_activity_form.html", context, status=400 if form.errors else 200)


@recorders_only
@require_http_methods(["GET", "POST"])
def partner_deactivate(request, uuid):
    """A confirmation page (GET), then the deactivation (POST)."""
    partner = access.access_partner(request.user, uuid)
    if request.method == "POST":
        try:
            services.partner_deactivate(partner=partner, acting_user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The partner is now inactive."))
        return redirect("outreach_staff:partner", uuid=partner.uuid)
    return render(request, "outreach/staff/partner_deactivate.html", {"partner": partner})
