"""Type compatibility across subgraphs: output types widen, input types narrow."""

from __future__ import annotations

from collections.abc import Callable

from graphql.language import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode, print_ast

IsSubtype = Callable[[str, str], bool]  # (named sub, named super) -> bool


def type_text(node: TypeNode) -> str:
    return print_ast(node)


def is_subtype(sub: TypeNode, sup: TypeNode, named: IsSubtype) -> bool:
    """`sub` fits where `sup` is declared: same shape, stricter nullability, or a subtype."""
    if isinstance(sup, NonNullTypeNode):
        return isinstance(sub, NonNullTypeNode) and is_subtype(sub.type, sup.type, named)
    if isinstance(sub, NonNullTypeNode):
        return is_subtype(sub.type, sup, named)
    if isinstance(sup, ListTypeNode):
        return isinstance(sub, ListTypeNode) and is_subtype(sub.type, sup.type, named)
    if isinstance(sub, ListTypeNode):
        return False
    assert isinstance(sub, NamedTypeNode) and isinstance(sup, NamedTypeNode)
    return sub.name.value == sup.name.value or named(sub.name.value, sup.name.value)


def widest(types: list[TypeNode], named: IsSubtype) -> TypeNode | None:
    """The one type every other is a subtype of (merged output type), or None when they conflict."""
    for candidate in types:
        if all(is_subtype(other, candidate, named) for other in types):
            return candidate
    return None


def narrowest(types: list[TypeNode]) -> TypeNode | None:
    """The most restrictive type (merged input type): non-null wherever any subgraph says so."""
    result = types[0]
    for other in types[1:]:
        merged = _narrow(result, other)
        if merged is None:
            return None
        result = merged
    return result


def _narrow(a: TypeNode, b: TypeNode) -> TypeNode | None:
    a_strict, b_strict = isinstance(a, NonNullTypeNode), isinstance(b, NonNullTypeNode)
    inner_a = a.type if isinstance(a, NonNullTypeNode) else a
    inner_b = b.type if isinstance(b, NonNullTypeNode) else b
    if isinstance(inner_a, ListTypeNode) and isinstance(inner_b, ListTypeNode):
        merged_item = _narrow(inner_a.type, inner_b.type)
        if merged_item is None:
            return None
        inner: TypeNode = ListTypeNode(type=merged_item)
    elif isinstance(inner_a, NamedTypeNode) and isinstance(inner_b, NamedTypeNode):
        if inner_a.name.value != inner_b.name.value:
            return None
        inner = inner_a
    else:
        return None
    if a_strict or b_strict:
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    return inner


def named_type(type_node: TypeNode) -> str:
    while isinstance(type_node, NonNullTypeNode | ListTypeNode):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value
