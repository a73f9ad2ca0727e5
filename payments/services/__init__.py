"""Every write in payments, one module per object (DESIGN.md): customers, payment methods,
payment intents (with the one place their outcomes are recorded, and Till's own sweeps),
setup intents and test clocks. The functions are re-exported here, so callers write
`payments.services.payment_intent_confirm(...)`."""

from payments.services.capture_and_cancel import payment_intent_cancel, payment_intent_capture
from payments.services.charge_outcome_totals import charge_outcome_totals_roll
from payments.services.common import client_secret_check
from payments.services.customers import (
    customer_create,
    customer_default_payment_method_record,
    customer_delete,
    customer_discount_delete,
    customer_discount_record,
    customer_invoice_finalized,
    customer_update,
)
from payments.services.inbound_events import (
    inbound_event_apply,
    inbound_event_ids_due,
    inbound_event_receive,
)
from payments.services.legacy import (
    card_source_create,
    card_source_delete,
    card_source_update,
    charge_capture,
    charge_create,
    token_create,
)
from payments.services.payment_intent_changes import payment_intent_amount_set_locked
from payments.services.payment_intent_sweeps import (
    payment_intent_action_resolve,
    payment_intent_settle,
    payment_intents_clock_advance,
    payment_intents_expire_authorizations,
    payment_intents_recover,
    payment_intents_settle_due,
)
from payments.services.payment_intents import (
    ConfirmOptions,
    payment_intent_authenticate,
    payment_intent_confirm,
    payment_intent_create,
    payment_intent_update,
)
from payments.services.payment_methods import (
    CardInput,
    payment_method_attach,
    payment_method_check_usable,
    payment_method_create,
    payment_method_detach,
    payment_method_for_use,
    payment_method_from_processor,
    payment_method_update,
)
from payments.services.processor_connections import (
    inbound_url,
    processor_connect,
    processor_disconnect,
    processor_secrets_rotate,
)
from payments.services.receipts import (
    charge_receipt_number_assign,
    charge_receipt_send,
    receipt_send_on_commit,
    receipt_url,
)
from payments.services.setup_intents import (
    setup_intent_authenticate,
    setup_intent_cancel,
    setup_intent_confirm,
    setup_intent_create,
    setup_intent_update,
)
from payments.services.test_clocks import (
    test_clock_advance,
    test_clock_advance_run,
    test_clock_create,
    test_clock_delete,
    test_clocks_delete_expired,
    test_clocks_resume,
)

__all__ = [
    "charge_outcome_totals_roll",
    "card_source_create", "card_source_delete", "card_source_update", "charge_capture",
    "charge_create", "token_create",
    "charge_receipt_number_assign",
    "charge_receipt_send",
    "receipt_send_on_commit",
    "receipt_url",
    "CardInput", "ConfirmOptions", "client_secret_check", "customer_create", "customer_delete",
    "customer_default_payment_method_record", "customer_discount_delete",
    "customer_discount_record",
    "customer_invoice_finalized", "customer_update", "inbound_event_apply",
    "inbound_event_ids_due", "inbound_event_receive", "inbound_url",
    "payment_intent_action_resolve", "payment_intent_amount_set_locked",
    "payment_intent_authenticate",
    "payment_intent_cancel", "payment_intent_capture", "payment_intent_confirm",
    "payment_intent_create", "payment_intent_settle", "payment_intent_update",
    "payment_intents_clock_advance", "payment_intents_expire_authorizations",
    "payment_intents_recover", "payment_intents_settle_due", "payment_method_attach",
    "payment_method_check_usable", "payment_method_create", "payment_method_detach",
    "payment_method_for_use", "payment_method_from_processor", "payment_method_update",
    "processor_connect", "processor_disconnect", "processor_secrets_rotate",
    "setup_intent_authenticate", "setup_intent_cancel", "setup_intent_confirm",
    "setup_intent_create", "setup_intent_update", "test_clock_advance", "test_clock_advance_run",
    "test_clock_create", "test_clock_delete", "test_clocks_delete_expired", "test_clocks_resume",
]
