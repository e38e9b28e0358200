from django.conf import settings
from django.utils import translation


class CookieLocaleMiddleware:
    """Indonesian first: the language is the one the person chose with the switch, else
    Indonesian. The browser's Accept-Language is not followed, because many phones here are
    set to English while their owners read Indonesian best."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """No page of ours may use the camera, microphone or location: a child's phone must
    never be asked for them here (files are chosen with the ordinary file picker)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
