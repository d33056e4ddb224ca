"""requires-circular: `@requires` chains that go back and forth between two subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.supergraph.conformance.gateway import CaseGateway, case_gateway
from tests.supergraph.conformance.subgraph import Subgraph

LINK = (
    '@link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])'
)
AUTHORS = {"a1": ("Ann", 1), "a2": ("Ben", 12)}
POSTS = {"p1": "a1", "p2": "a2"}


def _author(author_id: str) -> dict[str, Any]:
    name, years = AUTHORS[author_id]
    return {"id": author_id, "name": name, "yearsOfExperience": years}


def _post_in_a(rep: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"id": rep["id"], "author": _author(POSTS[rep["id"]])}
    if "byNovice" in rep:
        found["byNovice"] = rep["byNovice"]
        found["byExpert"] = not rep["byNovice"]
    else:
        found["byExpert"] = None  # so a skipped @requires shows as an error, not a value
    return found


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] }}
    type Post @key(fields: "id") {{
      id: ID!
      author: Author
      byNovice: Boolean! @external
      byExpert: Boolean! @requires(fields: "byNovice")
    }}
    type Author @key(fields: "id") {{ id: ID! name: String! yearsOfExperience: Int! }}
    """,
    root={"feed": [{"id": post_id, "author": _author(a)} for post_id, a in POSTS.items()]},
    entities={
        "Post": _post_in_a,
        "Author": lambda rep: _author(rep["id"]),
    },
)


def _post_in_b(rep: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"id": rep["id"]}
    author = rep.get("author")
    found["byNovice"] = None if author is None else author["yearsOfExperience"] < 5
    return found


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Post @key(fields: "id") {{
      id: ID!
      author: Author @external
      byNovice: Boolean! @requires(fields: "author {{ yearsOfExperience }}")
    }}
    type Author @key(fields: "id") {{ id: ID! yearsOfExperience: Int! @external }}
    """,
    entities={"Post": _post_in_b, "Author": lambda rep: {"id": rep["id"]}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_requirement_from_the_first_subgraph_feeds_the_second(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { byNovice } }") == {
        "data": {"feed": [{"byNovice": True}, {"byNovice": False}]}
    }


async def test_requirement_goes_back_to_the_first_subgraph(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { byExpert } }") == {
        "data": {"feed": [{"byExpert": False}, {"byExpert": True}]}
    }


async def test_both_and_the_author_together(gateway: CaseGateway) -> None:
    query = "{ feed { id byExpert byNovice author { name } } }"
    assert await gateway.run(query) == {
        "data": {
            "feed": [
                {"id": "p1", "byExpert": False, "byNovice": True, "author": {"name": "Ann"}},
                {"id": "p2", "byExpert": True, "byNovice": False, "author": {"name": "Ben"}},
            ]
        }
    }
