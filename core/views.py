from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import login_and_second_factor_required

from . import health
from .models import WorkerHeartbeat


@require_GET
def home(request):
    return render(request, "core/home.html")


@login_and_second_factor_required
def staff_home(request):
    return render(request, "core/staff_home.html")


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    failed = {name: reason for name, check in health.CHECKS.items() if (reason := check()) is not None}
    body = {
        "status": "fail" if failed else "ok",
        "checks": {name: failed.get(name, "ok") for name in health.CHECKS},
        "failed": sorted(failed),
    }
    if "database" not in failed:
        last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        # Informational: a worker may legitimately be starting; it does not fail readiness.
        body["worker_last_seen_seconds"] = None if last is None else int((timezone.now() - last).total_seconds())
    return JsonResponse(body, status=503 if failed else 200)
