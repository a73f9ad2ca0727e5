from django.db.models import QuerySet

from api.errors import NotFoundError
from merchants.models import Merchant
from payments.models import Customer


def customer_list(*, merchant: Merchant, livemode: bool, email: str | None = None
                  ) -> QuerySet[Customer]:
    customers = Customer.objects.filter(merchant=merchant, livemode=livemode,
                                        deleted_at__isnull=True)
    if email is not None:
        customers = customers.filter(email=email)
    return customers


def _missing(id: str) -> NotFoundError:  # noqa: A002
    return NotFoundError(f"No such customer: '{id}'", param="id")


def customer_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 include_deleted: bool = False) -> Customer:
    """A customer of this merchant and mode; another's, or the other mode's, is a 404."""
    customer = Customer.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if customer is None or (customer.deleted_at and not include_deleted):
        raise _missing(id)
    return customer


def customer_get_locked(*, id: str, merchant: Merchant, livemode: bool) -> Customer:  # noqa: A002
    customer = (Customer.objects.select_for_update(of=("self",))
                .filter(pk=id, merchant=merchant, livemode=livemode,
                        deleted_at__isnull=True).first())
    if customer is None:
        raise _missing(id)
    return customer
