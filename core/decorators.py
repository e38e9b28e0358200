from functools import wraps

from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


def anonymous_page(view):
    """For the reporter's pages: nothing cached, no referrer sent anywhere, no cookie set.

    CSRF protection is off on purpose: these pages act for nobody logged in (no session, no
    cookie), so a forged request can do nothing a stranger could not do directly; and the
    CSRF check needs a cookie plus a same-origin Referer/Origin, which "no-referrer"
    withholds. Rate limits and the receipt code protect them instead.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return csrf_exempt(never_cache(wrapped))
