"""The plugin's package, imported from its plugin dir, and the federation subgraph it exposes."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

import strawberry
from strawberry.extensions import MaskErrors

from plugins.sdk.config import RunnerConfig, RunnerConfigError

FEDERATION_VERSION = "2.5"


def import_package(config: RunnerConfig) -> ModuleType:
    """The plugin's package, named like the plugin, from its plugin dir."""
    sys.path.insert(0, str(config.plugin_dir))
    return importlib.import_module(config.name)


def schema_of(package: ModuleType, name: str) -> strawberry.Schema:
    """The package's subgraph: `schema`, or `Query` (+ `Mutation`, `types`) made into a
    Federation 2 schema."""
    schema = getattr(package, "schema", None)
    if isinstance(schema, strawberry.Schema):
        return schema
    query = getattr(package, "Query", None)
    if query is None:
        raise RunnerConfigError(f"plugin {name!r} exposes neither `schema` nor `Query`")
    return strawberry.federation.Schema(
        query=query,
        mutation=getattr(package, "Mutation", None),
        types=list(getattr(package, "types", ())),
        extensions=[_masking],
        federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
    )


def load_schema(config: RunnerConfig) -> strawberry.Schema:
    """Import the plugin's package and build its subgraph (see `schema_of`)."""
    return schema_of(import_package(config), config.name)


def _masking() -> MaskErrors:
    return MaskErrors(should_mask_error=_unexpected)


def _unexpected(error: Any) -> bool:
    """Errors a plugin raises on purpose carry a `code`; anything else is masked for clients."""
    original = getattr(error, "original_error", None)
    return original is not None and not hasattr(original, "code")
