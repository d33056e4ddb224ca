"""Query plans built by hand, exactly as the planner builds them, for executor tests."""

from __future__ import annotations

from collections.abc import Iterable

from supergraph.plan.nodes import (
    FetchNode,
    FlattenNode,
    RequiredField,
    RequiredFragment,
    SelectionShape,
    ShapeField,
)

ENTITIES_PREFIX = "query($representations:[_Any!]!){_entities(representations:$representations){"


def root_fetch(
    service: str,
    selection: str,
    *,
    kind: str = "query",
    variables: str = "",
    usages: tuple[str, ...] = (),
) -> FetchNode:
    operation = f"{kind}{variables}{{{selection}}}" if variables else f"{kind}{{{selection}}}"
    return FetchNode(
        service=service,
        operation=operation,
        operation_kind=kind,  # type: ignore[arg-type]
        variable_usages=usages,
    )


def entity_fetch(
    service: str,
    typename: str,
    keys: Iterable[str | RequiredField],
    selection: str,
    *,
    possible_types: frozenset[str] = frozenset(),
    representation_typename: str | None = None,
) -> FetchNode:
    fields = tuple(RequiredField(k) if isinstance(k, str) else k for k in keys)
    requires = (RequiredFragment(typename, (RequiredField("__typename"), *fields), possible_types),)
    operation = f"{ENTITIES_PREFIX}...on {typename}{{{selection}}}}}}}"
    return FetchNode(
        service=service,
        operation=operation,
        requires=requires,
        representation_typename=representation_typename,
    )


def flatten(path: str, node: FetchNode) -> FlattenNode:
    return FlattenNode(path=tuple(path.split(".")), node=node)


def leaf(
    name: str, *, alias: str | None = None, non_null: bool = False, **extra: object
) -> ShapeField:
    return ShapeField(response_key=alias or name, field_name=name, nullability=(non_null,), **extra)  # type: ignore[arg-type]


def leaf_list(name: str, nullability: tuple[bool, ...], **extra: object) -> ShapeField:
    return ShapeField(response_key=name, field_name=name, nullability=nullability, **extra)  # type: ignore[arg-type]


def obj(
    name: str,
    *fields: ShapeField,
    alias: str | None = None,
    nullability: tuple[bool, ...] = (False,),
    **extra: object,
) -> ShapeField:
    return ShapeField(
        response_key=alias or name,
        field_name=name,
        nullability=nullability,
        selections=SelectionShape(default=fields),
        **extra,
    )  # type: ignore[arg-type]


def abstract(
    name: str, by_type: dict[str, tuple[ShapeField, ...]], nullability: tuple[bool, ...] = (False,)
) -> ShapeField:
    return ShapeField(
        response_key=name,
        field_name=name,
        nullability=nullability,
        selections=SelectionShape(by_type=by_type),
    )


def typename(value: str, alias: str | None = None) -> ShapeField:
    return ShapeField(response_key=alias or "__typename", field_name="__typename", typename=value)


def root(*fields: ShapeField) -> SelectionShape:
    return SelectionShape(default=fields)
