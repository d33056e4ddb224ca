"""Checks one subgraph on its own: keys, requires, provides, external, override, shareable."""

from __future__ import annotations

import re

from graphql.language import FieldNode, InlineFragmentNode

from .contexts import check_contexts
from .demand_control import check_demand_control
from .errors import Report
from .fieldset import FieldSetError, Selected, parse_field_set, walk_field_set
from .model import INTERFACE, OBJECT, FieldModel, SubgraphModel, TypeModel
from .typing_rules import named_type

_LABEL = re.compile(
    r"^(?:[a-zA-Z][a-zA-Z0-9_\-:./]*|percent\((?:\d{1,2}(?:\.\d{1,8})?|100(?:\.0{1,8})?)\))$"
)

_KEY_CODES = {
    "syntax": "KEY_INVALID_FIELDS",
    "unknown": "KEY_INVALID_FIELDS",
    "leaf": "KEY_INVALID_FIELDS",
    "composite": "KEY_INVALID_FIELDS",
    "fragment": "KEY_INVALID_FIELDS",
    "args": "KEY_FIELDS_HAS_ARGS",
    "directive": "KEY_DIRECTIVE_IN_FIELDS_ARG",
}


def validate_subgraph(subgraph: SubgraphModel, report: Report) -> None:
    """Record every problem of `subgraph` in `report` (Federation 1 key externals become plain)."""
    used: set[Selected] = set()
    for model in subgraph.types.values():
        for key in model.keys:
            selected = _check_key(subgraph, model, key.fields, report)
            used.update(selected)
            if not subgraph.fed2 or model.extension:
                # key fields of extensions (`extend type`, `@extends`) may be @external
                for item in selected:
                    subgraph.types[item.parent].fields[item.field].external = False
        for field in model.fields.values():
            coordinate = f"{model.name}.{field.name}"
            if field.requires is not None:
                used.update(_check_requires(subgraph, model, field, report))
            if field.provides is not None:
                used.update(_check_provides(subgraph, model, field, report))
            _check_override(subgraph, model, field, coordinate, report)
            if field.shareable and model.kind == INTERFACE and subgraph.fed2:
                report.error(
                    "INVALID_SHAREABLE_USAGE",
                    f'[{subgraph.name}] Invalid use of @shareable on field "{coordinate}": only '
                    "object type fields can be marked with @shareable",
                    (subgraph.name,),
                    coordinate,
                )
    _check_auth_on_interfaces(subgraph, report)
    for model in subgraph.types.values():
        if model.interface_object and not model.keys:
            report.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f"[{subgraph.name}] The @interfaceObject directive can only be applied to entity "
                f'types but type "{model.name}" has no @key in this subgraph.',
                (subgraph.name,),
                model.name,
            )
    _check_externals(subgraph, used, report)
    _check_interface_keys(subgraph, report)
    check_contexts(subgraph, report)
    check_demand_control(subgraph, report)
    if subgraph.fed2 and subgraph.version < (2, 3):
        for model in subgraph.types.values():
            if model.kind == INTERFACE and model.keys:
                report.error(
                    "KEY_UNSUPPORTED_ON_INTERFACE",
                    f'[{subgraph.name}] Cannot use @key on interface "{model.name}": '
                    "@key is not yet supported on interfaces",
                    (subgraph.name,),
                    model.name,
                )


def _check_key(
    subgraph: SubgraphModel, model: TypeModel, fields: str, report: Report
) -> list[Selected]:
    where = f'[{subgraph.name}] On type "{model.name}", for @key(fields: "{fields}")'
    try:
        selected = walk_field_set(subgraph, model, fields)
    except FieldSetError as exc:
        extra = ""
        if exc.kind == "unknown":
            extra = (
                " (the field should either be added to this subgraph or, if it should not be "
                "resolved by this "
                "subgraph, you need to add it to this subgraph with @external)."
            )
        report.error(
            _KEY_CODES[exc.kind], f"{where}: {exc.message}{extra}", (subgraph.name,), model.name
        )
        return []
    for item in selected:
        parent = subgraph.types[item.parent]
        target = subgraph.type(named_type(parent.fields[item.field].type))
        if target is not None and target.kind in ("INTERFACE", "UNION"):
            word = "Interface" if target.kind == "INTERFACE" else "Union"
            report.error(
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                f'{where}: field "{item.parent}.{item.field}" is a {word} type which is not '
                "allowed in @key",
                (subgraph.name,),
                model.name,
            )
    return selected


def _check_requires(
    subgraph: SubgraphModel, model: TypeModel, field: FieldModel, report: Report
) -> list[Selected]:
    coordinate = f"{model.name}.{field.name}"
    where = f'[{subgraph.name}] On field "{coordinate}", for @requires(fields: "{field.requires}")'
    if model.kind == INTERFACE:
        report.error(
            "REQUIRES_UNSUPPORTED_ON_INTERFACE",
            f'[{subgraph.name}] Cannot use @requires on field "{coordinate}" of parent type '
            f'"{model.name}": @requires is not yet supported within interfaces',
            (subgraph.name,),
            coordinate,
        )
        return []
    try:
        selected = walk_field_set(subgraph, model, field.requires or "", arguments=subgraph.fed2)
    except FieldSetError as exc:
        code = {
            "args": "REQUIRES_FIELDS_HAS_ARGS",
            "directive": "REQUIRES_DIRECTIVE_IN_FIELDS_ARG",
        }.get(exc.kind, "REQUIRES_INVALID_FIELDS")
        extra = (
            " (if the field is defined in another subgraph, you need to add it to this subgraph "
            "with @external)."
            if exc.kind == "unknown"
            else ""
        )
        report.error(code, f"{where}: {exc.message}{extra}", (subgraph.name,), coordinate)
        return []
    if subgraph.fed2:
        # Apollo's rule: a required leaf must be @external; a field with a selection may be
        # local when what it selects is external (`comments { authorId }`)
        composite = _composite_top_fields(field.requires or "")
        for item in selected:
            if (
                item.depth == 0
                and not model.fields[item.field].external
                and item.field not in composite
            ):
                report.error(
                    "REQUIRES_FIELDS_MISSING_EXTERNAL",
                    f'{where}: field "{item.parent}.{item.field}" should not be part of a '
                    "@requires since it is already provided by this subgraph (it is not marked "
                    "@external)",
                    (subgraph.name,),
                    coordinate,
                )
    return selected


def _check_provides(
    subgraph: SubgraphModel, model: TypeModel, field: FieldModel, report: Report
) -> list[Selected]:
    coordinate = f"{model.name}.{field.name}"
    where = f'[{subgraph.name}] On field "{coordinate}", for @provides(fields: "{field.provides}")'
    if model.kind == INTERFACE:
        report.error(
            "PROVIDES_UNSUPPORTED_ON_INTERFACE",
            f'[{subgraph.name}] Cannot use @provides on field "{coordinate}" of parent type '
            f'"{model.name}": @provides is not yet supported within interfaces',
            (subgraph.name,),
            coordinate,
        )
        return []
    target = subgraph.type(named_type(field.type))
    if target is None or target.kind not in (OBJECT, INTERFACE, "UNION"):
        report.error(
            "PROVIDES_ON_NON_OBJECT_FIELD",
            f'{where}: Invalid @provides directive on field "{coordinate}": field has type '
            f'"{named_type(field.type)}" which is not a Composite Type',
            (subgraph.name,),
            coordinate,
        )
        return []
    try:
        selected = walk_field_set(subgraph, target, field.provides or "")
    except FieldSetError as exc:
        code = {
            "args": "PROVIDES_FIELDS_HAS_ARGS",
            "directive": "PROVIDES_DIRECTIVE_IN_FIELDS_ARG",
        }.get(exc.kind, "PROVIDES_INVALID_FIELDS")
        extra = (
            " (if the field is defined in another subgraph, you need to add it to this subgraph "
            "with @external)."
            if exc.kind == "unknown"
            else ""
        )
        report.error(code, f"{where}: {exc.message}{extra}", (subgraph.name,), coordinate)
        return []
    if subgraph.fed2:
        for item in selected:
            parent = subgraph.types[item.parent]
            if item.depth == 0 and not parent.fields[item.field].external:
                report.error(
                    "PROVIDES_FIELDS_MISSING_EXTERNAL",
                    f'{where}: field "{item.parent}.{item.field}" should not be part of a '
                    "@provides since it is already provided by this subgraph (it is not marked "
                    "@external)",
                    (subgraph.name,),
                    coordinate,
                )
    return selected


def _check_override(
    subgraph: SubgraphModel, model: TypeModel, field: FieldModel, coordinate: str, report: Report
) -> None:
    if field.override is None:
        return
    if model.kind == INTERFACE:
        report.error(
            "OVERRIDE_ON_INTERFACE",
            f'[{subgraph.name}] @override cannot be used on field "{coordinate}" on subgraph '
            f'"{subgraph.name}" since "{model.name}" on "{subgraph.name}" is marked with '
            'directive "@interfaceObject"'
            if model.interface_object
            else f'[{subgraph.name}] @override cannot be used on field "{coordinate}" '
            f'of interface type "{model.name}"',
            (subgraph.name,),
            coordinate,
        )
    if field.override == subgraph.name:
        report.error(
            "OVERRIDE_FROM_SELF_ERROR",
            f'[{subgraph.name}] Source and destination subgraphs "{subgraph.name}" are the same '
            f'for overridden field "{coordinate}"',
            (subgraph.name,),
            coordinate,
        )
    if field.external:
        report.error(
            "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'[{subgraph.name}] @override cannot be used on field "{coordinate}" on subgraph '
            f'"{subgraph.name}" since "{coordinate}" on "{subgraph.name}" is marked with '
            'directive "@external"',
            (subgraph.name,),
            coordinate,
        )
    if field.override_label is not None and not _LABEL.match(field.override_label):
        report.error(
            "OVERRIDE_LABEL_INVALID",
            f'[{subgraph.name}] Invalid @override label "{field.override_label}" on field '
            f'"{coordinate}" on subgraph "{subgraph.name}": labels must start with a letter and '
            "after that may contain alphanumerics, underscores, minuses, colons, periods, or "
            'slashes. Alternatively, labels may be of the form "percent(x)" where x is a float '
            "between 0-100 inclusive.",
            (subgraph.name,),
            coordinate,
        )


def _check_externals(subgraph: SubgraphModel, used: set[Selected], report: Report) -> None:
    for model in subgraph.types.values():
        implemented: set[str] = set()
        for interface in model.interfaces:
            interface_model = subgraph.type(interface)
            if interface_model is not None:
                implemented.update(interface_model.fields)
        for field in list(model.fields.values()):
            if not field.external or Selected(model.name, field.name) in used:
                continue
            coordinate = f"{model.name}.{field.name}"
            if not subgraph.fed2:
                # Federation 1 tolerated unused @external: such a field is simply not resolved here
                field.external = True
                continue
            if field.name in implemented or model.kind == INTERFACE:
                continue
            report.error(
                "EXTERNAL_UNUSED",
                f'[{subgraph.name}] Field "{coordinate}" is marked @external but is not used in '
                "any federation directive (@key, @provides, @requires) or to satisfy an "
                "interface; the field declaration has no use and should be removed (or the field "
                "should not be @external).",
                (subgraph.name,),
                coordinate,
            )


def _check_interface_keys(subgraph: SubgraphModel, report: Report) -> None:
    for interface in subgraph.types.values():
        if interface.kind != INTERFACE or not interface.keys:
            continue
        for model in subgraph.types.values():
            if interface.name not in model.interfaces or model.kind != OBJECT:
                continue
            own = {key.fields for key in model.keys}
            for key in interface.keys:
                if key.fields not in own:
                    report.error(
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'[{subgraph.name}] Key @key(fields: "{key.fields}") on interface type '
                        f'"{interface.name}" is missing on implementation type "{model.name}".',
                        (subgraph.name,),
                        model.name,
                    )


_AUTHORIZATION = ("authenticated", "requiresScopes", "policy")


def _check_auth_on_interfaces(subgraph: SubgraphModel, report: Report) -> None:
    for model in subgraph.types.values():
        if model.kind != INTERFACE and not model.interface_object:
            continue
        elements = [("type", model.name, model.applied)]
        elements += [("field", f"{model.name}.{f.name}", f.applied) for f in model.fields.values()]
        for word, coordinate, applied in elements:
            for directive in applied:
                name = directive.name.value
                if name in _AUTHORIZATION:
                    report.error(
                        "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
                        f'[{subgraph.name}] Invalid use of @{name} on {word} "{coordinate}": '
                        f"@{name} cannot be applied on interfaces, interface fields and "
                        "interface objects",
                        (subgraph.name,),
                        coordinate,
                    )


def _composite_top_fields(text: str) -> set[str]:
    """Names of the top-level fields of a field set that have a selection of their own."""
    try:
        selection_set = parse_field_set(text)
    except FieldSetError:
        return set()
    out: set[str] = set()
    stack = list(selection_set.selections)
    while stack:
        selection = stack.pop()
        if isinstance(selection, FieldNode):
            if selection.selection_set is not None:
                out.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            stack.extend(selection.selection_set.selections)
    return out
