"""Entity representations: finding objects at a flatten path and copying their required fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from supergraph.plan.nodes import RequiredField, RequiredFragment, RequiredSelection

_MISSING: Any = object()

# (name sent to the subgraph, key read in merged data, nested selector)
_Fields = tuple[tuple[str, str, "_Selector | None"], ...]


class _Selector:
    """Compiled required selections: the fields every object gives, plus fields per type."""

    __slots__ = ("by_type", "common")

    def __init__(self, selections: Iterable[RequiredSelection]) -> None:
        common: list[tuple[str, str, _Selector | None]] = []
        by_type: dict[str, list[tuple[str, str, _Selector | None]]] = {}
        for selection in selections:
            if isinstance(selection, RequiredField):
                common.append(_compile_field(selection))
            else:
                fields = [_compile_fragment_field(s) for s in selection.selections]
                for type_name in _fragment_types(selection):
                    by_type.setdefault(type_name, []).extend(fields)
        self.common: _Fields = tuple(common)
        self.by_type: dict[str, _Fields] = {name: tuple(f) for name, f in by_type.items()}

    def fields_for(self, obj: dict[str, Any]) -> _Fields | None:
        if not self.by_type:
            return self.common
        fragment = self.by_type.get(obj.get("__typename"))  # type: ignore[arg-type]
        if fragment is None:
            return self.common or None
        return self.common + fragment if self.common else fragment

    def copy(self, obj: dict[str, Any]) -> dict[str, Any] | Any:
        fields = self.fields_for(obj)
        if fields is None:
            return {}
        return _copy_fields(obj, fields)

    def copy_value(self, value: Any) -> Any:
        if type(value) is dict:
            return self.copy(value)
        if type(value) is list:
            items = [self.copy_value(item) for item in value]
            return _MISSING if _MISSING in items else items
        return value


def _compile_field(field: RequiredField) -> tuple[str, str, _Selector | None]:
    # A field the planner had to alias (a client alias took its name) is read under the alias
    # and sent under its own name.
    selector = _Selector(field.selections) if field.selections else None
    return field.name, field.alias or field.name, selector


def _compile_fragment_field(selection: RequiredSelection) -> tuple[str, str, _Selector | None]:
    if isinstance(selection, RequiredField):
        return _compile_field(selection)
    raise ValueError("nested fragments inside a representation fragment are not supported")


def _fragment_types(fragment: RequiredFragment) -> set[str]:
    return {fragment.type_condition, *fragment.possible_types}


def _copy_fields(obj: dict[str, Any], fields: _Fields) -> dict[str, Any] | Any:
    out: dict[str, Any] = {}
    for name, key, sub in fields:
        value = obj.get(key, _MISSING)
        if value is _MISSING:
            return _MISSING
        if sub is not None and value is not None:
            value = sub.copy_value(value)
            if value is _MISSING:
                return _MISSING
        out[name] = value
    return out


class RepresentationBuilder:
    """Builds, for one entity fetch, the deduplicated representations of a batch of objects."""

    __slots__ = ("_flat", "_selector", "_typename")

    def __init__(self, requires: tuple[RequiredSelection, ...], typename: str | None) -> None:
        self._selector = _Selector(requires)
        self._typename = typename
        # The common case (keys and @requires of plain, unaliased fields): names per concrete type.
        self._flat: dict[str, tuple[str, ...]] | None = None
        selector = self._selector
        if not selector.common and all(
            sub is None and key == name
            for fields in selector.by_type.values()
            for name, key, sub in fields
        ):
            self._flat = {
                name: tuple(field for field, _, _ in fields)
                for name, fields in selector.by_type.items()
            }

    def build(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        fields = self._selector.fields_for(obj)
        if fields is None:
            return None
        representation = _copy_fields(obj, fields)
        if representation is _MISSING:
            return None
        return self._typed(representation, obj)

    def _typed(self, representation: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any] | None:
        if self._typename is not None:
            representation["__typename"] = self._typename
        elif "__typename" not in representation:
            typename = obj.get("__typename")
            if typename is None:
                return None
            representation["__typename"] = typename
        return representation

    def batch(
        self, objects: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
        """Representations, each sent once, and for each the objects that produced it."""
        representations: list[dict[str, Any]] = []
        groups: list[list[dict[str, Any]]] = []
        index: dict[bytes, int] = {}
        seen: set[int] = set()
        flat = self._flat
        dumps = orjson.dumps
        for obj in objects:
            identity = id(obj)
            if identity in seen:
                continue
            seen.add(identity)
            representation: dict[str, Any] | None
            if flat is not None:
                names = flat.get(obj.get("__typename"))  # type: ignore[arg-type]
                if names is None:
                    continue
                try:
                    representation = {name: obj[name] for name in names}
                except KeyError:
                    continue  # a key field is missing: this object cannot be resolved
                if self._typename is not None or "__typename" not in representation:
                    representation = self._typed(representation, obj)
                    if representation is None:
                        continue
            else:
                representation = self.build(obj)
                if representation is None:
                    continue
            key = dumps(representation)
            position = index.get(key)
            if position is None:
                index[key] = len(representations)
                representations.append(representation)
                groups.append([obj])
            else:
                groups[position].append(obj)
        return representations, groups


def objects_at(
    root: dict[str, Any],
    path: tuple[str, ...],
    type_conditions: tuple[tuple[int, frozenset[str]], ...] = (),
) -> list[dict[str, Any]]:
    """Every object found at `path` in merged data ("@" = every list item), nulls left out;
    after `depth` elements only objects of the types a condition names go on."""
    current: list[dict[str, Any]] = [root]
    conditions = dict(type_conditions)
    for depth, key in enumerate(path, 1):
        if key == "@":
            allowed = conditions.get(depth)
            if allowed is not None:
                current = [v for v in current if v.get("__typename") in allowed]
            continue  # lists are expanded as they are met, whatever the path says
        found: list[dict[str, Any]] = []
        append = found.append
        for value in current:
            child = value.get(key)
            if type(child) is dict:
                append(child)
            elif type(child) is list:
                _extend_objects(found, child)
        current = found
        allowed = conditions.get(depth)
        if allowed is not None:
            current = [v for v in current if v.get("__typename") in allowed]
    return current


def _extend_objects(found: list[dict[str, Any]], items: list[Any]) -> None:
    append = found.append
    for item in items:
        if type(item) is dict:
            append(item)
        elif type(item) is list:
            _extend_objects(found, item)


def paths_of(
    root: dict[str, Any],
    path: tuple[str, ...],
    wanted: set[int],
) -> dict[int, list[list[str | int]]]:
    """The client paths of the objects (by identity) in `wanted`, found along `path`.

    Walked only when a subgraph reports an error, so the happy path carries no paths.
    """
    found: dict[int, list[list[str | int]]] = {}
    current: list[tuple[Any, list[str | int]]] = [(root, [])]
    for key in path:
        if key == "@":
            continue
        step: list[tuple[Any, list[str | int]]] = []
        for value, at in _flatten_with_paths(current):
            child = value.get(key)
            if child is not None:
                step.append((child, [*at, key]))
        current = step
    for value, at in _flatten_with_paths(current):
        if id(value) in wanted:
            found.setdefault(id(value), []).append(at)
    return found


def _flatten_with_paths(
    values: list[tuple[Any, list[str | int]]],
) -> list[tuple[dict[str, Any], list[str | int]]]:
    out: list[tuple[dict[str, Any], list[str | int]]] = []
    stack = list(reversed(values))
    while stack:
        value, at = stack.pop()
        if type(value) is dict:
            out.append((value, at))
        elif type(value) is list:
            stack.extend(reversed([(item, [*at, i]) for i, item in enumerate(value)]))
    return out
