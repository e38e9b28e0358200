from django.urls import path

from . import views

app_name = "accounts"

# Under akun/, and staf/ itself: the page every staff member lands on after logging in.
urlpatterns = [
    path("akun/masuk/", views.LoginView.as_view(), name="login"),
    path("akun/verifikasi/", views.verify, name="verify"),
    path("akun/2fa/pasang/", views.totp_setup, name="totp_setup"),
    path("akun/keluar/", views.LogoutView.as_view(), name="logout"),
    path("akun/keluar-cepat/", views.quick_exit, name="quick_exit"),
    path("akun/peran/", views.roles, name="roles"),
    path("akun/peran/atur-ulang-masuk/", views.login_reset, name="login_reset"),
    path("akun/sandi-baru/", views.password_choose, name="password_choose"),
    path("staf/", views.staff_home, name="staff_home"),
]
