"""The staff API, mounted at api/v1/. GET /api/v1/reports/ (the report inbox) is served by
reports.api.ReportSubmitAPI, whose POST is the anonymous submission at the same address."""

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
    path("cases/", api.CaseListAPI.as_view(), name="api-cases"),
    path("cases/<uuid:uuid>/", api.CaseDetailAPI.as_view(), name="api-case"),
    path("cases/<uuid:uuid>/transitions/", api.CaseTransitionAPI.as_view(), name="api-case-transitions"),
    path("cases/<uuid:uuid>/assign/", api.CaseAssignAPI.as_view(), name="api-case-assign"),
    path("cases/<uuid:uuid>/children/", api.CaseChildAddAPI.as_view(), name="api-case-children"),
    path("cases/<uuid:uuid>/services/", api.CaseServicePlanAPI.as_view(), name="api-case-services"),
    path(
        "cases/<uuid:uuid>/services/<uuid:service_uuid>/",
        api.CaseServiceUpdateAPI.as_view(),
        name="api-case-service",
    ),
    path("cases/<uuid:uuid>/follow-ups/", api.CaseFollowUpRecordAPI.as_view(), name="api-case-follow-ups"),
    path("cases/<uuid:uuid>/notes/", api.CaseNoteAddAPI.as_view(), name="api-case-notes"),
]
