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

# What a compiled field does, decided once per shape instead of once per object.
_LEAF = 0  # a scalar copied as it is
_CONSTANT = 1  # `__typename` the gateway knows
_DENIED = 2  # null with UNAUTHORIZED_FIELD_OR_TYPE
_TYPENAME = 3  # `__typename` read from merged data
_COMPLETE = 4  # lists, objects, enums: completed level by level


class _Composite:
    """The compiled form of a field that needs completing (lists, objects, enums)."""

    __slots__ = ("by_type", "default", "enum_values", "nullability")

    def __init__(self, field: ShapeField) -> None:
        self.nullability = field.nullability
        self.enum_values = field.enum_values
        selections = field.selections
        self.default: _Fields | None = None
        self.by_type: dict[str, _Fields] = {}
        if selections is not None:
            self.default = compile_fields(selections.default)
            self.by_type = {
                name: compile_fields(fields) or () for name, fields in selections.by_type.items()
            }


# (response key, kind, non-null, conditions, constant typename or composite)
_Field = tuple[str, int, bool, tuple[tuple[str, bool], ...], Any]
_Fields = tuple[_Field, ...]


def compile_fields(fields: tuple[ShapeField, ...] | None) -> _Fields | None:
    if fields is None:
        return None
    compiled: list[_Field] = []
    for field in fields:
        extra: Any = None
        if field.typename is not None:
            kind, extra = _CONSTANT, field.typename
        elif field.denied:
            kind = _DENIED
        elif field.field_name == "__typename" and len(field.nullability) == 1:
            kind = _TYPENAME
        elif field.selections is None and field.enum_values is None and len(field.nullability) == 1:
            kind = _LEAF
        else:
            kind, extra = _COMPLETE, _Composite(field)
        compiled.append((field.response_key, kind, field.nullability[0], field.conditions, extra))
    return tuple(compiled)


class CompiledShapes:
    """Compiled root shapes by identity (plans are cached, so shapes live long)."""

    def __init__(self, limit: int = 20_000) -> None:
        self._limit = limit
        self._entries: dict[int, tuple[SelectionShape, _Fields | None]] = {}

    def get(self, shape: SelectionShape) -> _Fields | None:
        entry = self._entries.get(id(shape))
        if entry is not None and entry[0] is shape:
            return entry[1]
        if len(self._entries) >= self._limit:
            self._entries.clear()
        compiled = compile_fields(shape.default)
        self._entries[id(shape)] = (shape, compiled)
        return compiled


class ResponseShaper:
    """Shapes one response; holds the request's variables and collects its errors."""

    __slots__ = ("errors", "path", "variables", "violations")

    def __init__(self, variables: Mapping[str, Any], errors: list[GraphQLError]) -> None:
        self.variables = variables
        self.errors = errors
        self.violations: list[list[str | int]] = []
        self.path: Path = []

    def shape_root(self, data: dict[str, Any], fields: _Fields | None) -> dict[str, Any] | None:
        if fields is None:
            return {}
        result = self._fields(data, fields)
        self._report_violations()
        return None if result is _NULLED else result

    def _fields(self, obj: dict[str, Any], fields: _Fields) -> Any:
        out: dict[str, Any] = {}
        # A null in a non-null position nulls this object, but its siblings are still
        # completed, as the spec executes them, so that their errors are reported too.
        nulled = False
        for key, kind, non_null, conditions, extra in fields:
            if conditions and not self._kept(conditions):
                continue
            if kind == _LEAF:
                value = obj.get(key)
                if value is not None:
                    out[key] = value
                    continue
            elif kind == _CONSTANT:
                out[key] = extra
                continue
            elif kind == _COMPLETE:
                value = obj.get(key)
                if value is not None:
                    self.path.append(key)
                    value = self._complete(value, extra, 0)
                    self.path.pop()
                    if value is _NULLED:
                        if non_null:
                            nulled = True
                            continue
                        value = None
                    out[key] = value
                    continue
            elif kind == _TYPENAME:
                value = obj.get(key) or obj.get("__typename")
                if value is not None:
                    out[key] = value
                    continue
            else:  # _DENIED
                self.path.append(key)
                self.errors.append(unauthorized_error(self.path))
                self.path.pop()
                if non_null:
                    nulled = True
                    continue
                out[key] = None
                continue
            # The value is null.
            if non_null:
                self.path.append(key)
                self.violations.append(list(self.path))
                self.path.pop()
                nulled = True
                continue
            out[key] = None
        return _NULLED if nulled else out

    def _complete(self, value: Any, composite: _Composite, level: int) -> Any:
        nullability = composite.nullability
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
                item = self._complete(item, composite, level + 1)
                path.pop()
                if item is _NULLED:
                    if item_non_null:
                        return _NULLED
                    item = None
                items.append(item)
            return items
        if composite.default is None and not composite.by_type:
            allowed = composite.enum_values
            if allowed is not None and value not in allowed:
                self.errors.append(enum_error(self.path, value))
                return _NULLED
            return value
        if type(value) is not dict:
            self.errors.append(invalid_value_error(self.path, "an object"))
            return _NULLED
        fields = composite.default
        if composite.by_type:
            fields = composite.by_type.get(value.get("__typename", ""), fields)
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
