"""A plugin's settings: its manifest's JSON Schema and defaults, stored under `plugin.<name>.*`.

Each top-level property is one row of `system.system_settings` (key `plugin.<name>.<property>`),
so the namespace the system subgraph reserves for plugins holds them. What a plugin's process
receives is the defaults overlaid with the stored values, validated against the schema.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.plugins.lifecycle.errors import PluginSettingsInvalid


def prefix(name: str) -> str:
    return f"plugin.{name}."


def schema_of(manifest: Mapping[str, Any]) -> dict[str, Any]:
    schema = manifest.get("settings")
    return dict(schema) if isinstance(schema, Mapping) else {"type": "object", "properties": {}}


def defaults(manifest: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema_of(manifest).get("properties") or {}
    return {
        key: spec["default"]
        for key, spec in properties.items()
        if isinstance(spec, Mapping) and "default" in spec
    }


def problems(manifest: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """Every way `values` break the plugin's settings schema, each naming its setting."""
    schema = schema_of(manifest)
    try:
        validator = Draft202012Validator(schema)
    except SchemaError as exc:  # verified manifests have a valid schema; be explicit anyway
        return [f"the plugin's settings schema is invalid: {exc.message}"]
    found: list[str] = []
    for error in sorted(validator.iter_errors(dict(values)), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or "(settings)"
        found.append(f"{where}: {error.message}")
    properties = schema.get("properties") or {}
    if schema.get("additionalProperties") is not False:
        known = ", ".join(sorted(properties)) or "none"
        found += [
            f"{key}: not a setting of this plugin (known: {known})"
            for key in values
            if key not in properties
        ]
    return found


async def stored(conn: AsyncConnection, name: str) -> dict[str, Any]:
    result = await conn.execute(
        text("SELECT key, value FROM system.system_settings WHERE key LIKE :pattern"),
        {"pattern": _like(prefix(name))},
    )
    # jsonb arrives decoded (the engine's JSON codec): a stored string is already a str.
    return {key[len(prefix(name)) :]: value for key, value in result.all()}


async def effective(
    conn: AsyncConnection, name: str, manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """Defaults overlaid with the stored values (stored keys the schema no longer has dropped)."""
    known = set((schema_of(manifest).get("properties") or {}).keys())
    merged = defaults(manifest)
    merged.update({k: v for k, v in (await stored(conn, name)).items() if k in known})
    return merged


async def replace(
    conn: AsyncConnection,
    name: str,
    manifest: Mapping[str, Any],
    changes: Mapping[str, Any],
    updated_by: str | None,
) -> dict[str, Any]:
    """Apply `changes` (a value of None resets that setting to its default) in the caller's
    transaction; refuses them all, naming each problem, when the result breaks the schema."""
    if not isinstance(changes, Mapping):
        raise PluginSettingsInvalid(name, ["settings must be a JSON object"])
    current = await effective(conn, name, manifest)
    base = defaults(manifest)
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
            if key in base:
                merged[key] = base[key]
        else:
            merged[key] = value
    found = problems(manifest, merged)
    unknown = [k for k in changes if k not in (schema_of(manifest).get("properties") or {})]
    found += [
        f"{k}: not a setting of this plugin" for k in unknown if not any(k in p for p in found)
    ]
    if found:
        raise PluginSettingsInvalid(name, found)
    for key, value in changes.items():
        if value is None:
            await conn.execute(
                text("DELETE FROM system.system_settings WHERE key = :key"),
                {"key": prefix(name) + key},
            )
            continue
        await conn.execute(
            text(
                "INSERT INTO system.system_settings (key, value, updated_by, updated_at)"
                " VALUES (:key, CAST(:value AS jsonb), CAST(:by AS uuid), now())"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
                " updated_by = EXCLUDED.updated_by, updated_at = now()"
            ),
            {"key": prefix(name) + key, "value": json.dumps(value), "by": _uuid(updated_by)},
        )
    return merged


async def forget(conn: AsyncConnection, name: str) -> None:
    """Drop every stored setting of the plugin (uninstall without keeping data)."""
    await conn.execute(
        text("DELETE FROM system.system_settings WHERE key LIKE :pattern"),
        {"pattern": _like(prefix(name))},
    )


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _uuid(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
