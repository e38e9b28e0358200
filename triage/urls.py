from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:uuid>/", views.report_detail, name="report"),
    path("<uuid:uuid>/lampiran/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<uuid:uuid>/konfirmasi/", views.acknowledge, name="acknowledge"),
    path("<uuid:uuid>/pesan/", views.message, name="message"),
    path("<uuid:uuid>/prioritas/", views.change_priority, name="priority"),
    path("<uuid:uuid>/duplikat/", views.mark_duplicate, name="duplicate"),
    path("<uuid:uuid>/tolak/", views.reject, name="reject"),
    path("<uuid:uuid>/terima/", views.accept, name="accept"),
    path("<uuid:uuid>/gabung-kasus/", views.accept_into_case, name="accept_into_case"),
]
