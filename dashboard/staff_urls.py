from django.urls import path

from . import staff_views

app_name = "dashboard_staff"

urlpatterns = [
    path("", staff_views.index, name="index"),
    path("kla/", staff_views.kla, name="kla"),
]
