"""The merchant dashboard's pages, one module per area (home and API keys, customers,
payments, refunds, disputes, events, webhooks), thin over the apps' selectors and services.

Who may see or do what is dashboard/access.py's; what every page renders with is
common.py's. dashboard/urls.py imports each area's views from its module.
"""
