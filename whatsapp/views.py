"""The WhatsApp Business Cloud API webhook: thin, as every view (whatsapp.webhook does the work)."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from core.ratelimit import over_limit

from . import webhook

# Meta posts from many addresses: one limit for everybody, far above a city's traffic.
WEBHOOK_RATE_GLOBAL = "50/s"


@csrf_exempt
def whatsapp_webhook(request):
    if not settings.WHATSAPP_ENABLED:
        raise Http404
    if request.method == "GET":
        challenge = webhook.handshake_challenge(request.GET)
        if challenge is None:
            return HttpResponse(status=403, content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > webhook.BODY_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(webhook.BODY_MAX_BYTES + 1)
    if len(body) > webhook.BODY_MAX_BYTES:
        return HttpResponse(status=413)
    if not webhook.signature_valid(body, request.META.get(webhook.SIGNATURE_HEADER)):
        return HttpResponse(status=403)
    # Counted only once signed: unsigned posts cannot fill the limit and crowd Meta's deliveries out.
    if over_limit(request, group="whatsapp-webhook", client_rate=None, global_rate=WEBHOOK_RATE_GLOBAL, increment=True):
        return HttpResponse(status=429, headers={"Retry-After": "1"})
    try:
        data = webhook.parse(body)
    except webhook.MalformedBody:
        return HttpResponse(status=400)
    webhook.record(data)
    return HttpResponse("OK", content_type="text/plain")
