from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .decorators import anonymous_page

# Where the quick exit leads: a page anyone could be reading, answered by another site.
QUICK_EXIT_DESTINATION = "https://www.google.com/search?q=cuaca+balikpapan+hari+ini"


@anonymous_page
@require_GET
def home(request):
    return render(request, "core/home.html")


@anonymous_page
@require_GET
def leave(request):
    """The quick exit (templates/base.html), on to QUICK_EXIT_DESTINATION by a refresh in the page
    (templates/core/leave.html), which works without JavaScript and takes this page's place in the
    history. With JavaScript, static/js/quick-exit.js puts this in the place of the page in the history.
    Without it, Back leads to the page the person left; that page is never stored (anonymous_page:
    no-store) and its form keeps nothing typed (autocomplete="off"), so it comes back empty. On
    the way, Clear-Site-Data drops whatever of this site the browser still holds, the
    back/forward cache included, where browsers keep even no-store pages now.
    """
    response = render(request, "core/leave.html", {"destination": QUICK_EXIT_DESTINATION})
    response["Clear-Site-Data"] = '"cache"'
    return response


@require_GET
def language(request, code):
    """Switch language with a plain link: no form, so no CSRF cookie on public pages.

    Only the chosen language is stored, in a cookie that identifies nobody.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    # Until the browser closes: a lasting cookie would be a trace of the visit on a phone
    # that someone else may look at.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """503 "fail" when the database is down: this process cannot keep a report.

    200 "degraded" when it can serve but something it promises has stopped: the cache or the
    broker is unreachable, the worker is gone, alerts are stuck or failing, the rate-limit store
    failed lately. Still 200 on purpose: a load balancer that reads only the
    status code must keep this web process taking reports (they are stored, and go out once the
    worker is back); monitoring reads "status" and "degraded" in the body. Not cached: a few
    index reads per probe, and a cached answer would hide a recovery or a new failure."""
    failed = {name: reason for name, check in health.CHECKS.items() if (reason := check()) is not None}
    # Only the database stops this process from taking reports. Without the cache, limits are
    # counted in process memory (core.ratelimit); without the broker, alerts wait in the database
    # for the sweep. Both are named, as "degraded", so that no reporter is turned away for them.
    cannot_serve = "database" in failed
    body = {
        "status": "fail" if cannot_serve else "ok",
        "checks": {name: failed.get(name, "ok") for name in health.CHECKS},
        "failed": sorted(failed),
        "degraded": [f"{name}_unreachable" for name in sorted(failed) if name != "database"],
    }
    if not cannot_serve:
        now = timezone.now()
        last = health.worker_last_beat()
        body["worker_last_seen_seconds"] = None if last is None else int((now - last).total_seconds())
        if reason := health.worker_degradation(last, now=now):
            body["degraded"].append(reason)
        for name, check in health.DEGRADATION_CHECKS.items():
            degradation = check(now=now)
            body[name] = degradation.details
            body["degraded"] += degradation.reasons
        if body["degraded"]:
            body["status"] = "degraded"
    return JsonResponse(body, status=503 if cannot_serve else 200)
