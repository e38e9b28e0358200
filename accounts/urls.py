from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("verifikasi/", views.verify, name="verify"),
    path("2fa/pasang/", views.totp_setup, name="totp_setup"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("peran/", views.roles, name="roles"),
    path("peran/atur-ulang-masuk/", views.login_reset, name="login_reset"),
    path("sandi-baru/", views.password_choose, name="password_choose"),
]
