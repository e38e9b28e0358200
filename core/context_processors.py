from django.conf import settings


def site(request):
    return {
        "STAFF_2FA_REQUIRED": settings.STAFF_2FA_REQUIRED,
        "DEMO_MODE": settings.DEBUG,
    }
