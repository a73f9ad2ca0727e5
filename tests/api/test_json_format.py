"""Responses are formatted as Stripe formats them (indented two spaces, `"key": value`):
shell scripts and test suites written against Stripe grep them."""

from tests.payments.factories import customer


def test_an_object_is_indented_two_spaces_with_a_space_after_each_colon(api):
    # given a customer
    made = customer(api, name="Jenny Rosen")

    # when it is read back
    body = api.get(f"/v1/customers/{made['id']}").content.decode()

    # then it reads as Stripe's does
    lines = body.splitlines()
    assert lines[0] == "{"
    assert lines[1] == f'  "id": "{made["id"]}",'
    assert lines[2] == '  "object": "customer",'
    assert '  "name": "Jenny Rosen",' in lines
    assert lines[-1] == "}"


def test_an_error_envelope_is_formatted_the_same_way(api):
    # when a route does not exist (answered before any view runs)
    body = api.get("/v1/no_such_things").content.decode()

    # then the error is indented alike
    assert body.startswith('{\n  "error": {\n    "')
    assert '    "type": "invalid_request_error"' in body
