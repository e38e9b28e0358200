from django.urls import path

from . import public_views

app_name = "dashboard_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("data.json", public_views.data, name="data"),
]
