"""executable-directive-definition-default-arguments: an executable directive composed with
`@composeDirective`, whose argument has a default in only one subgraph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph


def _subgraph(name: str, default: str) -> Subgraph:
    return Subgraph(
        name,
        f"""
        extend schema
          @link(
            url: "https://specs.apollo.dev/federation/v2.1"
            import: ["@key", "@composeDirective"]
          )
          @link(url: "https://example.com/access/v1.0", import: ["@access"])
          @composeDirective(name: "@access")
        directive @access(scope: Scope!{default}) on FIELD
        enum Scope {{ PUBLIC PRIVATE }}
        type Query {{ {name}: String }}
        """,
        root={name: name},
    )


A = _subgraph("a", "")
B = _subgraph("b", " = PUBLIC")


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_directive_without_its_defaulted_argument(gateway: CaseGateway) -> None:
    assert await gateway.run("{ a @access b @access }") == {"data": {"a": "a", "b": "b"}}


async def test_directive_with_its_argument(gateway: CaseGateway) -> None:
    assert await gateway.run("{ a @access(scope: PRIVATE) }") == {"data": {"a": "a"}}
