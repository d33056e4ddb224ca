"""docs/plugins.md: its examples are the real thing (the manifest loads, the migration parses)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from subgraphs.plugins.package.layout import parse_migration
from subgraphs.plugins.package.manifest import Limits, load_manifest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()


def _block(language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)
    assert len(blocks) == 1
    return textwrap.dedent(blocks[0])


def test_the_documented_manifest_is_valid_and_its_defaults_are_the_real_ones() -> None:
    manifest = load_manifest(_block("yaml"))
    assert manifest.name == "blog_extra"
    documented = dict(re.findall(r"^  (\w+): (\d+)\s+# \d", _block("yaml"), flags=re.MULTILINE))
    assert len(documented) == 6
    for field, value in documented.items():
        assert getattr(Limits(), field) == int(value), f"docs show a wrong default for {field}"


def test_the_documented_migration_parses() -> None:
    migration = parse_migration("0001_create_items.sql", _block("sql").encode())
    assert migration.down == "DROP TABLE items;"
