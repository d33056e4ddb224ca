"""althaus.platform: the one-process dev app mounts every subgraph on one shared Resources."""

from __future__ import annotations

import httpx

from althaus.platform import available_subgraphs, create_dev_app, display_url
from core.config import Settings
from core.security import internal_token
from core.security.principal import Principal


def test_display_url_masks_the_password() -> None:
    assert display_url("postgresql://app:s3cret@db:5432/x") == "postgresql://app:***@db:5432/x"
    assert display_url("redis://cache:6379/0") == "redis://cache:6379/0"


async def test_dev_app_serves_each_subgraph_under_its_prefix(settings: Settings) -> None:
    app = create_dev_app(settings)
    names = available_subgraphs()
    assert "users" in names and "system" in names
    assert all(
        mounted.state.subgraph.resources is app.state.resources
        for mounted in app.state.subgraphs.values()
    )
    secret = app.state.resources.settings.internal_token_secret
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://dev") as client:
            assert (await client.get("/health")).json()["subgraphs"] == names
            for name in names:
                assert (await client.get(f"/subgraphs/{name}/health")).status_code == 200
                refused = await client.post(
                    f"/subgraphs/{name}/graphql", json={"query": "{ _service { sdl } }"}
                )
                assert refused.status_code == 401
                headers = internal_token.headers_for(Principal.guest(), name, secret)
                answered = await client.post(
                    f"/subgraphs/{name}/graphql",
                    json={"query": "{ _service { sdl } }"},
                    headers=headers,
                )
                assert answered.status_code == 200, answered.text
                assert "type Query" in answered.json()["data"]["_service"]["sdl"]
    finally:
        await app.state.resources.close()
