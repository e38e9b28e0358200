from django.urls import path

from . import triage_views

app_name = "triage"

urlpatterns = [
    path("", triage_views.inbox, name="inbox"),
    path("<uuid:uuid>/", triage_views.report_detail, name="report"),
    path("<uuid:uuid>/lampiran/<int:attachment_id>/", triage_views.attachment_download, name="attachment"),
    path("<uuid:uuid>/konfirmasi/", triage_views.acknowledge, name="acknowledge"),
    path("<uuid:uuid>/pesan/", triage_views.message, name="message"),
    path("<uuid:uuid>/prioritas/", triage_views.change_priority, name="priority"),
    path("<uuid:uuid>/duplikat/", triage_views.mark_duplicate, name="duplicate"),
    path("<uuid:uuid>/tolak/", triage_views.reject, name="reject"),
    path("<uuid:uuid>/terima/", triage_views.accept, name="accept"),
    path("<uuid:uuid>/gabung-kasus/", triage_views.accept_into_case, name="accept_into_case"),
]
