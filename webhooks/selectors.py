from django.db.models import QuerySet

from api.errors import NotFoundError
from merchants.models import Merchant
from webhooks.models import Event


def event_list(*, merchant: Merchant, livemode: bool, type: str | None = None,  # noqa: A002
               types: list[str] | None = None) -> QuerySet[Event]:
    events = Event.objects.filter(merchant=merchant, livemode=livemode)
    if type:
        # Stripe accepts one wildcard: `customer.*`
        events = (events.filter(type__startswith=type[:-1]) if type.endswith(".*")
                  else events.filter(type=type))
    if types:
        events = events.filter(type__in=types)
    return events


def event_get(*, id: str, merchant: Merchant, livemode: bool) -> Event:  # noqa: A002
    event = Event.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if event is None:
        raise NotFoundError(f"No such event: '{id}'", param="id")
    return event
