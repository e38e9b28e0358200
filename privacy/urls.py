from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privasi/", views.notice, name="notice"),
    path("privasi/anak/", views.notice_child, name="notice_child"),
    path("staf/privasi/permintaan/", views.request_list, name="requests"),
    path("staf/privasi/permintaan/baru/", views.request_create, name="request_create"),
    path("staf/privasi/permintaan/<uuid:uuid>/", views.request_detail, name="request"),
    path("staf/privasi/permintaan/<uuid:uuid>/status/", views.request_update, name="request_update"),
    path("staf/privasi/insiden/", views.breach_list, name="breaches"),
    path("staf/privasi/insiden/baru/", views.breach_create, name="breach_create"),
    path("staf/privasi/insiden/<uuid:uuid>/", views.breach_detail, name="breach"),
    path("staf/privasi/insiden/<uuid:uuid>/pemberitahuan/", views.breach_notify, name="breach_notify"),
    path("staf/privasi/insiden/<uuid:uuid>/ubah/", views.breach_update, name="breach_update"),
    path("staf/privasi/insiden/<uuid:uuid>/tutup/", views.breach_close, name="breach_close"),
    path("staf/privasi/audit/", views.audit_list, name="audit"),
]
