import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from merchants.models import ApiKey
from merchants.selectors import (
    api_key_get_by_token,
    api_key_list_for_mode,
    membership_for_user,
    user_get_by_email,
)
from merchants.services import api_key_roll, merchant_create

DEMO_EMAIL = "demo@till.test"
# The demo login is printed by `make run` on purpose: it is a local demo, test mode only.
DEMO_PASSWORD = "till-demo-password"  # noqa: S105


def _stored_keys_work(demo: dict) -> bool:
    """The file may come from another database (DATABASE_URL changed between runs)."""
    key = api_key_get_by_token(token=demo.get("test_secret_key", ""))
    return key is not None and key.merchant_id == demo.get("id") and key.is_active()


class Command(BaseCommand):
    help = ("Creates the demo merchant once and keeps its keys in var/demo.json; "
            "later runs reuse it and print the same login and keys.")

    def handle(self, *args, **options) -> None:
        from django.conf import settings

        store = settings.VAR_DIR / "demo.json"
        demo = json.loads(store.read_text()) if store.exists() else {}
        user = user_get_by_email(email=DEMO_EMAIL)
        if user is None:
            created = merchant_create(name="Demo Shop", email=DEMO_EMAIL,
                                      password=DEMO_PASSWORD)
            demo = {"id": created.merchant.id, "email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                    **created.keys}
            self._save(store, demo)
        elif not _stored_keys_work(demo):
            # The demo merchant exists here but its secret keys are only hashes: roll its
            # test keys (the old ones stop at once) so the printed keys are ones that work.
            merchant = membership_for_user(user=user).merchant
            demo = {"id": merchant.id, "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
            for key in api_key_list_for_mode(merchant=merchant, livemode=False):
                if key.is_active():
                    issued = api_key_roll(key_id=key.id, merchant=merchant,
                                          expires_at=timezone.now())
                    kind = "secret" if key.kind == ApiKey.Kind.SECRET else "publishable"
                    demo[f"test_{kind}_key"] = issued.token
            self._save(store, demo)
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

    @staticmethod
    def _save(store, demo: dict) -> None:
        store.write_text(json.dumps(demo, indent=2))
        store.chmod(0o600)
