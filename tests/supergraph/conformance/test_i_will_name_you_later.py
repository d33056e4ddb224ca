"""i-will-name-you-later: `@requires` of a field that itself `@requires` entities of a list
resolved back in the first subgraph (a -> b -> a -> b -> a)."""

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
AUTHORS = {"a1": "Ann", "a2": "Ben"}
COMMENTS = {"p1": [("c1", "a1"), ("c2", "a1"), ("c3", "a2")], "p2": [("c4", "a2"), ("c5", "a1")]}
AUTHOR_OF_COMMENT = {c: a for comments in COMMENTS.values() for c, a in comments}


def _post_in_a(rep: dict[str, Any]) -> dict[str, Any]:
    author_id = rep.get("authorId")
    author = None if author_id is None else {"id": author_id, "name": AUTHORS[author_id]}
    return {"id": rep["id"], "author": author}


A = Subgraph(
    "a",
    f"""
    extend schema {LINK}
    type Query {{ feed: [Post] }}
    type Post @key(fields: "id") {{
      id: ID!
      authorId: ID @external
      author: Author @requires(fields: "authorId")
    }}
    type Comment @key(fields: "id") {{ id: ID! authorId: ID }}
    type Author {{ id: ID! name: String }}
    """,
    root={"feed": [{"id": post_id} for post_id in COMMENTS]},
    entities={
        "Post": _post_in_a,
        "Comment": lambda rep: {"id": rep["id"], "authorId": AUTHOR_OF_COMMENT[rep["id"]]},
    },
)


def _post_in_b(rep: dict[str, Any]) -> dict[str, Any]:
    comments = rep.get("comments")
    # the post's author is whoever wrote its last comment
    author_id = None if not comments else comments[-1]["authorId"]
    return {
        "id": rep["id"],
        "authorId": author_id,
        "comments": [{"id": c} for c, _ in COMMENTS[rep["id"]]],
    }


B = Subgraph(
    "b",
    f"""
    extend schema {LINK}
    type Post @key(fields: "id") {{
      id: ID!
      authorId: ID @requires(fields: "comments {{ authorId }}")
      comments: [Comment]
    }}
    type Comment @key(fields: "id") {{ id: ID! authorId: ID @external }}
    """,
    entities={"Post": _post_in_b, "Comment": lambda rep: {"id": rep["id"]}},
)


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[CaseGateway]:
    async with case_gateway([A, B]) as built:
        yield built


async def test_chain_of_requirements_across_a_list(gateway: CaseGateway) -> None:
    assert await gateway.run("{ feed { author { id } } }") == {
        "data": {"feed": [{"author": {"id": "a2"}}, {"author": {"id": "a1"}}]}
    }


async def test_every_comment_is_sent_with_its_author(gateway: CaseGateway) -> None:
    gateway.clear()
    await gateway.run("{ feed { author { name } } }")
    posts = [r for r in gateway.subgraphs["b"].received if "authorId" in r["query"]]
    sent = posts[-1]["variables"]["representations"]
    assert sent == [
        {
            "__typename": "Post",
            "id": "p1",
            "comments": [{"authorId": "a1"}, {"authorId": "a1"}, {"authorId": "a2"}],
        },
        {"__typename": "Post", "id": "p2", "comments": [{"authorId": "a2"}, {"authorId": "a1"}]},
    ]
