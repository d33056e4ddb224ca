"""The plugin SDK: hook specifications, the scaffold's hooks matching them, and the Gateway a
plugin calls the API back with."""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry

from core.security.principal import Principal, RequestContext
from plugins.sdk import HOOKS, PluginContext
from plugins.sdk.gateway import Gateway, GatewayUnavailable
from plugins.sdk.request import PluginRequest
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


KEY = "ak_0123abcd_the-secret-part"


def _answering(status: int, content: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content))


def test_a_gateways_key_is_not_in_its_repr_or_str() -> None:
    gateway = Gateway("http://127.0.0.1:4000/graphql", KEY)
    assert "the-secret-part" not in repr(gateway) and "the-secret-part" not in str(gateway)
    assert "127.0.0.1:4000" in repr(gateway)


async def test_a_query_sends_the_key_and_returns_the_whole_response() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"data": None, "errors": [{"message": "no"}]})

    gateway = Gateway("http://gw/graphql", KEY, transport=httpx.MockTransport(answer))
    assert await gateway.query("{ me { id } }", {"a": 1}) == {
        "data": None,
        "errors": [{"message": "no"}],
    }
    await gateway.aclose()
    assert sent[0].headers["x-api-key"] == KEY
    assert sent[0].headers["apollo-require-preflight"] == "true"
    assert sent[0].read() == b'{"query":"{ me { id } }","variables":{"a":1}}'


async def test_a_gateway_without_url_or_key_is_unavailable() -> None:
    for url, key in (("", KEY), ("http://gw/graphql", "")):
        with pytest.raises(GatewayUnavailable) as raised:
            await Gateway(url, key).query("{ me { id } }")
        assert raised.value.code == "PLUGIN_GATEWAY_UNAVAILABLE"


async def test_an_answer_that_is_not_json_is_unavailable() -> None:
    gateway = Gateway("http://gw/graphql", KEY, transport=_answering(502, b"<html>bad</html>"))
    with pytest.raises(GatewayUnavailable, match="502 without JSON"):
        await gateway.query("{ me { id } }")


def test_a_request_without_a_gateway_refuses_with_a_code() -> None:
    request = PluginRequest("blog", Principal(), RequestContext())
    with pytest.raises(GatewayUnavailable) as raised:
        request.gateway()
    assert raised.value.extensions == {"code": "PLUGIN_GATEWAY_UNAVAILABLE"}
    gateway = Gateway("http://gw/graphql", KEY)
    given = PluginRequest("blog", Principal(), RequestContext(), gateway_client=gateway)
    assert given.gateway() is gateway


async def test_the_documented_call_back_example_reads_the_gateways_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()
    section = doc.split("### Calling the API back\n", 1)[1].split("\n### ", 1)[0]
    example = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[0]
    module = types.ModuleType("documented_plugin")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # Strawberry resolves names there
    exec(compile(example, "plugins.md", "exec"), module.__dict__)
    namespace: dict[str, Any] = module.__dict__
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"data": {"user": {"username": "ann"}}})

    gateway = Gateway("http://gw/graphql", KEY, transport=httpx.MockTransport(answer))
    context = PluginRequest("blog", Principal(), RequestContext(), gateway_client=gateway)
    schema = strawberry.Schema(query=namespace["Query"])
    result = await schema.execute('{ authorName(id: "7") }', context_value=context)
    assert result.errors is None and result.data == {"authorName": "ann"}
    assert json.loads(sent[0].read())["variables"] == {"id": "7"}
