"""The plugin SDK: hook specifications, and the scaffold's hooks matching them."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

from plugins.sdk import HOOKS, PluginContext
from subgraphs.plugins.package.scaffold import scaffold


def test_every_hook_is_async_and_takes_the_context_first() -> None:
    assert set(HOOKS) == {"install", "activate", "deactivate", "uninstall", "update"}
    for hook in HOOKS.values():
        assert inspect.iscoroutinefunction(hook)
        assert next(iter(inspect.signature(hook).parameters)) == "context"


def test_the_scaffolded_hooks_have_the_specified_signatures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = scaffold("hooked", tmp_path)
    spec = importlib.util.spec_from_file_location("hooked", root / "hooked" / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "hooked", module)  # Strawberry resolves annotations there
    spec.loader.exec_module(module)
    for name, hook in HOOKS.items():
        assert str(inspect.signature(getattr(module, name))) == str(inspect.signature(hook))


async def test_a_context_carries_the_plugins_name_version_and_settings() -> None:
    context = PluginContext(name="blog", version="1.0.0", settings={"per_page": 10})
    assert await HOOKS["update"](context, "0.9.0") is None
    assert context.settings["per_page"] == 10
