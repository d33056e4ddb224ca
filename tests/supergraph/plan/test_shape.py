"""The response shape: order, nullability, abstract types, enum values, __typename."""

from __future__ import annotations

from supergraph.plan.nodes import SelectionShape, ShapeField
from tests.supergraph.plan.planning import plan


def _root(fixture: str, query: str) -> tuple[ShapeField, ...]:
    fields = plan(fixture, query).shape.default
    assert fields is not None
    return fields


def _selections(field: ShapeField) -> SelectionShape:
    assert field.selections is not None
    return field.selections


def test_fields_keep_the_order_the_client_asked_for() -> None:
    (top,) = _root("bench", "{ topProducts { weight name a: upc price } }")
    keys = [f.response_key for f in _selections(top).default or ()]
    assert keys == ["weight", "name", "a", "price"]


def test_nullability_is_given_per_list_level() -> None:
    (items,) = _root("abstract", "{ items { id } }")
    assert items.nullability == (True, True)
    (users,) = _root("bench", "{ users { id } }")
    assert users.nullability == (False, False)


def test_typename_of_an_object_type_is_a_constant() -> None:
    (top,) = _root("bench", "{ topProducts { kind: __typename } }")
    (kind,) = _selections(top).default or ()
    assert kind.typename == "Product" and kind.response_key == "kind"


def test_abstract_type_lists_every_possible_runtime_type() -> None:
    (items,) = _root("abstract", "{ items { __typename title ... on Book { pages } } }")
    shape = _selections(items)
    assert set(shape.by_type) == {"Book", "Film"}
    book = [(f.response_key, f.typename) for f in shape.by_type["Book"]]
    film = [(f.response_key, f.typename) for f in shape.by_type["Film"]]
    assert book == [("__typename", "Book"), ("title", None), ("pages", None)]
    assert film == [("__typename", "Film"), ("title", None)]


def test_interface_default_shape_reads_the_typename_from_data() -> None:
    (items,) = _root("abstract", "{ items { __typename title } }")
    default = _selections(items).default or ()
    assert [(f.response_key, f.typename) for f in default] == [
        ("__typename", None),
        ("title", None),
    ]


def test_enum_leaves_carry_only_client_visible_values() -> None:
    sdl_fixture = "inaccessible"
    (people,) = _root(sdl_fixture, "{ people { status } }")
    (status,) = _selections(people).default or ()
    assert status.enum_values == frozenset({"ACTIVE"})


def test_variable_conditions_are_kept_on_shape_fields() -> None:
    query = "query Q($s: Boolean!, $i: Boolean!) { me @include(if: $i) { name @skip(if: $s) } }"
    (me,) = _root("bench", query)
    assert me.conditions == (("i", True),)
    (name,) = _selections(me).default or ()
    assert name.conditions == (("s", False),)


def test_fields_merged_by_response_key_appear_once() -> None:
    (top,) = _root("bench", "{ topProducts { name } topProducts { upc name } }")
    keys = [f.response_key for f in _selections(top).default or ()]
    assert keys == ["name", "upc"]
