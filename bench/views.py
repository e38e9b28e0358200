import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BaselineRow


@csrf_exempt
@require_POST
def baseline(request):
    """The bare-framework reference: parse a small JSON body, insert one row, answer 201."""
    data = json.loads(request.body)
    row = BaselineRow.objects.create(name=str(data["name"])[:100], value=int(data["value"]))
    return JsonResponse({"id": row.pk}, status=201)
