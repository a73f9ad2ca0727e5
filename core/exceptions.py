"""The domain's exceptions: what a service refuses, and why, in the domain's own terms.

They know nothing of HTTP. `api.errors` maps each class onto Stripe's envelope (type, status)
in one place; the dashboard shows `message`. Objects a caller may want to see with the error
(the payment intent a decline left behind, the charge) travel as `related` model instances
or ids and are rendered by the wire, never here.
"""

from typing import Any


class DomainError(Exception):
    """A refusal with a message for people, Stripe's `code` and the offending `param`.

    `related`: objects the error is about (`payment_intent=intent`, `charge="ch_…"`), shown
    beside the error on the wire."""

    default_code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None,
                 **related: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.param = param
        self.related = related


class InvalidParameter(DomainError):
    """The input itself is wrong: refused before anything was done or decided."""


class InvalidRequest(DomainError):
    """A well-formed request that the objects it names refuse (already attached, over the
    refundable amount, no payment method): decided while executing it."""


class InvalidState(InvalidRequest):
    """The object's status does not allow the action (a canceled intent cannot be
    confirmed)."""


class NotFound(DomainError):
    """No such object for this merchant and mode (another merchant's or mode's is none)."""

    default_code = "resource_missing"


class ObjectBusy(DomainError):
    """Another request or Till process is moving the object right now: retry shortly."""

    default_code = "lock_timeout"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or LOCK_TIMEOUT, **kwargs)


LOCK_TIMEOUT = ("This object cannot be accessed right now because another API request or "
                "Stripe process is currently accessing it. If you see this error "
                "intermittently, retry the request. If you see this error frequently and are "
                "making multiple concurrent requests to a single object, make your requests "
                "serially or at a lower rate.")


class SecretKeyRequired(DomainError):
    """Only the merchant's server (a secret key) may do this, not a browser's client secret."""

    default_code = "secret_key_required"


class NotPermitted(DomainError):
    """The actor may not do this (a role, a restricted key, approving one's own request)."""


class ServiceUnavailable(DomainError):
    """A service Till depends on (the payment processor) did not answer. Nothing was
    half-applied: what was in flight is asked again by the recovery sweeps; retry later."""


class CardError(DomainError):
    """The card was refused: invalid details (`incorrect_number`, `expired_card`) or a
    decline by the bank or the fraud screen (`card_declined` with its `decline_code`)."""

    def __init__(self, message: str, *, code: str, param: str | None = None,
                 decline_code: str | None = None, advice_code: str | None = None,
                 **related: Any) -> None:
        super().__init__(message, code=code, param=param, **related)
        self.decline_code = decline_code
        self.advice_code = advice_code


class PaymentDeclined(CardError):
    """The processor declined a payment or a card check; the intent records the decline."""

