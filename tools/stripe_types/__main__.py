"""`python -m tools.stripe_types Charge [Refund ...]`: each interface's schema as JSON;
`python -m tools.stripe_types --check Charge < charge.json`: the differences, one a line."""

import json
import sys

from tools.stripe_types import check, schema


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"] and len(argv) == 2:
        problems = check(json.load(sys.stdin), argv[1])
        print("\n".join(problems) or "ok")
        return 1 if problems else 0
    if not argv:
        print(__doc__)
        return 2
    print(json.dumps({name: schema(name) for name in argv}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
