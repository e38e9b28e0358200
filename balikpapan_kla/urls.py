from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView

if settings.STAFF_2FA_REQUIRED:
    # The admin site then asks for the TOTP code too (django-otp's documented way).
    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("core.urls")),
    path("akun/", include("accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
