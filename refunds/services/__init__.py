"""Every write in refunds, one module per use: refunds themselves (create, settle, update,
cancel), releases of uncaptured authorizations, approvals, and batches. Re-exported here,
so callers write `refunds.services.refund_create(...)`."""

from refunds.services.approvals import (
    refund_approval_threshold_clear,
    refund_approval_threshold_set,
    refund_approve,
    refund_reject,
)
from refunds.services.batches import (
    BATCH_CHUNK_SIZE,
    BATCH_MAX_ITEMS,
    BATCH_RESUME_AFTER,
    RefundRequest,
    refund_batch_create,
    refund_batch_process,
    refund_batches_resume,
)
from refunds.services.reconciliation import (
    reconciliation_run,
    reconciliations_run_daily,
)
from refunds.services.refunds import (
    refund_accept,
    refund_cancel,
    refund_create,
    refund_settle,
    refund_update,
    refunds_settle_due,
)

__all__ = [
    "BATCH_CHUNK_SIZE", "BATCH_MAX_ITEMS", "BATCH_RESUME_AFTER", "RefundRequest", "refund_accept",
    "refund_approval_threshold_clear",
    "refund_approval_threshold_set",
    "reconciliation_run", "reconciliations_run_daily",
    "refund_approve", "refund_batch_create", "refund_batch_process", "refund_batches_resume",
    "refund_cancel", "refund_create", "refund_reject", "refund_settle", "refund_update",
    "refunds_settle_due",
]
