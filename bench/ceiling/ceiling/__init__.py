"""The ceiling for bench/payments_bench.py: a bare Django endpoint doing one INSERT.

A Django project of its own, sharing nothing with Till but the stack: the same Django, the
same psycopg and PostgreSQL server (its own database, CEILING_DATABASE_URL), served by the
same gunicorn command. No middleware, no DRF, no authentication lookup: what is left is
Django's request cycle, one form parse, one INSERT and a small JSON response.
"""
