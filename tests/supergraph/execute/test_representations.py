"""Representations: which objects give one, what it holds, and how duplicates collapse."""

from __future__ import annotations

from supergraph.execute.representations import RepresentationBuilder, objects_at, paths_of
from supergraph.plan.nodes import RequiredField, RequiredFragment

TYPENAME = RequiredField("__typename")


def _product_key() -> RepresentationBuilder:
    return RepresentationBuilder(
        (RequiredFragment("Product", (TYPENAME, RequiredField("upc"))),), None
    )


def test_objects_at_expands_every_list_on_the_path_and_drops_nulls() -> None:
    data = {"a": [{"b": [{"c": {"n": 1}}, {"c": None}]}, None, {"b": [[{"c": {"n": 2}}]]}]}
    assert objects_at(data, ("a", "@", "b", "@", "c")) == [{"n": 1}, {"n": 2}]


def test_paths_of_gives_the_client_path_of_each_wanted_object() -> None:
    inner = {"n": 1}
    data = {"a": [{"b": inner}, {"b": {"n": 2}}, {"b": inner}]}
    assert paths_of(data, ("a", "@", "b"), {id(inner)}) == {
        id(inner): [["a", 0, "b"], ["a", 2, "b"]]
    }


def test_objects_of_another_type_give_no_representation() -> None:
    objects = [{"__typename": "Product", "upc": "1"}, {"__typename": "Book", "upc": "2"}]
    representations, groups = _product_key().batch(objects)
    assert representations == [{"__typename": "Product", "upc": "1"}]
    assert groups == [[objects[0]]]


def test_objects_missing_a_key_field_give_no_representation() -> None:
    representations, _ = _product_key().batch([{"__typename": "Product"}])
    assert representations == []


def test_identical_representations_are_sent_once_for_every_object() -> None:
    a, b, c = ({"__typename": "Product", "upc": u} for u in ("1", "2", "1"))
    representations, groups = _product_key().batch([a, b, c, a])
    assert representations == [
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": "2"},
    ]
    assert groups == [[a, c], [b]]


def test_nested_key_fields_copy_only_the_selected_subfields() -> None:
    builder = RepresentationBuilder(
        (
            RequiredFragment(
                "Depot",
                (TYPENAME, RequiredField("id"), RequiredField("region", (RequiredField("code"),))),
            ),
        ),
        None,
    )
    obj = {"__typename": "Depot", "id": "d1", "region": {"code": "NL", "name": "Netherlands"}}
    assert builder.batch([obj])[0] == [
        {"__typename": "Depot", "id": "d1", "region": {"code": "NL"}}
    ]


def test_nullable_required_field_that_is_null_is_sent_as_null() -> None:
    builder = RepresentationBuilder(
        (RequiredFragment("Product", (TYPENAME, RequiredField("upc"), RequiredField("price"))),),
        None,
    )
    obj = {"__typename": "Product", "upc": "1", "price": None}
    assert builder.batch([obj])[0] == [{"__typename": "Product", "upc": "1", "price": None}]


def test_interface_object_representations_carry_the_interface_name() -> None:
    builder = RepresentationBuilder(
        (RequiredFragment("Media", (TYPENAME, RequiredField("id")), frozenset({"Book", "Movie"})),),
        "Media",
    )
    objects = [{"__typename": "Book", "id": "b1"}, {"__typename": "Movie", "id": "m1"}]
    assert builder.batch(objects)[0] == [
        {"__typename": "Media", "id": "b1"},
        {"__typename": "Media", "id": "m1"},
    ]
