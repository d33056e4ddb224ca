"""Flatten type conditions: only objects of the named types below a typed ancestor are taken."""

from __future__ import annotations

from supergraph.execute.representations import objects_at

DATA = {
    "reviews": [
        {"__typename": "AnonymousReview", "product": {"id": "1"}},
        {"__typename": "UserReview", "product": {"id": "2"}},
    ]
}


def test_without_conditions_every_object_is_taken() -> None:
    assert objects_at(DATA, ("reviews", "@", "product")) == [{"id": "1"}, {"id": "2"}]


def test_condition_after_a_list_keeps_objects_of_its_types() -> None:
    found = objects_at(DATA, ("reviews", "@", "product"), ((2, frozenset({"UserReview"})),))
    assert found == [{"id": "2"}]
