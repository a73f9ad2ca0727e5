"""Who may do what: dashboard/access.py's rules, each refusing with its own words before the
view looks at anything, and the names the templates ask of `current` kept real."""

import re
from html import escape
from pathlib import Path

import pytest

from dashboard import access
from dashboard.access import Current

ROOT = Path(__file__).resolve().parents[2]

# Every guarded page or action, with the rule it names. The ids need not exist: the rule is
# checked before anything is looked up.
GUARDED = [
    ("post", "/keys/key_x/roll/", access.KEY_ROLL),
    ("get", "/keys/key_x/revoke/", access.KEY_REVOKE),
    ("post", "/keys/key_x/revoke/", access.KEY_REVOKE),
    ("post", "/developers/keys/new/", access.KEY_CREATE),
    ("get", "/webhooks/new/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/new/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/we_x/roll/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/we_x/disable/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/we_x/enable/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("get", "/webhooks/we_x/delete/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/we_x/delete/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/webhooks/we_x/deliveries/wd_x/resend/", access.WEBHOOK_ENDPOINT_CHANGE),
    ("post", "/payments/pi_x/capture/", access.PAYMENT_CAPTURE_OR_CANCEL),
    ("post", "/payments/pi_x/cancel/", access.PAYMENT_CAPTURE_OR_CANCEL),
    ("post", "/payments/pi_x/refund/", access.PAYMENT_REFUND),
    ("post", "/refunds/re_x/approve/", access.REFUND_DECIDE),
    ("post", "/refunds/re_x/reject/", access.REFUND_DECIDE),
    ("post", "/refunds/settings/", access.REFUND_DECIDE),
    ("post", "/settings/dunning/", access.BILLING_SETTINGS_CHANGE),
    ("post", "/settings/upcoming/", access.BILLING_SETTINGS_CHANGE),
    ("post", "/settings/brand/", access.BILLING_SETTINGS_CHANGE),
    ("post", "/settings/logo/", access.BILLING_SETTINGS_CHANGE),
    ("post", "/settings/business/", access.BUSINESS_SETTINGS_CHANGE),
    ("post", "/settings/pricing/", access.PRICING_CHANGE),
    ("post", "/disputes/dp_x/evidence/", access.DISPUTE_ANSWER),
    ("post", "/disputes/dp_x/accept/", access.DISPUTE_ANSWER),
    ("get", "/settings/processor/", access.PROCESSOR_MANAGE),
    ("post", "/settings/processor/", access.PROCESSOR_MANAGE),
    ("post", "/settings/processor/disconnect/", access.PROCESSOR_MANAGE),
    ("post", "/invoices/in_x/finalize/", access.INVOICE_MANAGE),
    ("post", "/invoices/in_x/pay/", access.INVOICE_MANAGE),
    ("post", "/invoices/in_x/void/", access.INVOICE_MANAGE),
    ("post", "/invoices/in_x/mark-uncollectible/", access.INVOICE_MANAGE),
    ("post", "/products/new/", access.CATALOGUE_MANAGE),
    ("post", "/products/prod_x/active/", access.CATALOGUE_MANAGE),
    ("post", "/products/prod_x/prices/", access.CATALOGUE_MANAGE),
    ("post", "/products/prod_x/prices/price_x/active/", access.CATALOGUE_MANAGE),
    ("post", "/payment-links/new/", access.PAYMENT_LINK_MANAGE),
    ("post", "/payment-links/plink_x/active/", access.PAYMENT_LINK_MANAGE),
    ("post", "/subscriptions/sub_x/cancel/", access.SUBSCRIPTION_MANAGE),
    ("post", "/subscriptions/sub_x/cancel-at-period-end/", access.SUBSCRIPTION_MANAGE),
    ("post", "/subscriptions/sub_x/keep/", access.SUBSCRIPTION_MANAGE),
    ("post", "/subscriptions/sub_x/resume/", access.SUBSCRIPTION_MANAGE),
    ("post", "/subscriptions/sub_x/pause-collection/", access.SUBSCRIPTION_MANAGE),
    ("post", "/subscriptions/sub_x/resume-collection/", access.SUBSCRIPTION_MANAGE),
    ("post", "/test-clocks/new/", access.TEST_CLOCK_MANAGE),
    ("post", "/test-clocks/clock_x/advance/", access.TEST_CLOCK_MANAGE),
    ("post", "/test-clocks/clock_x/delete/", access.TEST_CLOCK_MANAGE),
    ("post", "/team/invite/", access.TEAM_MANAGE),
    ("post", "/team/1/role/", access.TEAM_MANAGE),
    ("post", "/team/1/remove/", access.TEAM_MANAGE),
]


@pytest.mark.parametrize("role", ["support", "developer"])
@pytest.mark.parametrize(("method", "path", "rule"), GUARDED)
def test_a_role_the_rule_leaves_out_gets_its_refusal(request, account, role, method, path,
                                                      rule):
    if role in rule.roles:
        pytest.skip("this role is let through (test_a_role_the_rule_lets_in_reaches_the_view)")
    response = getattr(request.getfixturevalue(role), method)(path)

    assert response.status_code == 403
    assert escape(rule.refusal) in response.content.decode()
    assert f"<strong>{role}</strong>" in response.content.decode()


@pytest.mark.parametrize(("method", "path", "rule"), GUARDED)
def test_an_admin_reaches_the_view(admin_member, method, path, rule):
    response = getattr(admin_member, method)(path)

    # The view ran: no such object, the form again, or a redirect back with an error.
    assert response.status_code in (200, 302, 404), path


@pytest.mark.parametrize(("method", "path", "rule"),
                         [row for row in GUARDED if "developer" in row[2].roles])
def test_a_developer_reaches_the_key_and_webhook_views(developer, method, path, rule):
    response = getattr(developer, method)(path)

    # The view ran: no such object, the form again, or a redirect back with an error.
    assert response.status_code in (200, 302, 404), path


def test_owners_and_admins_pass_every_rule_developers_only_keys_and_webhooks_support_none():
    rules = [value for value in vars(access).values() if isinstance(value, access.Rule)]

    # every rule guards something in the table above, and nothing else does
    assert {rule for *_, rule in GUARDED} == set(rules)
    developers = {access.KEY_CREATE, access.KEY_ROLL, access.KEY_REVOKE,
                  access.WEBHOOK_ENDPOINT_CHANGE}
    for rule in rules:
        if rule in developers:
            assert rule.roles == {"owner", "admin", "developer"}
            assert rule.refusal.startswith("Only owners, admins and developers can ")
        else:
            assert rule.roles == {"owner", "admin"}
            assert rule.refusal.startswith("Only owners and admins can ")
        assert "support" not in rule.roles


def test_what_templates_ask_of_current_exists():
    """A misspelt `current.may_…` renders as false and hides its buttons without an error."""
    asked = {name for path in (ROOT / "templates").rglob("*.html")
             for name in re.findall(r"\bcurrent\.(\w+)", path.read_text())}

    assert asked
    assert {name for name in asked if not hasattr(Current, name)
            and name not in Current.__dataclass_fields__} == set()


def test_no_view_spells_a_role_check_itself():
    sources = {path.name: path.read_text()
               for path in (ROOT / "dashboard" / "views").glob("*.py")}

    assert sources
    assert {name for name, text in sources.items()
            if re.search(r"\.role\b|Role\.|can_manage|membership", text)} == set()
