"""The triage API, mounted at api/v1/. GET /api/v1/reports/ (the inbox, api.ReportListAPI) shares
its address with the reporter's POST and is routed in balikpapan_kla/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("reports/<uuid:uuid>/", api.ReportDetailAPI.as_view(), name="api-report-detail"),
    path("reports/<uuid:uuid>/acknowledge/", api.ReportAcknowledgeAPI.as_view(), name="api-report-acknowledge"),
    path("reports/<uuid:uuid>/message/", api.ReportStaffMessageAPI.as_view(), name="api-report-staff-message"),
    path("reports/<uuid:uuid>/priority/", api.ReportPriorityAPI.as_view(), name="api-report-priority"),
    path("reports/<uuid:uuid>/duplicate/", api.ReportDuplicateAPI.as_view(), name="api-report-duplicate"),
    path("reports/<uuid:uuid>/reject/", api.ReportRejectAPI.as_view(), name="api-report-reject"),
    path("reports/<uuid:uuid>/accept/", api.ReportAcceptAPI.as_view(), name="api-report-accept"),
]
