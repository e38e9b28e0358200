from functools import wraps

from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters


def is_cross_site_post(request) -> bool:
    """A POST that a browser sent from another site's page.

    Browsers say so in Sec-Fetch-Site; an Origin of another host says the same. A same-site
    post under "no-referrer" carries Origin "null", and programs (partners' servers) send
    neither header, so both pass.
    """
    if request.method != "POST":
        return False
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.split("://", 1)[-1] != request.get_host()
    return False


def anonymous_page(view):
    """For the reporter's pages: nothing cached, no referrer sent anywhere, no cookie set,
    and nothing they post shown on an error page.

    Django's CSRF check is off on purpose: it needs a cookie, which these pages must not
    set, and these pages act for nobody logged in, so a forged post can do nothing a
    stranger could not do directly. What a forged post could still do, spend a school's
    shared rate limit from its visitors' browsers, is stopped by refusing cross-site posts.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if is_cross_site_post(request):
            return HttpResponseForbidden()
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return csrf_exempt(never_cache(sensitive_post_parameters()(wrapped)))
