"""GraphiQL, served from the locally built bundle in web/graphiql/dist (never from a CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.responses import FileResponse, HTMLResponse, Response

DEFAULT_DIST: Final = Path(__file__).resolve().parents[2] / "web" / "graphiql" / "dist"
ASSETS_PREFIX: Final = "/graphiql"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>GraphiQL is not built</h1>
<p>The gateway serves GraphiQL from <code>web/graphiql/dist</code>, which does not exist yet.
Run <code>make web</code> in the project directory, then reload this page.</p>
<p>The GraphQL endpoint itself works: POST JSON to <code>/graphql</code>.</p>
</body></html>
"""


def graphiql_page(dist: Path) -> Response:
    index = dist / "index.html"
    headers = {"Cache-Control": "no-cache", "Vary": "Accept"}
    if index.is_file():
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=headers)
    return HTMLResponse(_NOT_BUILT, headers=headers)
