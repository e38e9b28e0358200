from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("lapor/", views.report_form, name="form"),
    path("lapor/status/", views.report_status, name="status"),
    path("relawan/lapor/", views.volunteer_report_form, name="volunteer_form"),
    path("staf/pengaduan/baru/", views.staff_intake, name="intake"),
]
