"""Writing the client's response from merged data by the plan's shape, with null propagation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supergraph.execute.errors import (
    GraphQLError,
    Path,
    enum_error,
    invalid_value_error,
    non_null_error,
    unauthorized_error,
)
from supergraph.plan.nodes import SelectionShape, ShapeField

# Returned where a value became null *and* its error is already recorded: the caller nulls
# itself when its own position is non-null, up to the nearest nullable parent.
_NULLED: Any = object()


class ResponseShaper:
    """Shapes one response; holds the request's variables and collects its errors."""

    __slots__ = ("errors", "path", "variables", "violations")

    def __init__(self, variables: Mapping[str, Any], errors: list[GraphQLError]) -> None:
        self.variables = variables
        self.errors = errors
        self.violations: list[list[str | int]] = []
        self.path: Path = []

    def shape_root(self, data: dict[str, Any], shape: SelectionShape) -> dict[str, Any] | None:
        fields = shape.default
        if fields is None:
            return {}
        result = self._fields(data, fields)
        self._report_violations()
        return None if result is _NULLED else result

    def _fields(self, obj: dict[str, Any], fields: tuple[ShapeField, ...]) -> Any:
        out: dict[str, Any] = {}
        path = self.path
        for field in fields:
            if field.conditions and not self._kept(field.conditions):
                continue
            key = field.response_key
            if field.typename is not None:
                out[key] = field.typename
                continue
            if field.denied:
                path.append(key)
                self.errors.append(unauthorized_error(path))
                path.pop()
                if field.nullability[0]:
                    return _NULLED
                out[key] = None
                continue
            value = obj.get(key)
            if value is None and field.field_name == "__typename":
                value = obj.get("__typename")
            if value is None:
                if field.nullability[0]:
                    path.append(key)
                    self.violations.append(list(path))
                    path.pop()
                    return _NULLED
                out[key] = None
                continue
            if (
                field.selections is None
                and field.enum_values is None
                and len(field.nullability) == 1
            ):
                out[key] = value
                continue
            path.append(key)
            value = self._complete(value, field, 0)
            path.pop()
            if value is _NULLED:
                if field.nullability[0]:
                    return _NULLED
                value = None
            out[key] = value
        return out

    def _complete(self, value: Any, field: ShapeField, level: int) -> Any:
        nullability = field.nullability
        if level + 1 < len(nullability):
            if type(value) is not list:
                self.errors.append(invalid_value_error(self.path, "a list"))
                return _NULLED
            item_non_null = nullability[level + 1]
            items: list[Any] = []
            path = self.path
            for index, item in enumerate(value):
                if item is None:
                    if item_non_null:
                        path.append(index)
                        self.violations.append(list(path))
                        path.pop()
                        return _NULLED
                    items.append(None)
                    continue
                path.append(index)
                item = self._complete(item, field, level + 1)
                path.pop()
                if item is _NULLED:
                    if item_non_null:
                        return _NULLED
                    item = None
                items.append(item)
            return items
        selections = field.selections
        if selections is None:
            allowed = field.enum_values
            if allowed is not None and value not in allowed:
                self.errors.append(enum_error(self.path, value))
                return _NULLED
            return value
        if type(value) is not dict:
            self.errors.append(invalid_value_error(self.path, "an object"))
            return _NULLED
        fields: tuple[ShapeField, ...] | None = selections.default
        if selections.by_type:
            fields = selections.by_type.get(value.get("__typename", ""), fields)
        if fields is None:
            return {}
        return self._fields(value, fields)

    def _kept(self, conditions: tuple[tuple[str, bool], ...]) -> bool:
        variables = self.variables
        for variable, keep_when in conditions:
            if bool(variables.get(variable)) is not keep_when:
                return False
        return True

    def _report_violations(self) -> None:
        """Add an error for each null in a non-null position that no other error explains."""
        if not self.violations:
            return
        if any("path" not in error for error in self.errors):
            return  # a failed fetch already explains missing data
        explained = [error["path"] for error in self.errors]
        for violation in self.violations:
            if not any(_related(violation, path) for path in explained):
                self.errors.append(non_null_error(violation))


def _related(a: list[str | int], b: list[str | int]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]
