"""Two-factor logins: django-otp's TOTP devices (optional, one confirmed device per login)
and the recovery codes that stand in for them (its static tokens)."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import InvalidParameter, InvalidState
from merchants.selectors import totp_device_confirmed, totp_device_pending


def totp_setup_start(*, user) -> TOTPDevice:
    """A new secret for the login's authenticator app, unconfirmed (logins do not ask for
    it yet); any earlier unconfirmed one is dropped. Refused while one is confirmed."""
    with transaction.atomic(durable=True):
        if totp_device_confirmed(user=user) is not None:
            raise InvalidState("Two-factor authentication is already on.")
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _totp_check(device: TOTPDevice, code: str) -> None:
    # Outside any transaction: django-otp saves each attempt (its throttle and the last code
    # used, so a code works once); a refusal must not roll that back.
    if not device.verify_token(code.strip()):
        raise InvalidParameter("That code is not right: enter the 6 digits the app shows "
                               "now.", param="code")


def totp_setup_confirm(*, user, code: str) -> list[str]:
    """Turns two-factor on once the app shows a code the pending device accepts; from the
    next login on, the code is asked for. Returns the login's recovery codes, to show once.
    A wrong code changes nothing (InvalidParameter)."""
    device = totp_device_pending(user=user)
    if device is None:
        raise InvalidState("Start setting up two-factor authentication first.")
    _totp_check(device, code)
    with transaction.atomic(durable=True):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _recovery_codes_issue(user)


# Recovery codes: one-time codes (django-otp's static tokens) that stand in for the app's
# code when the phone is lost. Ten, each working once; new ones replace all the old.
RECOVERY_CODES = 10


def _recovery_codes_issue(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_renew(*, user, code: str) -> list[str]:
    """New recovery codes for a login with two-factor on, given its app's current code; the
    old ones stop working."""
    device = totp_device_confirmed(user=user)
    if device is None:
        raise InvalidState("Turn two-factor authentication on first.")
    _totp_check(device, code)
    with transaction.atomic(durable=True):
        return _recovery_codes_issue(user)


def _recovery_code_use(*, user, code: str) -> StaticDevice | None:
    """Spends one of the login's recovery codes (`abcd-efgh` as `abcdefgh`, any case): the
    device when it was one, None when not. Under the device's lock, so one code logs in
    once however many requests race with it; wrong ones are throttled by django-otp."""
    token = "".join(code.split()).replace("-", "").lower()
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is None or not device.verify_is_allowed()[0]:
            return None
        spent, _ = device.token_set.filter(token=token).delete()
        if not spent:
            device.throttle_increment()
            return None
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        return device


def _second_factor_check(user, code: str) -> TOTPDevice | StaticDevice:
    """The device `code` proves: the app's current code, else a recovery code."""
    device = totp_device_confirmed(user=user)
    if device is None:
        raise InvalidState("This login has no two-factor device.")
    if device.verify_token(code.strip()):
        return device
    recovery = _recovery_code_use(user=user, code=code)
    if recovery is None:
        raise InvalidParameter("That code is not right: enter the 6 digits the app shows "
                               "now, or one of your recovery codes.", param="code")
    return recovery


def totp_disable(*, user, code: str) -> None:
    """Turns two-factor off, given a current code or a recovery code (so a stolen session
    alone cannot); its recovery codes go with it."""
    if totp_device_confirmed(user=user) is None:
        return
    _second_factor_check(user, code)
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def totp_verify(*, user, code: str) -> TOTPDevice | StaticDevice:
    """The device that proves the login's second factor: its app's current code (each code
    once, wrong ones throttled by django-otp) or one of its recovery codes (spent); else
    InvalidParameter."""
    return _second_factor_check(user, code)
