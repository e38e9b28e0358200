from django.urls import path

from . import case_views as views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<uuid:uuid>/", views.case_detail, name="detail"),
    path("<uuid:uuid>/akses/", views.case_access_log, name="access_log"),
    path("<uuid:uuid>/asesmen/", views.assess, name="assess"),
    path("<uuid:uuid>/lanjut/", views.advance, name="advance"),
    path("<uuid:uuid>/anak/", views.add_child, name="add_child"),
    path("<uuid:uuid>/pelaku/", views.add_perpetrator, name="add_perpetrator"),
    path("<uuid:uuid>/layanan/", views.plan_service, name="plan_service"),
    path("<uuid:uuid>/layanan/<uuid:service_uuid>/", views.service_detail, name="service"),
    path("<uuid:uuid>/pemantauan/", views.record_follow_up, name="follow_up"),
    path("<uuid:uuid>/catatan/", views.add_note, name="add_note"),
    path("<uuid:uuid>/laporan/<uuid:report_uuid>/pesan/", views.reporter_message, name="reporter_message"),
    path("<uuid:uuid>/penutupan/", views.request_closure, name="request_closure"),
    path("<uuid:uuid>/penutupan/keputusan/", views.decide_closure, name="decide_closure"),
    path("<uuid:uuid>/buka-kembali/", views.reopen, name="reopen"),
    path("<uuid:uuid>/petugas/", views.assign, name="assign"),
]
