import pytest

from payments.cards import (
    TEST_CARDS,
    Behaviour,
    brand_for_number,
    card_profile_for_magic_id,
    card_profile_for_number,
    fingerprint,
    luhn_valid,
)


@pytest.mark.parametrize("card", TEST_CARDS, ids=lambda card: card.names[0])
def test_every_test_card_is_a_valid_number_of_its_brand(card):
    assert luhn_valid(card.number)
    assert brand_for_number(card.number) == card.brand


def test_luhn_rejects_stripes_incorrect_number_card():
    assert not luhn_valid("4242424242424241")
    assert not luhn_valid("4242")
    assert not luhn_valid("42424242424242a2")


@pytest.mark.parametrize(("magic_id", "number"), [
    ("pm_card_visa", "4242424242424242"),
    ("tok_visa", "4242424242424242"),
    ("pm_card_chargeDeclined", "4000000000000002"),
    ("pm_card_visa_chargeDeclined", "4000000000000002"),
    ("pm_card_chargeDeclinedInsufficientFunds", "4000000000009995"),
    ("pm_card_chargeDeclinedExpiredCard", "4000000000000069"),
    ("pm_card_authenticationRequired", "4000002760003184"),
    ("pm_card_chargeCustomerFail", "4000000000000341"),
    ("pm_card_refundFail", "4000000000005126"),
    ("pm_card_createDispute", "4000000000000259"),
    ("pm_card_chargeDeclinedFraudulent", "4100000000000019"),
    ("pm_card_riskLevelHighest", "4000000000004954"),
    ("pm_card_riskLevelElevated", "4000000000009235"),
    ("pm_card_cvcCheckFail", "4000000000000101"),
    ("tok_avsZipFail", "4000000000000036"),
    ("pm_card_createDisputeInquiry", "4000000000001976"),
    ("tok_createDisputeInquiry", "4000000000001976"),
    ("pm_card_createDisputeProductNotReceived", "4000000000002685"),
])
def test_magic_ids_name_stripes_test_cards(magic_id, number):
    assert card_profile_for_magic_id(magic_id).number == number


def test_unknown_magic_ids_are_not_test_cards():
    assert card_profile_for_magic_id("pm_card_nonsense") is None
    assert card_profile_for_magic_id("pm_1234") is None


def test_decline_cards_carry_stripes_codes():
    insufficient = card_profile_for_number("4000000000009995")
    assert (insufficient.behaviour, insufficient.code, insufficient.decline_code) == (
        Behaviour.DECLINE, "card_declined", "insufficient_funds")
    assert card_profile_for_number("4000000000000341").behaviour is Behaviour.DECLINE_CHARGES


def test_fingerprint_is_stable_per_card_and_keyed_by_the_installation(settings):
    visa = fingerprint("4242424242424242")
    assert visa == fingerprint("4242424242424242")
    assert visa != fingerprint("5555555555554444")
    settings.SECRET_KEY = "another installation"
    assert fingerprint("4242424242424242") != visa
