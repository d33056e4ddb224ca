"""The planner's surface: caching, operation selection and errors."""

from __future__ import annotations

import pytest
from graphql import parse

from supergraph.model import Supergraph
from supergraph.plan import QUERY_PLANNING_FAILED, PlanningError, QueryPlanner
from tests.supergraph.plan.planning import FIXTURES, supergraph


def test_the_same_operation_is_planned_once() -> None:
    planner = QueryPlanner(supergraph("bench"))
    query = "{ topProducts { name } }"
    assert planner.plan(parse(query), None) is planner.plan(parse(query), None)


def test_denied_fields_are_part_of_the_cache_key() -> None:
    planner = QueryPlanner(supergraph("bench"))
    query = "{ topProducts { name upc } }"
    allowed = planner.plan(parse(query), None)
    denied = planner.plan(parse(query), None, frozenset({query.index("upc")}))
    assert allowed is not denied and denied.denied


def test_the_cache_is_bounded() -> None:
    planner = QueryPlanner(supergraph("bench"), cache_size=2)
    first = planner.plan(parse("{ me { id } }"), None)
    planner.plan(parse("{ users { id } }"), None)
    planner.plan(parse("{ topProducts { upc } }"), None)
    assert planner.plan(parse("{ me { id } }"), None) is not first


def test_operation_name_selects_the_operation() -> None:
    document = parse("query A { me { id } } query B { topProducts { upc } }")
    plan = QueryPlanner(supergraph("bench")).plan(document, "B")
    assert plan.node is not None and getattr(plan.node, "service", None) == "products"


def test_several_operations_without_a_name_fail_with_a_clear_error() -> None:
    document = parse("query A { me { id } } query B { topProducts { upc } }")
    with pytest.raises(PlanningError) as caught:
        QueryPlanner(supergraph("bench")).plan(document, None)
    assert caught.value.code == QUERY_PLANNING_FAILED
    assert "operation name" in caught.value.message


def test_unknown_operation_name_fails_with_a_clear_error() -> None:
    with pytest.raises(PlanningError, match="no operation named 'C'"):
        QueryPlanner(supergraph("bench")).plan(parse("query A { me { id } }"), "C")


def test_subscriptions_are_refused() -> None:
    with pytest.raises(PlanningError, match="subscriptions"):
        QueryPlanner(supergraph("bench")).plan(parse("subscription { me { id } }"), None)


def test_unreachable_field_fails_with_a_clear_planning_error() -> None:
    sdl = (FIXTURES / "shared_root.graphql").read_text()
    sdl = sdl.replace("  product: Product!\n", "  product: Product! @join__field(graph: NAME)\n")
    planner = QueryPlanner(Supergraph.from_sdl(sdl))
    with pytest.raises(PlanningError) as caught:
        planner.plan(parse("{ product { price } }"), None)
    assert caught.value.code == QUERY_PLANNING_FAILED
    assert "Product.price" in caught.value.message and "'name'" in caught.value.message
