"""gunicorn's settings, read from the working directory by `gunicorn config.wsgi` (README,
Procfile). Command-line flags still override them."""

import os

# TILL_BIND: one address or several, comma-separated (`0.0.0.0:8000` behind a proxy).
bind = [address.strip() for address in os.environ.get("TILL_BIND", "127.0.0.1:8000").split(",")
        if address.strip()]
