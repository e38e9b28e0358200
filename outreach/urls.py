from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("relawan/", views.home, name="home"),
    path("relawan/sesi/", views.session_list, name="sessions"),
    path("relawan/sesi/baru/", views.session_create, name="session_create"),
    path("relawan/sesi/<uuid:uuid>/ubah/", views.session_edit, name="session_edit"),
    path("relawan/kelompok/", views.groups, name="groups"),
    path("relawan/kelompok/<uuid:uuid>/ubah/", views.group_edit, name="group_edit"),
    path("relawan/forum-anak/", views.forum_activities, name="forum"),
    path("staf/sesi-sosialisasi/<uuid:uuid>/", views.session_detail, name="session_detail"),
    path("staf/sesi-sosialisasi/<uuid:uuid>/buka-kunci/", views.session_unlock, name="session_unlock"),
]
