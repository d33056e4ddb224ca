"""`althaus plugin new`: a working plugin folder to start from (manifest, migration, package,
test), which validates and packs as it is."""

from __future__ import annotations

import re
from pathlib import Path

from core.version import PLATFORM_VERSION
from subgraphs.plugins.package.errors import LayoutInvalidError, ManifestInvalidError
from subgraphs.plugins.package.manifest import load_manifest

_NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")

_MANIFEST = """\
# The manifest of the {name} plugin; docs/plugins.md describes every field.
name: {name}
version: 0.1.0
display_name: {title}
description: A new Althaus plugin.
author: You <you@example.com>
platform: ">={major}.{minor},<{next_major}.0"
capabilities: []
limits:
  statement_timeout_ms: 5000
  memory_mb: 256
settings:
  type: object
  properties:
    greeting:
      type: string
      default: Hello
tasks: []
"""

_MIGRATION = """\
-- up
CREATE TABLE items (
    id bigserial PRIMARY KEY,
    title text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- down
DROP TABLE items;
"""

_PACKAGE = '''\
"""The {name} plugin: its part of the GraphQL API and its lifecycle hooks."""

from __future__ import annotations

import strawberry

from plugins.sdk import PluginContext


@strawberry.type
class Query:
    @strawberry.field(description="A greeting from the {name} plugin.")
    def {name}_hello(self, name: str = "world") -> str:
        return f"Hello, {{name}}, from {name}!"


async def install(context: PluginContext) -> None:
    """Runs once after the migrations, as the plugin's own database role."""


async def activate(context: PluginContext) -> None:
    """Runs when the plugin starts serving."""


async def deactivate(context: PluginContext) -> None:
    """Runs when the plugin stops serving; its data stays."""


async def uninstall(context: PluginContext, keep_data: bool) -> None:
    """Runs before the plugin's schema and role are dropped (or kept)."""


async def update(context: PluginContext, old_version: str) -> None:
    """Runs after a new version's migrations."""
'''

_TEST = '''\
"""Tests of the {name} plugin: run them with `uv run pytest {name}/tests` from its parent folder."""

from __future__ import annotations

import sys
from pathlib import Path

import strawberry
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import {name}  # noqa: E402


def test_hello_answers_through_the_schema() -> None:
    schema = strawberry.Schema(query={name}.Query)
    result = schema.execute_sync('{{ {field}(name: "Ann") }}')
    assert result.errors is None
    assert result.data == {{"{field}": "Hello, Ann, from {name}!"}}


def test_manifest_names_this_package() -> None:
    manifest = yaml.safe_load((ROOT / "plugin.yaml").read_text())
    assert manifest["name"] == {name}.__name__
'''

_README = """\
# {title}

An Althaus plugin. Check, pack and sign it, then install it:

    althaus plugin pack {name} --key publisher.key --out {name}.althaus
    althaus plugin verify {name}.althaus
"""


def scaffold(name: str, parent: Path) -> Path:
    """Write a new plugin folder `parent/name`; refuses a bad name or an existing folder."""
    if not _NAME.match(name):
        raise ManifestInvalidError(
            [f"name: {name!r} must be 3-41 characters of a-z, 0-9 and '_', starting with a letter"],
            "the plugin name",
        )
    root = parent / name
    if root.exists():
        raise LayoutInvalidError(f"{root} already exists; choose another name or --dir")
    major, minor = (int(part) for part in PLATFORM_VERSION.split(".")[:2])
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "field": _camel(f"{name}_hello"),
        "major": major,
        "minor": minor,
        "next_major": major + 1,
    }
    files = {
        "plugin.yaml": _MANIFEST,
        "README.md": _README,
        "migrations/0001_create_items.sql": _MIGRATION,
        f"{name}/__init__.py": _PACKAGE,
        f"tests/test_{name}.py": _TEST,
    }
    load_manifest(_MANIFEST.format(**values))  # a reserved name is refused before any write
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return root


def _camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part.capitalize() for part in rest)
