"""Subgraphs of the requires-interface and requires-with-fragments cases: users own an address
of an interface type; another subgraph requires parts of it."""

from __future__ import annotations

from typing import Any

from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires", "@shareable"])'
)
ADDRESSES: dict[str, dict[str, Any]] = {
    "u1": {"__typename": "HomeAddress", "id": "h1", "city": "Oslo", "floor": 3},
    "u2": {"__typename": "WorkAddress", "id": "w1", "city": "Bergen", "company": "Acme"},
}


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "name": user_id.upper(), "address": ADDRESSES[user_id]}


def owner() -> Subgraph:
    return Subgraph(
        "owner",
        f"""
        extend schema {LINK}
        type Query {{ users: [User] }}
        type User @key(fields: "id") {{ id: ID! name: String address: Address @shareable }}
        interface Address {{ id: ID! city: String }}
        type HomeAddress implements Address @shareable {{ id: ID! city: String floor: Int }}
        type WorkAddress implements Address @shareable {{ id: ID! city: String company: String }}
        """,
        root={"users": [_user(u) for u in ADDRESSES]},
        entities={"User": lambda rep: _user(rep["id"])},
    )


def requirer(requires: str, compute: Any) -> Subgraph:
    """`User.label @requires(fields: requires)`, computed by `compute(address)`."""

    def label(rep: dict[str, Any]) -> dict[str, Any]:
        address = rep.get("address")
        return {"id": rep["id"], "label": None if address is None else compute(address)}

    return Subgraph(
        "requirer",
        f"""
        extend schema {LINK}
        type User @key(fields: "id") {{
          id: ID!
          address: Address @external
          label: String @requires(fields: "{requires}")
        }}
        interface Address {{ id: ID! city: String }}
        type HomeAddress implements Address @shareable {{ id: ID! city: String floor: Int }}
        type WorkAddress implements Address @shareable {{ id: ID! city: String company: String }}
        """,
        entities={"User": label},
    )
