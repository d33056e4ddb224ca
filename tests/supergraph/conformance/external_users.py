"""The users of the external-extends cases: one subgraph owns `User`, another extends it with
`@external` fields (Fed 1 `extend type`, Fed 1 `@extends`, or Fed 2 `@extends`)."""

from __future__ import annotations

from typing import Any

from tests.supergraph.conformance.gateway import CaseGateway
from tests.supergraph.conformance.subgraph import Subgraph


def _user(user_id: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": f"{user_id}-name",
        "nickname": f"{user_id}-nickname",
        "rid": f"{user_id}-rid",
    }


def owner(sdl: str) -> Subgraph:
    """`Query.userById` and `User { id name nickname }`."""
    return Subgraph(
        "owner",
        sdl,
        root={"userById": lambda _info, id: _user(id)},
        entities={"User": lambda rep: _user(rep["id"])},
    )


def extender(sdl: str) -> Subgraph:
    """`Query.randomUser`, `Query.providedRandomUser @provides(name)`, and `User.rid`."""
    return Subgraph(
        "extender",
        sdl,
        root={"randomUser": {"id": "u1", "rid": "u1-rid"}, "providedRandomUser": _user("u1")},
        entities={"User": lambda rep: {"id": rep["id"], "rid": f"{rep['id']}-rid"}},
    )


async def check_owner_and_extender_fields(gateway: CaseGateway) -> None:
    query = '{ randomUser { id name } userById(id: "u2") { id name nickname } }'
    assert await gateway.run(query) == {
        "data": {
            "randomUser": {"id": "u1", "name": "u1-name"},
            "userById": {"id": "u2", "name": "u2-name", "nickname": "u2-nickname"},
        }
    }
    assert await gateway.run('{ userById(id: "u2") { rid } }') == {
        "data": {"userById": {"rid": "u2-rid"}}
    }


async def check_local_and_external_fields(gateway: CaseGateway) -> None:
    assert await gateway.run("{ randomUser { id rid } }") == {
        "data": {"randomUser": {"id": "u1", "rid": "u1-rid"}}
    }
    assert await gateway.run("{ randomUser { id rid name } }") == {
        "data": {"randomUser": {"id": "u1", "rid": "u1-rid", "name": "u1-name"}}
    }


async def check_provided_external_field(gateway: CaseGateway) -> None:
    gateway.clear()
    assert await gateway.run("{ providedRandomUser { id rid name } }") == {
        "data": {"providedRandomUser": {"id": "u1", "rid": "u1-rid", "name": "u1-name"}}
    }
    assert gateway.subgraphs["owner"].received == []
