"""Which processor moves a merchant's money in a mode.

Test mode: the simulated processor. Live mode: only a real processor the merchant has
connected; until one is, live payment requests fail with a clear error, never a simulated
success.
"""

from api.errors import InvalidRequestError
from merchants.models import Merchant
from payments.processors.base import Processor
from payments.processors.simulated import SimulatedProcessor

_SIMULATED = SimulatedProcessor()

LIVE_MODE_UNAVAILABLE = (
    "Live mode payments need a processor connected to your account, and none is. Use your "
    "test keys (sk_test_…) to take payments on Till's simulated processor.")


def processor_for(*, merchant: Merchant, livemode: bool) -> Processor:
    if livemode:
        raise InvalidRequestError(LIVE_MODE_UNAVAILABLE, code="livemode_processor_missing")
    return _SIMULATED
