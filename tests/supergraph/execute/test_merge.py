"""Deep-merging subgraph answers into merged data."""

from __future__ import annotations

from supergraph.execute.merge import merge_entity, merge_object


def test_objects_merge_field_by_field_and_lists_item_by_item() -> None:
    target = {"a": {"x": 1}, "l": [{"p": 1}, {"p": 2}]}
    merge_object(target, {"a": {"y": 2}, "l": [{"q": 1}, {"q": 2}], "b": 3})
    assert target == {"a": {"x": 1, "y": 2}, "l": [{"p": 1, "q": 1}, {"p": 2, "q": 2}], "b": 3}


def test_null_target_takes_the_new_value() -> None:
    target = {"a": None}
    merge_object(target, {"a": {"x": 1}})
    assert target == {"a": {"x": 1}}


def test_lists_of_different_lengths_are_replaced() -> None:
    target = {"l": [1, 2]}
    merge_object(target, {"l": [3]})
    assert target == {"l": [3]}


def test_interface_object_answer_keeps_the_concrete_typename() -> None:
    target = {"__typename": "Book", "id": "b1"}
    merge_entity(target, {"__typename": "Media", "stars": 5}, keep_typename=True)
    assert target == {"__typename": "Book", "id": "b1", "stars": 5}


def test_entity_answer_may_reveal_the_concrete_typename() -> None:
    target = {"__typename": "Media", "id": "b1"}
    merge_entity(target, {"__typename": "Book", "title": "Dune"}, keep_typename=False)
    assert target == {"__typename": "Book", "id": "b1", "title": "Dune"}
