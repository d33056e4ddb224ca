"""GraphiQL at GET /graphql for browsers, from the local bundle (or a page saying to build it)."""

from __future__ import annotations

from pathlib import Path

from tests.supergraph.http.stack import EdgeStack, app_over

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_browser_gets_graphiql_page(edge: EdgeStack, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><div id="graphiql"></div><script src="/graphiql/assets/app.js"></script>'
    )
    (dist / "assets" / "app.js").write_text("console.log('graphiql')")
    from supergraph.http.app import create_gateway_app

    app = create_gateway_app(edge.settings, edge.gateway, graphiql_dir=dist)
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})
        asset = await client.get("/graphiql/assets/app.js")
    await app.state.users.close()
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="graphiql"' in page.text
    assert asset.status_code == 200
    assert "graphiql" in asset.text


async def test_unbuilt_graphiql_says_to_run_make_web(edge: EdgeStack, tmp_path: Path) -> None:
    from supergraph.http.app import create_gateway_app

    app = create_gateway_app(edge.settings, edge.gateway, graphiql_dir=tmp_path / "missing")
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})
    await app.state.users.close()
    assert page.status_code == 200
    assert "make web" in page.text


async def test_json_clients_never_get_the_page(edge: EdgeStack) -> None:
    async with edge.client() as client:
        response = await client.get("/graphql", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")


async def test_graphiql_is_off_in_production_unless_enabled(edge: EdgeStack) -> None:
    async with app_over(edge.identity, edge.received, edge.urls, env="production") as stack:
        async with stack.client() as client:
            off = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})
    async with app_over(
        edge.identity, edge.received, edge.urls, env="production", graphiql_enabled=True
    ) as stack:
        async with stack.client() as client:
            on = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})
    assert off.status_code == 400
    assert not off.headers["content-type"].startswith("text/html")
    assert on.status_code == 200
    assert on.headers["content-type"].startswith("text/html")
