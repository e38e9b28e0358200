from django.urls import path

from . import export_views

app_name = "dashboard_export"

urlpatterns = [
    path("", export_views.index, name="index"),
    path("unduh/", export_views.download, name="download"),
]
