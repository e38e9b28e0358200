from django.urls import path

from . import staff_views

app_name = "outreach_staff"

urlpatterns = [
    path("", staff_views.coverage, name="coverage"),
    path("sasaran/", staff_views.targeting, name="targeting"),
    path("ekspor/sesi.csv", staff_views.export_sessions, name="export_sessions"),
    path("ekspor/kelompok.csv", staff_views.export_groups, name="export_groups"),
]
