import json

from django.core.management.base import BaseCommand

from merchants.selectors import user_get_by_email
from merchants.services import merchant_create

DEMO_EMAIL = "demo@till.test"
# The demo login is printed by `make run` on purpose: it is a local demo, test mode only.
DEMO_PASSWORD = "till-demo-password"  # noqa: S105


class Command(BaseCommand):
    help = ("Creates the demo merchant once and keeps its keys in var/demo.json; "
            "later runs reuse it and print the same login and keys.")

    def handle(self, *args, **options) -> None:
        from django.conf import settings

        store = settings.VAR_DIR / "demo.json"
        if user_get_by_email(email=DEMO_EMAIL) and store.exists():
            demo = json.loads(store.read_text())
        else:
            created = merchant_create(name="Demo Shop", email=DEMO_EMAIL,
                                      password=DEMO_PASSWORD)
            demo = {"id": created.merchant.id, "email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                    **created.keys}
            store.write_text(json.dumps(demo, indent=2))
            store.chmod(0o600)
        url = settings.TILL_PUBLIC_URL
        self.stdout.write(
            "\n"
            f"  Till is starting on {url}\n"
            f"  Dashboard:    {url}/  (login {demo['email']} / {demo['password']})\n"
            f"  Admin:        {url}/admin/\n"
            f"  API docs:     {url}/v1/docs\n"
            f"  Merchant:     {demo['id']}\n"
            f"  Test secret key:      {demo['test_secret_key']}\n"
            f"  Test publishable key: {demo['test_publishable_key']}\n"
            f"  Try: curl {url}/v1/customers -u {demo['test_secret_key']}:\n")
