from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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


class PrivateNoStoreMiddleware:
    """Nothing shown to a logged-in person is kept by a browser or a cache on the way: staff pages,
    API answers, exports and downloads carry identities and case content, and even a page that
    does not still names who is logged in. `private, no-store` on every answer to a logged-in
    request, whatever the view set (a public page's `public, max-age` too). The reporter's own
    pages are never cached either, by core.decorators.anonymous_page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: an API view may have logged the user in (request.user is then theirs).
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
