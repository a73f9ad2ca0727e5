"""Named secret keys and restricted keys (`rk_test_…`): none / read / write per resource,
enforced on every /v1 route with Stripe's 403."""

import pytest

from api.permissions import resource_for_path
from core.exceptions import InvalidParameter
from merchants.models import API_KEY_RESOURCES, ApiKey
from merchants.services import api_key_create, api_key_revoke, api_key_roll
from tests.api.helpers import error_of
from tests.conftest import Api
from tests.test_tenancy import ROUTES, _api_routes


def restricted(owner, /, livemode: bool = False, **permissions: str) -> Api:
    """A restricted key of `owner` (an Account) with `permissions` by resource, `account`
    among them, hence positional."""
    issued = api_key_create(merchant=owner.merchant, livemode=livemode,
                            kind=ApiKey.Kind.RESTRICTED, name="Reporting",
                            permissions=permissions)
    return Api(issued.token)


def _assert_refused(response, resource: str | None, level: str) -> None:
    error = error_of(response, 403)
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("The provided key 'rk_test_")
    assert "does not have the required permissions for this endpoint" in error["message"]
    if resource is not None:
        assert f"'{resource}' {level} permission" in error["message"]


def test_a_restricted_key_reads_what_it_may_read_and_writes_nothing_else(account):
    # given a restricted key that may read customers
    api = restricted(account, customers="read")
    account.api().post("/v1/customers", {"email": "a@b.test"})

    # when it lists customers, it sees them
    listed = api.get("/v1/customers")
    assert listed.status_code == 200, listed.content
    assert len(listed.json()["data"]) == 1

    # but creating one, or reading payment intents, is Stripe's 403
    _assert_refused(api.post("/v1/customers", {"email": "c@d.test"}), "customers", "write")
    _assert_refused(api.get("/v1/payment_intents"), "payment_intents", "read")
    assert account.api().get("/v1/customers").json()["data"].__len__() == 1


def test_write_includes_read(account):
    # given a key that may write customers
    api = restricted(account, customers="write")
    # when it creates a customer and reads it back, both succeed
    created = api.post("/v1/customers", {"email": "a@b.test"})
    assert created.status_code == 200, created.content
    shown = api.get(f"/v1/customers/{created.json()['id']}")
    assert shown.status_code == 200, shown.content


def test_a_restricted_key_is_a_secret_key_of_its_mode_and_merchant(account, other_account):
    # given a restricted key of another merchant that may read customers
    account.api().post("/v1/customers", {"email": "mine@b.test"})
    theirs = restricted(other_account, customers="read")
    # then it sees none of this merchant's customers
    assert theirs.get("/v1/customers").json()["data"] == []
    # and its token says what it is
    assert theirs.key.startswith("rk_test_")
    live = restricted(account, livemode=True, customers="read")
    assert live.key.startswith("rk_live_")


def test_a_rolled_restricted_key_keeps_its_name_and_permissions(account):
    api = restricted(account, customers="read")
    key = ApiKey.objects.get(kind=ApiKey.Kind.RESTRICTED, merchant=account.merchant)
    # when it is rolled
    issued = api_key_roll(key_id=key.id, merchant=account.merchant)
    # then the new key is restricted in the same way, under the same name
    assert issued.token.startswith("rk_test_")
    assert (issued.key.name, issued.key.permissions) == ("Reporting", {"customers": "read"})
    new = Api(issued.token)
    assert new.get("/v1/customers").status_code == 200
    _assert_refused(new.post("/v1/customers", {"email": "x@y.test"}), "customers", "write")
    # and the old one works until it expires
    assert api.get("/v1/customers").status_code == 200


def test_a_revoked_restricted_key_no_longer_authenticates(account):
    api = restricted(account, customers="read")
    key = ApiKey.objects.get(kind=ApiKey.Kind.RESTRICTED, merchant=account.merchant)
    api_key_revoke(key_id=key.id, merchant=account.merchant)
    assert error_of(api.get("/v1/customers"), 401)["message"].startswith("Invalid API Key")


def test_named_secret_keys_reach_everything(account):
    issued = api_key_create(merchant=account.merchant, livemode=False,
                            kind=ApiKey.Kind.SECRET, name="Billing server",
                            permissions={"customers": "read"})
    assert issued.token.startswith("sk_test_")
    assert issued.key.name == "Billing server" and issued.key.permissions == {}
    api = Api(issued.token)
    assert api.post("/v1/customers", {"email": "a@b.test"}).status_code == 200


@pytest.mark.parametrize(("kind", "name", "permissions", "param"), [
    (ApiKey.Kind.RESTRICTED, "", {"customers": "read"}, "name"),
    (ApiKey.Kind.RESTRICTED, "x" * 101, {"customers": "read"}, "name"),
    (ApiKey.Kind.RESTRICTED, "Ops", {"spaceships": "read"}, "permissions"),
    (ApiKey.Kind.RESTRICTED, "Ops", {"customers": "admin"}, "permissions"),
    (ApiKey.Kind.RESTRICTED, "Ops", {"customers": "none"}, "permissions"),
    (ApiKey.Kind.PUBLISHABLE, "Ops", {}, "kind"),
])
def test_bad_keys_are_refused_and_nothing_is_issued(account, kind, name, permissions, param):
    before = ApiKey.objects.count()
    with pytest.raises(InvalidParameter) as raised:
        api_key_create(merchant=account.merchant, livemode=False, kind=kind, name=name,
                       permissions=permissions)
    assert raised.value.param == param
    assert ApiKey.objects.count() == before


# -- every route -------------------------------------------------------------------------

def test_every_api_route_names_its_resource():
    # given every (method, path) the URL resolver serves under /v1 (the tenancy table's walk)
    served = _api_routes()
    assert served
    # then each one belongs to a resource a restricted key can be granted
    unnamed = {route for route in served
               if resource_for_path(route.split(" ", 1)[1]) not in API_KEY_RESOURCES}
    assert unnamed == set(), "map these routes' segments in api.permissions"


@pytest.mark.parametrize("route", ROUTES, ids=[str(r) for r in ROUTES])
def test_every_route_refuses_a_restricted_key_without_its_permission(route, account):
    # given a restricted key granted every resource but this route's
    resource = resource_for_path(route.path)
    level = "read" if route.method == "GET" else "write"
    others = {r: "write" for r in API_KEY_RESOURCES if r != resource}
    if level == "write":
        others[resource] = "read"  # read alone does not allow a write
    api = restricted(account, **others)
    # when it calls the route (its object need not exist: permissions come first)
    response = getattr(api, route.method.lower())(route.path.replace("{id}", "x_missing"))
    # then it is Stripe's 403, naming the permission that would allow it
    _assert_refused(response, resource, level)


# -- expand[] reads what it expands ---------------------------------------------------------

def _expansion_refused(response, object_name: str, resource: str) -> None:
    error = error_of(response, 403)
    assert f"to expand {object_name} objects" in error["message"]
    assert f"'{resource}' read permission" in error["message"]


def test_expanding_an_object_needs_read_on_its_resource(account):
    # given a payment of a customer, and a key that may read payment intents only
    owner = account.api()
    customer = owner.post("/v1/customers", {"email": "jenny@example.test"}).json()
    intent = owner.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "customer": customer["id"],
        "payment_method": "pm_card_visa", "confirm": "true"}).json()
    api = restricted(account, payment_intents="read")

    # when it reads the payment, it sees the customer's id; expanding it is Stripe's 403
    shown = api.get(f"/v1/payment_intents/{intent['id']}")
    assert shown.status_code == 200 and shown.json()["customer"] == customer["id"]
    _expansion_refused(api.get(f"/v1/payment_intents/{intent['id']}",
                               {"expand": ["customer"]}), "customer", "customers")
    # in a list as well, and at every step of a deeper path
    _expansion_refused(api.get("/v1/payment_intents", {"expand": ["data.customer"]}),
                       "customer", "customers")
    charges = restricted(account, payment_intents="read", charges="read")
    _expansion_refused(charges.get(f"/v1/payment_intents/{intent['id']}",
                                   {"expand": ["latest_charge.balance_transaction"]}),
                       "balance_transaction", "balance")

    # then with read on the customers it expands them
    allowed = restricted(account, payment_intents="read", customers="read")
    expanded = allowed.get(f"/v1/payment_intents/{intent['id']}", {"expand": ["customer"]})
    assert expanded.status_code == 200, expanded.content
    assert expanded.json()["customer"]["email"] == "jenny@example.test"


def test_a_write_whose_expansion_is_refused_changes_nothing(account):
    owner = account.api()
    customer = owner.post("/v1/customers", {"email": "jenny@example.test"}).json()
    api = restricted(account, payment_intents="write")

    response = api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "customer": customer["id"],
        "expand": ["customer"]})

    _expansion_refused(response, "customer", "customers")
    assert owner.get("/v1/payment_intents").json()["data"] == []


def test_every_expandable_object_has_a_resource():
    from api.objects import ExpandableField, ExpandHost
    from api.permissions import RESOURCE_OF_OBJECT

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    targets = {field.target.object_name
               for serializer in subclasses(ExpandHost)
               for field in serializer._declared_fields.values()
               if isinstance(field, ExpandableField)}

    assert targets
    assert sorted(targets - RESOURCE_OF_OBJECT.keys()) == []
    assert set(RESOURCE_OF_OBJECT.values()) <= set(API_KEY_RESOURCES)
