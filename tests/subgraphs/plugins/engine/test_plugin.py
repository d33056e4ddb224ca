"""The plugin input: its name, and its limits read from the manifest with defaults."""

from __future__ import annotations

import pytest

from subgraphs.plugins.engine import Limits, Plugin, PluginInputInvalid


def test_limits_default_when_the_manifest_has_none() -> None:
    assert Limits.from_manifest({}) == Limits(
        statement_timeout_ms=5000,
        idle_in_transaction_timeout_ms=5000,
        connections=5,
        storage_mb=100,
        temp_file_limit_mb=64,
    )


def test_limits_come_from_the_manifest() -> None:
    limits = Limits.from_manifest({"limits": {"statement_timeout_ms": 800, "storage_mb": 2}})
    assert limits.statement_timeout_ms == 800
    assert limits.idle_in_transaction_timeout_ms == 800
    assert limits.storage_bytes == 2 * 1024 * 1024


@pytest.mark.parametrize("value", [0, -1, "5", 2.5, True, None])
def test_a_bad_limit_is_refused_naming_it(value: object) -> None:
    with pytest.raises(PluginInputInvalid, match=r"limits\.connections"):
        Limits.from_manifest({"limits": {"connections": value}})


@pytest.mark.parametrize("name", ["ab", "Blog", "1blog", "blog-post", "b" * 42, "blog;drop"])
def test_a_bad_plugin_name_is_refused(name: str) -> None:
    with pytest.raises(PluginInputInvalid, match="plugin name"):
        Plugin(name=name, version="1.0.0", manifest={})


def test_a_name_or_version_other_than_the_manifests_is_refused() -> None:
    with pytest.raises(PluginInputInvalid, match="does not match the manifest"):
        Plugin(name="blog", version="1.0.0", manifest={"name": "blog", "version": "2.0.0"})
