"""`User` entities through `_entities`: every representation resolved by one SQL query."""

from __future__ import annotations

import pytest
from sqlalchemy import event

ENTITIES = (
    """query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id username } } }"""
)


@pytest.fixture
def statements(resources):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(resources.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(resources.engine.sync_engine, "before_cursor_execute", record)


async def test_entities_resolve_users_in_one_query(users_api, make_account, admin, statements):
    accounts = [await make_account() for _ in range(5)]
    representations = [{"__typename": "User", "id": a.id} for a in accounts]
    representations.append({"__typename": "User", "id": "00000000-0000-0000-0000-000000000000"})
    statements.clear()
    body = await users_api.gql(ENTITIES, {"r": representations}, as_=admin)
    assert "errors" not in body, body
    assert [e and e["id"] for e in body["data"]["_entities"]] == [a.id for a in accounts] + [None]
    assert [e["username"] for e in body["data"]["_entities"][:5]] == [a.username for a in accounts]
    user_selects = [s for s in statements if "FROM public.users" in s]
    assert len(user_selects) == 1, statements
