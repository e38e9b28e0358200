from django.urls import path

from . import api

urlpatterns = [
    path("sessions/", api.SessionListLogAPI.as_view(), name="api-outreach-sessions"),
    path("sessions/<uuid:uuid>/", api.SessionDetailAPI.as_view(), name="api-outreach-session"),
    path("groups/", api.GroupListRegisterAPI.as_view(), name="api-outreach-groups"),
    path("groups/<uuid:uuid>/", api.GroupDetailAPI.as_view(), name="api-outreach-group"),
    path("forum-activities/", api.ForumActivityListLogAPI.as_view(), name="api-outreach-forum-activities"),
]
