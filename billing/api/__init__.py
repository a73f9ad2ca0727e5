"""Billing on the wire. Importing the package registers every resource's serializer as the
wire renderer of its model (api.apps imports each app's `api` at start-up); each resource's
module holds its own routes (included by api/urls.py)."""

from billing.api import plans, prices, products  # noqa: F401
