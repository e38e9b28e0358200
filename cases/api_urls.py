"""The case management API, mounted at api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
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
