from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.routing import by_method
from reports.api import ReportSubmitAPI
from triage.api import ReportListAPI

if settings.STAFF_2FA_REQUIRED:
    # The admin site then asks for the TOTP code too (django-otp's documented way).
    admin.site.__class__ = OTPAdminSite

# A database that is down answers 503, not a 500 (core.unavailable).
handler500 = "core.unavailable.server_error"

report_submit = ReportSubmitAPI.as_view()

urlpatterns = [
    path("", include("core.urls")),
    path("", include("reports.urls")),
    path("", include("outreach.urls")),
    path("staf/sosialisasi/", include("outreach.staff_urls")),
    # staf/notifikasi/, staf/eskalasi/ and akun/notifikasi/: one app across both prefixes.
    path("", include("alerts.urls")),
    # privasi/ (the notice) and staf/privasi/ (the registers, the audit trail): one app across both.
    path("", include("privacy.urls")),
    path("staf/dasbor/", include("dashboard.staff_urls")),
    path("staf/ekspor/", include("dashboard.export_urls")),
    path("statistik/", include("dashboard.public_urls")),
    path("staf/laporan/", include("triage.urls")),
    path("staf/kasus/", include("cases.case_urls")),
    # Meta's WhatsApp Business Cloud API webhook (404 while the channel is off).
    path("whatsapp/", include("whatsapp.urls")),
    # akun/ and staf/ itself (where staff land after logging in): one app across both prefixes.
    path("", include("accounts.urls")),
    # One address, two apps: the staff inbox (GET) and the reporter's submission (POST, anonymous,
    # which also answers OPTIONS and any other method).
    path(
        "api/v1/reports/",
        by_method(get=ReportListAPI.as_view(), post=report_submit, otherwise=report_submit),
        name="api-report-submit",
    ),
    path("api/v1/", include("reports.api_urls")),
    path("api/v1/", include("triage.api_urls")),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/outreach/", include("outreach.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
