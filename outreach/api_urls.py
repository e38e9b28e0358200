from django.urls import path

from . import api

urlpatterns = [
    path("sessions/", api.SessionListLogAPI.as_view(), name="api-outreach-sessions"),
    path("sessions/<uuid:uuid>/", api.SessionDetailAPI.as_view(), name="api-outreach-session"),
    path("groups/", api.GroupListRegisterAPI.as_view(), name="api-outreach-groups"),
    path("groups/<uuid:uuid>/", api.GroupDetailAPI.as_view(), name="api-outreach-group"),
    path("forum-activities/", api.ForumActivityListLogAPI.as_view(), name="api-outreach-forum-activities"),
    path("partners/", api.PartnerListRegisterAPI.as_view(), name="api-outreach-partners"),
    path("partners/<uuid:uuid>/", api.PartnerDetailAPI.as_view(), name="api-outreach-partner"),
    path(
        "partners/<uuid:uuid>/deactivate/", api.PartnerDeactivateAPI.as_view(), name="api-outreach-partner-deactivate"
    ),
    path(
        "partners/<uuid:uuid>/activities/",
        api.PartnerActivityListLogAPI.as_view(),
        name="api-outreach-partner-activities",
    ),
]
