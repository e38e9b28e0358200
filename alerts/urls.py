from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("staf/notifikasi/", views.inbox, name="inbox"),
    path("staf/notifikasi/tandai-dibaca/", views.mark_all_read, name="mark_all_read"),
    path("staf/eskalasi/", views.overdue, name="overdue"),
    path("akun/notifikasi/", views.preferences, name="preferences"),
]
