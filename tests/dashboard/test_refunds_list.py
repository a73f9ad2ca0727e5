"""The Refunds page's list of recent refunds: a badge per status, each refund id a link to
its payment's page, and why a failed refund failed."""

from refunds.services import refund_settle
from tests.payments.factories import ok, paid_intent


def recent(html: str) -> str:
    start = html.index("<h2>Recent refunds</h2>")
    return html[start:html.index("</section>", start)]


def test_refunds_show_badges_links_and_failure_reasons(owner, account, settings):
    # given a refund that failed at the bank and one waiting for approval
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    api = account.api()
    refused = paid_intent(api, payment_method="pm_card_refundFail")
    failed = ok(api.post("/v1/refunds", {"payment_intent": refused["id"],
                                         "reason": "requested_by_customer"}))
    assert refund_settle(id=failed["id"]).status == "failed"
    account.merchant.refund_approval_thresholds = {"usd": 100}
    account.merchant.save()
    big = paid_intent(api)
    waiting = ok(api.post("/v1/refunds", {"payment_intent": big["id"]}))

    # when
    html = recent(owner.get("/refunds/").content.decode())

    # then each status is a badge, each id opens its payment, the failure says why
    assert '<span class="badge badge-danger" title="failed">Failed</span>' in html
    assert '>Waiting for approval</span>' in html
    assert "pending_approval</td>" not in html and ">failed<" not in html
    assert (f'<a href="/payments/{refused["id"]}/" title="Open the payment {refused["id"]}">'
            f'<code class="id">{failed["id"]}</code></a>') in html
    assert (f'<a href="/payments/{big["id"]}/" title="Open the payment {big["id"]}">'
            f'<code class="id">{waiting["id"]}</code></a>') in html
    assert "Declined" in html  # failure_reason: declined
    assert "Requested by customer" in html
