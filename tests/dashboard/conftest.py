import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merchants.models import Membership
from tests.dashboard.helpers import PASSWORD, logged_in, member, owner_of

# The webhook tests' loopback receiver and inline tasks, for resending from the dashboard.
from tests.webhooks.conftest import (  # noqa: F401
    allow_local,
    deliver,
    dns,
    eager_tasks,
    receiver,
)


@pytest.fixture
def owner(account) -> Client:
    """The account's owner, logged in to the dashboard (in test mode, the default)."""
    return logged_in(owner_of(account))


@pytest.fixture
def support(account) -> Client:
    return member(account, Membership.Role.SUPPORT, "support@shop.test")


@pytest.fixture
def developer(account) -> Client:
    return member(account, Membership.Role.DEVELOPER, "developer@shop.test")


@pytest.fixture
def admin_member(account) -> Client:
    return member(account, Membership.Role.ADMIN, "admin@shop.test")


@pytest.fixture
def superuser(db) -> Client:
    user = get_user_model().objects.create_superuser(username="ops@till.test",
                                                     email="ops@till.test", password=PASSWORD)
    return logged_in(user)
