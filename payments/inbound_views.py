"""The inbound URL a connection's processor sends its events to (Stripe's webhooks): no
API key and no CSRF token (Stripe's signature is the authentication), POST only, answered
as soon as the event is stored; its application runs in Celery."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.exceptions import InvalidRequest, NotFound
from payments import services


@csrf_exempt
@require_POST
def stripe_events(request: HttpRequest, inbound_id: str) -> JsonResponse:
    try:
        event = services.inbound_event_receive(
            inbound_id=inbound_id, payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""))
    except NotFound as missing:
        return JsonResponse({"error": {"message": missing.message}}, status=404)
    except InvalidRequest as refused:
        # Stripe retries a 4xx as it does a 5xx; a bad signature is worth no more.
        return JsonResponse({"error": {"message": refused.message, "code": refused.code}},
                            status=400)
    return JsonResponse({"received": True, "id": event.event_id})
