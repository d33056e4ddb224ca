"""Deep-merging subgraph answers into the merged data of one request."""

from __future__ import annotations

from typing import Any


def merge_object(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge `source` into `target` in place: objects field by field, lists item by item."""
    for key, value in source.items():
        current = target.get(key)
        if current is None or current is value:
            target[key] = value
        elif type(value) is dict and type(current) is dict:
            merge_object(current, value)
        elif type(value) is list and type(current) is list and len(value) == len(current):
            _merge_list(current, value)
        else:
            target[key] = value


def merge_entity(target: dict[str, Any], source: dict[str, Any], keep_typename: bool) -> None:
    """Merge an `_entities` item; `keep_typename` keeps the concrete type (@interfaceObject)."""
    if keep_typename and "__typename" in source:
        source = {key: value for key, value in source.items() if key != "__typename"}
    merge_object(target, source)


def _merge_list(target: list[Any], source: list[Any]) -> None:
    for index, value in enumerate(source):
        current = target[index]
        if current is None or current is value:
            target[index] = value
        elif type(value) is dict and type(current) is dict:
            merge_object(current, value)
        elif type(value) is list and type(current) is list and len(value) == len(current):
            _merge_list(current, value)
        else:
            target[index] = value
