"""Subgraphs shared by the authorization cases (authenticated, requires-scopes, policy)."""

from __future__ import annotations

from tests.supergraph.conformance.subgraph import Subgraph

UNAUTHORIZED = {
    "message": "Unauthorized field or type",
    "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
}


def denied_at(*path: str | int) -> dict[str, object]:
    return {**UNAUTHORIZED, "path": list(path)}


def auth_subgraphs(directive: str, usage: str) -> list[Subgraph]:
    """`Query.me` (open), `User.email` and `Query.secret` guarded by `usage` of `directive`."""
    link = (
        f'@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "{directive}"])'
    )
    users = Subgraph(
        "users",
        f"""
        extend schema {link}
        type Query {{ me: User secret: String {usage} }}
        type User @key(fields: "id") {{ id: ID! name: String! email: String {usage} }}
        """,
        root={
            "me": {"id": "u1", "name": "Ada", "email": "ada@example.com"},
            "secret": "42",
        },
        entities={"User": lambda rep: {"id": rep["id"], "name": "Ada", "email": "ada@example.com"}},
    )
    notes = Subgraph(
        "notes",
        f"""
        extend schema {link}
        type User @key(fields: "id") {{ id: ID! notes: [Note!] {usage} }}
        type Note @key(fields: "id") {{ id: ID! text: String! }}
        """,
        entities={"User": lambda rep: {"id": rep["id"], "notes": [{"id": "n1", "text": "hi"}]}},
    )
    return [users, notes]
