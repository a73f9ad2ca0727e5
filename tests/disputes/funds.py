"""What a dispute on the wire moved, read from its `balance_transactions` (the ledger's
bookings): the withdrawn amount, what was reinstated, the fee and the net."""


def funds_of(dispute: dict) -> dict:
    txns = dispute["balance_transactions"]
    assert all(txn["source"] == dispute["id"] and txn["currency"] == dispute["currency"]
               for txn in txns)
    return {"currency": dispute["currency"],
            "withdrawn": -sum(t["amount"] for t in txns if t["reporting_category"] == "dispute"),
            "reinstated": sum(t["amount"] for t in txns
                              if t["reporting_category"] == "dispute_reversal"),
            "fee": sum(t["fee"] for t in txns), "net": sum(t["net"] for t in txns)}
