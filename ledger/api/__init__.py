"""The ledger on the wire. Importing the package registers every serializer as the wire
renderer of its model (api.apps imports each app's `api` at start-up); each module holds its
own routes (included by api/urls.py)."""

from ledger.api import balance, payouts  # noqa: F401
