"""Normalises a supergraph SDL so two composers' outputs compare by meaning, not by layout."""

from __future__ import annotations

import re
from typing import Any

from graphql import parse, print_ast
from graphql.language import Node, StringValueNode, Visitor, visit

_SPEC_PREFIXES = ("join__", "link__")
_SORTED = ("fields", "values", "interfaces", "types", "directives", "locations")


def normalize_supergraph(sdl: str, drop: frozenset[str] = frozenset()) -> str:
    """Sort definitions, fields, values, members, directives; drop spec descriptions.

    `drop` names top-level definitions to leave out (spec elements one composer prints, one not).
    """
    document = visit(parse(sdl, no_location=True), _Normalizer())
    blocks = sorted(
        print_ast(definition)
        for definition in document.definitions
        if getattr(getattr(definition, "name", None), "value", None) not in drop
    )
    return "\n\n".join(blocks) + "\n"


def _replace(node: Node, **changes: Any) -> Node:
    values = {key: getattr(node, key) for key in node.keys if key != "loc"}
    values.update(changes)
    return type(node)(**values)


def _name(node: Node) -> str:
    name = getattr(node, "name", None)
    return name.value if name is not None else print_ast(node)


_FIELD_SET_ARGUMENTS = ("key", "requires", "provides")


def _field_set(text: str) -> str:
    """A field set in one spelling: `a{b}` and `a { b }` mean the same."""
    try:
        printed = print_ast(parse("{" + text + "}", no_location=True))
    except Exception:
        return text
    return re.sub(r"\s*([{}])\s*", r" \1 ", re.sub(r"\s+", " ", printed)).strip()


class _Normalizer(Visitor):
    def leave(self, node: Node, *_: object) -> Node:
        changes: dict[str, Any] = {}
        if node.kind == "argument" and node.name.value in _FIELD_SET_ARGUMENTS:  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, StringValueNode):
                return _replace(node, value=StringValueNode(value=_field_set(value.value)))
        name = getattr(getattr(node, "name", None), "value", "") or ""
        if node.kind == "directive" and node.arguments:  # type: ignore[attr-defined]
            changes["arguments"] = tuple(sorted(node.arguments, key=_name))  # type: ignore[attr-defined]
        for attribute in _SORTED:
            items = getattr(node, attribute, None)
            if items:
                key = print_ast if attribute == "directives" else _name
                changes[attribute] = tuple(sorted(items, key=key))
        if (
            node.kind == "directive_definition" or name.startswith(_SPEC_PREFIXES)
        ) and "description" in node.keys:
            changes["description"] = None
            for attribute in ("fields", "values", "arguments"):
                items = changes.get(attribute, getattr(node, attribute, None))
                if items:
                    changes[attribute] = tuple(_replace(i, description=None) for i in items)
        return _replace(node, **changes) if changes else node
