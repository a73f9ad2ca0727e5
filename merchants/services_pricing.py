"""The merchant's pricing and payout settings: what Till takes of each card payment, and
when the merchant's money goes to its bank; each change recorded in the audit trail."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.actor import Actor
from core.context import request_id_var
from core.db import insert
from core.exceptions import InvalidParameter
from core.models import StatusChange
from merchants.models import Merchant
from merchants.selectors import merchant_get_locked

PRICING_FIELDS = ("card_fee_percent", "card_fee_fixed", "payout_delay_days", "payout_schedule")


def _setting_changes(before: Merchant, after: Merchant) -> list[tuple[str, str]]:
    """What changed between two versions of the pricing and payout settings, one
    (`field:old`, `field:new`) pair per value; a fixed fee per currency (`card_fee_fixed.usd`,
    `-` where there was none), so each fits the audit record."""
    changes = []
    for name in PRICING_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if name == "card_fee_fixed":
            for currency in sorted(set(old) | set(new)):
                if old.get(currency) != new.get(currency):
                    changes.append((f"{name}.{currency}:{old.get(currency, '-')}",
                                    f"{name}.{currency}:{new.get(currency, '-')}"))
        elif str(old) != str(new):
            changes.append((f"{name}:{old}", f"{name}:{new}"))
    return changes


def merchant_pricing_set(*, merchant: Merchant, livemode: bool, actor: Actor,
                         card_fee_percent: Decimal, card_fee_fixed: dict[str, int],
                         payout_delay_days: int, payout_schedule: str) -> Merchant:
    """Sets the card pricing (a percentage and a fixed fee per currency, booked as each new
    charge's fee) and the payouts (how many days a captured payment stays pending, and
    whether automatic payouts run daily or only manually). Checked by the model's own
    validators, refused as InvalidParameter naming the field (changing nothing). Under the
    merchant's lock; each value changed is recorded in the audit trail (the merchant's
    timeline in `livemode`, the mode it was changed from) as `actor`'s. Charges already
    booked keep their fee and availability."""
    values = {"card_fee_percent": card_fee_percent, "card_fee_fixed": dict(card_fee_fixed),
              "payout_delay_days": payout_delay_days, "payout_schedule": payout_schedule}
    candidate = Merchant(**values)
    try:
        candidate.clean_fields(exclude=[field.name for field in Merchant._meta.fields
                                        if field.name not in PRICING_FIELDS])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise InvalidParameter(f"Invalid {name}: {' '.join(messages)}", param=name) from exc
    # As stored (3 decimal places): 1.5 and 1.500 are the same setting.
    candidate.card_fee_percent = candidate.card_fee_percent.quantize(Decimal("0.001"))
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        before = Merchant(**{name: getattr(locked, name) for name in PRICING_FIELDS})
        for name in PRICING_FIELDS:
            setattr(locked, name, getattr(candidate, name))
        changes = _setting_changes(before, locked)
        if changes:
            locked.save(update_fields=list(PRICING_FIELDS))
            insert(*(StatusChange(merchant_id=locked.pk, livemode=livemode,
                                  object_id=locked.pk, source=source, target=target,
                                  actor=actor.id, request_id=request_id_var.get())
                     for source, target in changes))
    for name in PRICING_FIELDS:
        setattr(merchant, name, getattr(locked, name))
    return merchant
