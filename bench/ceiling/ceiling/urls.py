"""POST /v1/payment_intents: one INSERT, a small JSON answer. GET /healthz: 200."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ceiling.models import Payment


@csrf_exempt
def create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    payment = Payment.objects.create(
        amount=int(request.POST["amount"]), currency=request.POST["currency"],
        idempotency_key=request.headers.get("Idempotency-Key", ""))
    response = JsonResponse({"id": payment.pk, "object": "payment", "status": "succeeded"})
    response["Content-Length"] = str(len(response.content))
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain", headers={"Content-Length": "2"})


urlpatterns = [
    path("v1/payment_intents", create),
    path("healthz", healthz),
]
