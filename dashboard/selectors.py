"""Reads only the dashboard makes.

`event_list_for_payment` belongs with the other event reads in webhooks/selectors.py; it is
here because that file is being changed elsewhere at the moment. Move it there when it is
free.
"""

from django.db.models import Q, QuerySet

from merchants.models import Merchant
from webhooks.models import Event


def event_list_for_payment(*, merchant: Merchant, livemode: bool,
                           payment_intent_id: str) -> QuerySet[Event]:
    """The events about a payment and everything hanging off it, newest first, in one
    query: the intent's own (`data.object.id`), and its charges', refunds' and disputes',
    whose objects name it in `data.object.payment_intent` as Stripe's do."""
    return (Event.objects.filter(merchant=merchant, livemode=livemode)
            .filter(Q(data__object__id=payment_intent_id)
                    | Q(data__object__payment_intent=payment_intent_id))
            .order_by("-created", "-id"))
