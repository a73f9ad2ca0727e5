def test_create_retrieve_list_delete_customer(api):
    created = api.post("/v1/customers", {"email": "a@b.test", "metadata": {"order_id": "42"}})
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["id"].startswith("cus_")
    assert body["object"] == "customer"
    assert body["metadata"] == {"order_id": "42"}
    got = api.get(f"/v1/customers/{body['id']}")
    assert got.json() == body
    listed = api.get("/v1/customers")
    assert [c["id"] for c in listed.json()["data"]] == [body["id"]]
    deleted = api.delete(f"/v1/customers/{body['id']}")
    assert deleted.json() == {"id": body["id"], "object": "customer", "deleted": True}
