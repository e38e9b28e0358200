from django.urls import path

from . import staff_views

app_name = "outreach_staff"

urlpatterns = [
    path("", staff_views.coverage, name="coverage"),
    path("sasaran/", staff_views.targeting, name="targeting"),
    path("ekspor/sesi.csv", staff_views.export_sessions, name="export_sessions"),
    path("ekspor/kelompok.csv", staff_views.export_groups, name="export_groups"),
    path("forum-anak/", staff_views.forum_list, name="forum"),
    path("forum-anak/catat/", staff_views.forum_record, name="forum_record"),
    path("mitra/", staff_views.partner_list, name="partners"),
    path("mitra/baru/", staff_views.partner_register, name="partner_register"),
    path("mitra/<uuid:uuid>/", staff_views.partner_detail, name="partner"),
    path("mitra/<uuid:uuid>/kegiatan/", staff_views.partner_activity_log, name="partner_activity_log"),
    path("mitra/<uuid:uuid>/nonaktifkan/", staff_views.partner_deactivate, name="partner_deactivate"),
]
