"""The response shape: the client's selections, normalized, as the executor writes them."""

from __future__ import annotations

from supergraph.plan.graph import SupergraphIndex
from supergraph.plan.nodes import DeniedField, SelectionShape, ShapeField
from supergraph.plan.operation import NField, NSelection, collect

_COMPOSITE = ("object", "interface", "union")


class ShapeBuilder:
    def __init__(self, index: SupergraphIndex, denied: frozenset[int]) -> None:
        self.index = index
        self.denied = denied
        self.denied_fields: dict[tuple[tuple[str, ...], str], DeniedField] = {}

    def selection(
        self, type_name: str, selections: list[NSelection], path: tuple[str, ...]
    ) -> SelectionShape:
        index = self.index
        info = index.type(type_name)
        if info.kind == "object":
            fields = collect(selections, lambda c: index.applies(c, type_name))
            return SelectionShape(default=self.fields(type_name, fields, path, True))
        by_type = {}
        for runtime in index.api_possible_types(type_name):
            fields = collect(selections, lambda c, r=runtime: index.applies(c, r))  # type: ignore[misc]
            by_type[runtime] = self.fields(runtime, fields, path, True)
        common = collect(selections, lambda c: index.applies(c, type_name))
        return SelectionShape(default=self.fields(type_name, common, path, False), by_type=by_type)

    def fields(
        self, type_name: str, fields: list[NField], path: tuple[str, ...], concrete: bool
    ) -> tuple[ShapeField, ...]:
        out: list[ShapeField] = []
        info = self.index.type(type_name)
        for f in fields:
            if f.name == "__typename":
                out.append(
                    ShapeField(
                        f.key,
                        "__typename",
                        (True,),
                        typename=type_name if concrete else None,
                        conditions=f.conditions,
                    )
                )
                continue
            if f.name in ("__schema", "__type"):
                out.append(
                    ShapeField(f.key, f.name, (f.name == "__schema",), conditions=f.conditions)
                )
                continue
            fi = info.fields[f.name]
            at = (*path, f.key)
            denied = f.loc is not None and f.loc in self.denied
            if denied:
                coordinate = f"{type_name}.{f.name}"
                self.denied_fields.setdefault((at, coordinate), DeniedField(at, coordinate))
            child = self.index.types.get(fi.named_type)
            selections = None
            if child is not None and child.kind in _COMPOSITE and not denied:
                inner = at + ("@",) * (len(fi.nullability) - 1)
                selections = self.selection(fi.named_type, f.selections or [], inner)
            out.append(
                ShapeField(
                    f.key,
                    f.name,
                    fi.nullability,
                    selections,
                    conditions=f.conditions,
                    denied=denied,
                    enum_values=self.index.enum_values(fi.named_type)
                    if child is not None and child.kind == "enum"
                    else None,
                )
            )
        return tuple(out)
