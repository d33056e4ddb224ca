"""Interfaces, unions and @interfaceObject: selections shaped by the runtime `__typename`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
import pytest_asyncio
from graphql import build_schema

from supergraph.execute import Executor
from supergraph.plan.nodes import QueryPlan, SequenceNode
from tests.fixtures.federation import abstract
from tests.fixtures.federation.abstract.library import MEDIA, Book
from tests.fixtures.federation.abstract.stars import STARS
from tests.fixtures.federation.serve import RequestLog, serve_http
from tests.supergraph.execute.conftest import Served, headers_for
from tests.supergraph.execute.handplans import (
    abstract as abstract_field,
)
from tests.supergraph.execute.handplans import (
    entity_fetch,
    flatten,
    leaf,
    root,
    root_fetch,
    typename,
)

API_SDL = """
type Query { media: [Media!]! search(term: String!): [SearchResult!]! topRated: [Media!]! }
interface Media { id: ID! title: String! stars: Int }
type Book implements Media { id: ID! title: String! pages: Int! stars: Int }
type Movie implements Media { id: ID! title: String! minutes: Int! stars: Int }
type Shelf { label: String! }
union SearchResult = Book | Movie | Shelf
"""
NON_NULL_LIST = (True, True)
MEDIA_TYPES = frozenset({"Book", "Movie"})


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def abstract_served() -> AsyncIterator[Served]:
    log = RequestLog()
    async with serve_http(abstract.SUBGRAPHS, log) as urls:
        yield Served(abstract.SUBGRAPHS, urls, log)


@pytest_asyncio.fixture(params=["http", "asgi"], loop_scope="session")
async def executor(
    request: pytest.FixtureRequest, abstract_served: Served
) -> AsyncIterator[Executor]:
    abstract_served.log.clear()
    executor = Executor(
        abstract_served.transports(request.param), build_schema(API_SDL), mask_subgraph_errors=False
    )
    yield executor
    await executor.close()


def _media_fields(extra: str) -> tuple:
    return (
        leaf("__typename"),
        leaf("title", non_null=True),
        leaf(extra, non_null=True),
        leaf("stars"),
    )


async def test_interface_selections_follow_the_runtime_type_and_interface_object_fields_merge(
    executor: Executor, abstract_served: Served
) -> None:
    # { media { __typename title ... on Book { pages } ... on Movie { minutes } stars } }
    plan = QueryPlan(
        node=SequenceNode(
            (
                root_fetch(
                    "library", "media{__typename id title ...on Book{pages} ...on Movie{minutes}}"
                ),
                flatten(
                    "media.@",
                    entity_fetch(
                        "stars",
                        "Media",
                        ["id"],
                        "stars",
                        possible_types=MEDIA_TYPES,
                        representation_typename="Media",
                    ),
                ),
            )
        ),
        shape=root(
            abstract_field(
                "media",
                {"Book": _media_fields("pages"), "Movie": _media_fields("minutes")},
                NON_NULL_LIST,
            )
        ),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    expected = []
    for m in MEDIA:
        kind, extra = ("Book", "pages") if isinstance(m, Book) else ("Movie", "minutes")
        expected.append(
            {"__typename": kind, "title": m.title, extra: getattr(m, extra), "stars": STARS[m.id]}
        )
    assert response == {"data": {"media": expected}}
    (body,) = abstract_served.log.bodies["stars"]
    assert orjson.loads(body)["variables"]["representations"] == [
        {"__typename": "Media", "id": m.id} for m in MEDIA
    ]


async def test_entity_answer_reveals_the_concrete_type_of_an_interface_object(
    executor: Executor,
) -> None:
    # { topRated { __typename title stars } } -- stars knows only "Media"; library knows the type
    plan = QueryPlan(
        node=SequenceNode(
            (
                root_fetch("stars", "topRated{__typename id stars}"),
                flatten(
                    "topRated.@",
                    entity_fetch("library", "Media", ["id"], "__typename title"),
                ),
            )
        ),
        shape=root(
            abstract_field(
                "topRated",
                {
                    t: (leaf("__typename"), leaf("title", non_null=True), leaf("stars"))
                    for t in ("Book", "Movie")
                },
                NON_NULL_LIST,
            )
        ),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    by_id = {m.id: m for m in MEDIA}
    ranked = sorted(STARS, key=lambda key: -STARS[key])
    assert response == {
        "data": {
            "topRated": [
                {
                    "__typename": type(by_id[key]).__name__,
                    "title": by_id[key].title,
                    "stars": STARS[key],
                }
                for key in ranked
            ]
        }
    }


async def test_union_members_get_their_own_selections(executor: Executor) -> None:
    # { search(term: "e") { ... on Book { title } ... on Shelf { label kind: __typename } } }
    plan = QueryPlan(
        node=root_fetch(
            "library",
            'search(term:"e"){__typename ...on Book{title} ...on Shelf{label}}',
        ),
        shape=root(
            abstract_field(
                "search",
                {
                    "Book": (leaf("title", non_null=True),),
                    "Movie": (),
                    "Shelf": (leaf("label", non_null=True), typename("Shelf", alias="kind")),
                },
                NON_NULL_LIST,
            )
        ),
    )
    response = await executor.execute(plan, {}, headers_for, "p")
    assert response == {
        "data": {
            "search": [
                {"title": "Dune"},
                {},
                {"title": "Emma"},
                {"label": "shelf for e", "kind": "Shelf"},
            ]
        }
    }
