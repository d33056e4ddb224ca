"""The audit log query: filters, cursor pagination, `user` as a federation stub."""

from __future__ import annotations

from tests.subgraphs.client import error_codes

AUDIT = """query($f: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id user { id } actor action resourceType resourceId details ip userAgent requestId } }
  } }"""
UPDATE = 'mutation($v: JSON!) { updateSetting(key: "site.description", value: $v) { key } }'


async def test_audit_log_pages_through_filtered_entries(system_api, admin):
    for i in range(5):
        await system_api.gql(
            UPDATE, {"v": f"text {i}"}, as_=admin, ip="192.0.2.44", user_agent="agent/1"
        )
    seen = []
    after = None
    while True:
        body = await system_api.gql(
            AUDIT, {"f": {"userId": admin.id}, "first": 2, "after": after}, as_=admin
        )
        assert "errors" not in body, body
        page = body["data"]["auditLog"]
        assert page["totalCount"] == 5
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5
    assert [n["details"]["to"] for n in seen] == [f"text {i}" for i in reversed(range(5))]
    first = seen[0]
    assert first["user"] == {"id": admin.id}
    assert first["action"] == "setting.update"
    assert first["resourceType"] == "setting"
    assert first["resourceId"] == "site.description"
    assert first["ip"] == "192.0.2.44"
    assert first["userAgent"] == "agent/1"


async def test_audit_log_filters_by_action_and_resource(system_api, admin):
    body = await system_api.gql(
        AUDIT, {"f": {"action": "setting.update", "resourceId": "no-such-setting"}}, as_=admin
    )
    assert body["data"]["auditLog"]["totalCount"] == 0


async def test_audit_log_refuses_a_malformed_user_id(system_api, admin):
    body = await system_api.gql(AUDIT, {"f": {"userId": "nope"}}, as_=admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_audit_user_is_a_federation_stub_resolved_elsewhere(system_api):
    from subgraphs.system.schema import schema

    sdl = schema.as_str()
    stub = sdl.split('type User @key(fields: "id", resolvable: false) {', 1)[1].split("}", 1)[0]
    assert stub.split() == ["id:", "ID!"]
