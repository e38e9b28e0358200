"""The reporter's API, mounted at api/v1/. POST /api/v1/reports/ (the submission, api.ReportSubmitAPI)
shares its address with the staff inbox's GET and is routed in balikpapan_kla/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("reports/intake/", api.ReportIntakeAPI.as_view(), name="api-report-intake"),
    path("reports/status/", api.ReportStatusAPI.as_view(), name="api-report-status"),
    path("reports/messages/", api.ReportMessageAPI.as_view(), name="api-report-message"),
]
