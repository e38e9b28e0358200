from django.urls import path

from . import api

urlpatterns = [
    path("reports/", api.ReportSubmitAPI.as_view(), name="api-report-submit"),
    path("reports/status/", api.ReportStatusAPI.as_view(), name="api-report-status"),
    path("reports/messages/", api.ReportMessageAPI.as_view(), name="api-report-message"),
]
