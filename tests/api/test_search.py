"""Stripe's search query language and search pagination, judged by the rows a query finds."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.errors import ParameterError
from api.search import SearchField, search_page, search_query_parse
from payments.models import Customer
from payments.services import customer_create
from tests.api.factories import CustomerFactory
from tests.conftest import make_account

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
TS0 = int(T0.timestamp())

FIELDS = {
    "email": SearchField("email", "string", substring=True),
    "name": SearchField("name", "string"),
    "created": SearchField("created", "timestamp"),
    "balance": SearchField("balance", "number"),
    "id": SearchField("id", "token"),
    "tax_exempt": SearchField("tax_exempt", "token"),
}


@pytest.fixture
def shop(db):
    """Three customers 100 seconds apart, with metadata keys that look like ORM lookups."""
    account = make_account()
    people = {
        "jenny": {"email": "jenny.rosen@example.com", "name": "Jenny Rosen", "balance": 500,
                  "metadata": {"order_id": "6735", "plan": "gold", "a__contains": "x"}},
        "amy": {"email": "amy@rocketrides.io", "name": "Amy", "balance": -200,
                "tax_exempt": "exempt", "metadata": {"order_id": "1000",
                                                     "note": 'it\'s "quoted"'}},
        "bob": {"name": "Bob O'Brien", "metadata": {"0": "zero", "a": "y"}},
    }
    ids = {}
    for offset, (who, params) in enumerate(people.items()):
        customer = customer_create(merchant=account.merchant, livemode=False, **params)
        # Microseconds inside the second, as real rows have: searches compare whole seconds.
        created = T0 + timedelta(seconds=100 * offset, microseconds=250_000)
        Customer.objects.filter(pk=customer.pk).update(created=created)
        ids[customer.pk] = who
    return account, ids


def found(shop, query: str) -> set[str]:
    account, ids = shop
    rows = Customer.objects.filter(merchant=account.merchant, livemode=False)
    return {ids[pk] for pk in rows.filter(search_query_parse(query, fields=FIELDS))
            .values_list("pk", flat=True)}


def test_metadata_exact_match(shop):
    assert found(shop, "metadata['order_id']:'6735'") == {"jenny"}
    assert found(shop, 'metadata["order_id"]:"1000"') == {"amy"}
    assert found(shop, "metadata['order_id']:'67'") == set()
    # Quotes are optional for numbers; metadata values are strings.
    assert found(shop, "metadata['order_id']:6735") == {"jenny"}


def test_metadata_keys_are_literal(shop):
    # `a__contains` is a key, never `metadata__a__contains` (which would find Bob's a='y').
    assert found(shop, "metadata['a__contains']:'x'") == {"jenny"}
    assert found(shop, "metadata['a__contains']:'y'") == set()
    # A digit key is an object key, not an array index.
    assert found(shop, "metadata['0']:'zero'") == {"bob"}


@pytest.mark.parametrize("key", ["a.b", 'a"b', "it's", "$", "$.a", "a b", "é", "\\", "*", "12"])
def test_any_stripe_metadata_key_is_searchable(db, key):
    merchant = make_account().merchant
    customer_create(merchant=merchant, livemode=False, metadata={"other": "v"})
    wanted = customer_create(merchant=merchant, livemode=False, metadata={key: "v"})
    quoted = key.replace("\\", "\\\\").replace('"', '\\"')
    rows = Customer.objects.filter(merchant=merchant).filter(
        search_query_parse(f'metadata["{quoted}"]:"v"', fields=FIELDS))
    assert [c.pk for c in rows] == [wanted.pk]


def test_and_explicit_and_implicit(shop):
    assert found(shop, "email~'example' AND metadata['plan']:'gold'") == {"jenny"}
    assert found(shop, "email~'example' and metadata['order_id']:'1000'") == set()
    assert found(shop, "metadata['order_id']:'1000'   balance<0") == {"amy"}


def test_or(shop):
    assert found(shop, "metadata['order_id']:'6735' OR metadata['order_id']:'1000'") == {
        "jenny", "amy"}
    assert found(shop, r"name:'bob o\'brien' or email:'amy@rocketrides.io'") == {"bob", "amy"}


def test_negation_keeps_rows_without_a_value(shop):
    assert found(shop, "-metadata['order_id']:'6735'") == {"amy", "bob"}
    assert found(shop, "-email:'amy@rocketrides.io'") == {"jenny", "bob"}
    assert found(shop, "-email~'rocket' -name:'jenny rosen'") == {"bob"}


def test_string_match_ignores_case_and_token_match_does_not(shop):
    assert found(shop, "email:'JENNY.ROSEN@example.com'") == {"jenny"}
    assert found(shop, "email~'ROCKET'") == {"amy"}
    assert found(shop, "tax_exempt:'exempt'") == {"amy"}
    assert found(shop, "tax_exempt:'EXEMPT'") == set()


def test_escaped_quotes(shop):
    assert found(shop, r"name:'Bob O\'Brien'") == {"bob"}
    assert found(shop, r'''metadata["note"]:"it's \"quoted\""''') == {"amy"}
    assert found(shop, r"metadata['note']:'it\'s \"quoted\"'") == {"amy"}


def test_null(shop):
    assert found(shop, "email:null") == {"bob"}
    assert found(shop, "-email:null") == {"jenny", "amy"}
    assert found(shop, "metadata['plan']:null") == {"amy", "bob"}
    assert found(shop, "-metadata['plan']:null") == {"jenny"}


def test_created_ranges_compare_whole_seconds(shop):
    assert found(shop, f"created>{TS0}") == {"amy", "bob"}
    assert found(shop, f"created>={TS0}") == {"jenny", "amy", "bob"}
    assert found(shop, f"created<={TS0}") == {"jenny"}
    assert found(shop, f"created<{TS0}") == set()
    assert found(shop, f"created:{TS0 + 100}") == {"amy"}
    assert found(shop, f"created>={TS0 + 100} AND created<{TS0 + 200}") == {"amy"}
    assert found(shop, f"created>'{TS0 + 100}'") == {"bob"}


def test_numbers(shop):
    assert found(shop, "balance>=500") == {"jenny"}
    assert found(shop, "balance<0") == {"amy"}
    assert found(shop, "balance:-200") == {"amy"}
    assert found(shop, "balance>-201 balance<=0") == {"amy", "bob"}


def test_token_field(shop):
    account, ids = shop
    amy = next(pk for pk, who in ids.items() if who == "amy")
    assert found(shop, f"id:'{amy}'") == {"amy"}
    assert found(shop, f"id:'{amy.upper()}'") == set()


def _parse_error(query: str, **kwargs) -> ParameterError:
    with pytest.raises(ParameterError) as raised:
        search_query_parse(query, fields=FIELDS, **kwargs)
    error = raised.value
    assert (error.status, error.param, error.type) == (400, "query", "invalid_request_error")
    return error


@pytest.mark.parametrize(("query", "fragment"), [
    ("", "empty"),
    ("   ", "empty"),
    ("status:'succeeded'", "Unsupported search field 'status'"),
    ("email:'jenny", "Unterminated quoted value starting at character 7"),
    (r"email:'jenny\'", "Unterminated"),
    ("email:'a@b.c' AND name:'b' OR name:'c'", "AND and OR cannot be combined"),
    ("email:'a@b.c' name:'b' OR name:'c'", "AND and OR cannot be combined"),
    (" AND ".join(["name:'x'"] * 11), "at most 10 clauses"),
    ("email~'ab'", "at least 3 characters"),
    ("balance:'abc'", "must be an integer"),
    ("balance>12.5", "integers"),
    ("balance>99999999999999999999", "must be an integer"),
    ("balance>9999999999999999999", "out of range"),
    ("created>'soon'", "Unix timestamp"),
    ("created>99999999999999", "out of range"),
    ("name~'jenny'", "Unsupported operator '~'"),
    ("balance~'100'", "Unsupported operator '~'"),
    ("tax_exempt>'a'", "Unsupported operator '>'"),
    ("balance>null", "null can only be matched with ':'"),
    ("email:jenny", "Unquoted value 'jenny'"),
    ("(email:'a@b.c')", "parentheses"),
    ("email='a@b.c'", "use ':'"),
    ("email:'a@b.c' AND", "ends with AND"),
    ("email:'a@b.c'name:'b'", "whitespace"),
    ("AND email:'a@b.c'", "AND and OR join two clauses"),
    ("- email:'a@b.c'", "right after '-'"),
    ("email", "Expected an operator"),
    ("email:", "Expected a value"),
    ("metadata:'x'", "metadata['key']"),
    ("metadata[order_id]:'x'", "metadata['key']"),
    ("metadata['a[b']:'x'", "Invalid metadata key"),
    ("metadata['']:'x'", "Invalid metadata key"),
    (f"metadata['{'k' * 41}']:'x'", "Invalid metadata key"),
    ("metadata['k']~'abc'", "Unsupported operator '~'"),
    ("email:'a\x00b'", "Invalid character"),
    ("email:'a' ! name:'b'", "Unexpected character '!'"),
])
def test_malformed_queries_are_parameter_errors(query, fragment):
    assert fragment in _parse_error(query).message


def test_unknown_field_lists_the_supported_fields():
    message = _parse_error("amount>1000").message
    assert message.endswith("Supported fields: balance, created, email, id, name, tax_exempt, "
                            "metadata['key'].")
    assert "metadata" not in _parse_error("amount>1000", metadata_lookup=None).message
    assert "Unsupported search field 'metadata'" in _parse_error(
        "metadata['k']:'v'", metadata_lookup=None).message


# Pieces of the grammar, so random queries get past the tokenizer as well as fail in it.
_PIECES = st.sampled_from([
    "email", "name", "created", "balance", "id", "tax_exempt", "metadata", "amount", "null",
    "[", "]", "'", '"', "\\", ":", "~", ">", "<", ">=", "<=", "=", "-", " ", " AND ", " OR ",
    " and ", "'abc'", '"x\\"y"', "'a__contains'", "42", "-7", "1.5", "99999999999999999999",
    "1740830400", "(", ")", "\x00", "é", "\ud800",
])


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=14).map("".join)))
def test_any_text_is_a_filter_or_a_parameter_error(db, query):
    try:
        condition = search_query_parse(query, fields=FIELDS)
    except ParameterError as error:
        assert error.param == "query"
        assert error.message
        return
    assert isinstance(condition, Q)
    # What parses also runs: a parsed query never fails in the database.
    list(Customer.objects.filter(condition)[:1])


# --- search_page ------------------------------------------------------------------------------

@pytest.fixture
def twenty_five(db):
    """25 customers over 13 distinct seconds, all but the last shared by two."""
    account = make_account()
    for i in range(25):
        CustomerFactory(merchant=account.merchant, created=T0 + timedelta(seconds=i // 2))
    return Customer.objects.filter(merchant=account.merchant, livemode=False)


def test_search_page_walks_every_row_once_newest_first(twenty_five):
    seen, page, pages = [], None, []
    while True:
        rows, has_more, next_page = search_page(twenty_five, page=page, limit=10)
        pages.append((len(rows), has_more))
        seen.extend(rows)
        if not has_more:
            assert next_page is None
            break
        page = next_page
    assert pages == [(10, True), (10, True), (5, False)]
    expected = sorted(twenty_five, key=lambda c: (c.created, c.pk), reverse=True)
    assert [c.pk for c in seen] == [c.pk for c in expected]


def test_search_page_exact_fit_has_no_more(twenty_five):
    rows, has_more, next_page = search_page(twenty_five, page=None, limit=25)
    assert (len(rows), has_more, next_page) == (25, False, None)


def _page_error(queryset, page: str) -> ParameterError:
    with pytest.raises(ParameterError) as raised:
        search_page(queryset, page=page, limit=10)
    assert (raised.value.status, raised.value.param) == (400, "page")
    return raised.value


def test_search_page_refuses_tampered_tokens(twenty_five):
    _, _, token = search_page(twenty_five, page=None, limit=10)
    # Re-encoded with an earlier position but the old signature.
    signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    forged = signed.replace("2025-03-01T12:00:0", "2025-03-01T11:00:0")
    assert forged != signed
    forged_token = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
    assert "next_page" in _page_error(twenty_five, forged_token).message
    # One character of the signature changed (not the last base64 character, whose low
    # bits are padding and may decode to the same bytes).
    flipped_signature = signed[:-3] + ("A" if signed[-3] != "A" else "B") + signed[-2:]
    flipped = base64.urlsafe_b64encode(flipped_signature.encode()).decode().rstrip("=")
    _page_error(twenty_five, flipped)
    _page_error(twenty_five, "not-a-token")
    _page_error(twenty_five, "%%%")


def test_search_page_limit_bounds(twenty_five):
    for limit in (0, 101):
        with pytest.raises(ParameterError) as raised:
            search_page(twenty_five, page=None, limit=limit)
        assert raised.value.param == "limit"
