import factory
from django.utils import timezone

from payments.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer written straight to the table, for lists that need many or exact times."""

    class Meta:
        model = Customer

    livemode = False
    created = factory.LazyFunction(timezone.now)
    email = factory.Sequence(lambda n: f"customer{n}@shop.test")
