"""Checkout on the wire. Importing the package registers every resource's serializer as the
wire renderer of its model (api.apps imports each app's `api` at start-up); each resource's
module holds its own routes (included by api/urls.py)."""

from checkout.api import payment_links, portal, sessions  # noqa: F401
