"""localstripe (a Stripe-compatible server, from PyPI) on one loopback port, for the Stripe
processor's tests: `python -m tests.stripe_server PORT`.

The same server as `localstripe --port PORT`, with two differences: it listens on 127.0.0.1
only (the command binds every interface), and it keeps its objects in memory only (the
command writes them to /tmp/localstripe.pickle after every request, one file that every
pytest-xdist worker's server would share).
"""

import sys

from aiohttp import web
from localstripe import server
from localstripe.resources import store


def main() -> None:
    port = int(sys.argv[1])
    store.dump_to_disk = lambda: None  # in memory only: see the module's docstring
    web.run_app(server.app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
