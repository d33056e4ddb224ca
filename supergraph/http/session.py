"""Browser sessions: `POST /auth/session`, `/auth/refresh`, `/auth/logout` set and clear cookies.

The access token lives in the httpOnly `althaus_session` cookie (sent with every request, so
GraphQL requests authenticated by it must pass the CSRF rule); the refresh token in
`althaus_refresh`, sent only to `/auth`. The mutations run through the gateway's own operation
path, exactly as a client's would.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response

from core.security.principal import Principal
from supergraph.auth.authenticator import REFRESH_COOKIE, SESSION_COOKIE
from supergraph.auth.errors import AuthenticationError
from supergraph.http import csrf
from supergraph.http.context import Edge, edge_of, request_context
from supergraph.http.errors import JSON, RequestError, error_response, json_response

REFRESH_PATH: Final = "/auth"
REFRESH_MAX_AGE: Final = 30 * 24 * 3600
USER_FIELDS: Final = "id username email role"

LOGIN = f"""mutation AlthausSessionLogin($login: String!, $password: String!) {{
  login(input: {{login: $login, password: $password}}) {{
    accessToken refreshToken expiresIn user {{ {USER_FIELDS} }}
  }}
}}"""
REFRESH = f"""mutation AlthausSessionRefresh($refreshToken: String!) {{
  refreshToken(refreshToken: $refreshToken) {{
    accessToken refreshToken expiresIn user {{ {USER_FIELDS} }}
  }}
}}"""
LOGOUT = """mutation AlthausSessionLogout($refreshToken: String) {
  logout(refreshToken: $refreshToken)
}"""

# Codes from the users subgraph that mean "these credentials are not good" (401), not a fault.
_REFUSED: Final = frozenset(
    {
        "INVALID_CREDENTIALS",
        "INVALID_REFRESH_TOKEN",
        "REFRESH_TOKEN_REUSED",
        "ACCOUNT_DEACTIVATED",
        "UNAUTHENTICATED",
    }
)
_THROTTLED: Final = frozenset({"TOO_MANY_LOGIN_ATTEMPTS", "RATE_LIMITED"})


async def _json_object(request: Request) -> dict[str, Any]:
    csrf.check(request.method, request.headers)
    if csrf.media_type(request.headers.get("content-type")) != JSON:
        raise RequestError(415, "UNSUPPORTED_MEDIA_TYPE", "send a JSON body (application/json)")
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise RequestError(400, "INVALID_JSON", "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise RequestError(400, "BAD_REQUEST", "request body must be a JSON object")
    return body


async def _mutate(
    edge: Edge,
    request: Request,
    query: str,
    variables: dict[str, Any],
    field: str,
    principal: Principal | None = None,
) -> Any:
    result = await edge.runner.run(
        query,
        variables,
        None,
        principal or Principal.guest(),
        request_context(request),
        media_type=JSON,
    )
    body = result.body
    errors = body.get("errors")
    if result.status != 200 or (errors and not (body.get("data") or {}).get(field)):
        first = errors[0] if errors else {}
        code = (first.get("extensions") or {}).get("code") or "SESSION_FAILED"
        if code == "GRAPHQL_VALIDATION_FAILED":
            raise RequestError(
                503,
                "SESSIONS_UNAVAILABLE",
                f"this supergraph has no usable Mutation.{field} for browser sessions",
            )
        status = 401 if code in _REFUSED else 429 if code in _THROTTLED else 400
        raise RequestError(status, code, first.get("message") or f"{field} failed")
    return body["data"][field]


def _set_cookies(edge: Edge, response: Response, payload: dict[str, Any]) -> None:
    secure = edge.settings.is_production
    expires_in = payload.get("expiresIn")
    response.set_cookie(
        SESSION_COOKIE,
        payload["accessToken"],
        max_age=int(expires_in) if isinstance(expires_in, int) else 900,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.set_cookie(
        REFRESH_COOKIE,
        payload["refreshToken"],
        max_age=REFRESH_MAX_AGE,
        path=REFRESH_PATH,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def _clear_cookies(edge: Edge, response: Response) -> None:
    secure = edge.settings.is_production
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_PATH, httponly=True, samesite="lax", secure=secure
    )


def _session_body(payload: dict[str, Any]) -> dict[str, Any]:
    # Tokens stay in httpOnly cookies: script on the page never sees them.
    return {"user": payload.get("user"), "expiresIn": payload.get("expiresIn")}


async def create_session(request: Request) -> Response:
    edge = edge_of(request)
    try:
        body = await _json_object(request)
        login, password = body.get("login"), body.get("password")
        if not isinstance(login, str) or not login or not isinstance(password, str) or not password:
            raise RequestError(
                400, "BAD_REQUEST", 'send {"login": "<email or username>", "password": "..."}'
            )
        payload = await _mutate(
            edge, request, LOGIN, {"login": login, "password": password}, "login"
        )
    except RequestError as exc:
        return error_response(exc)
    response = json_response(_session_body(payload), headers={"Cache-Control": "no-store"})
    _set_cookies(edge, response, payload)
    return response


async def refresh_session(request: Request) -> Response:
    edge = edge_of(request)
    try:
        body = await _json_object(request)
        token = request.cookies.get(REFRESH_COOKIE) or body.get("refreshToken")
        if not isinstance(token, str) or not token:
            raise RequestError(
                401, "NO_REFRESH_TOKEN", "no session to refresh: sign in with POST /auth/session"
            )
        payload = await _mutate(edge, request, REFRESH, {"refreshToken": token}, "refreshToken")
    except RequestError as exc:
        response = error_response(exc)
        if exc.status == 401:
            _clear_cookies(edge, response)
        return response
    response = json_response(_session_body(payload), headers={"Cache-Control": "no-store"})
    _set_cookies(edge, response, payload)
    return response


async def end_session(request: Request) -> Response:
    edge = edge_of(request)
    try:
        await _json_object(request)
    except RequestError as exc:
        return error_response(exc)
    token = request.cookies.get(REFRESH_COOKIE)
    principal: Principal | None = None
    try:
        principal = (
            await edge.authenticator.authenticate(
                request.headers, request.cookies, request_context(request)
            )
        ).principal
    except AuthenticationError:
        principal = None  # an expired access token must not keep anyone from signing out
    revoked = False
    if token:
        try:
            revoked = bool(
                await _mutate(edge, request, LOGOUT, {"refreshToken": token}, "logout", principal)
            )
        except RequestError:
            revoked = False
    response = json_response(
        {"ok": True, "revoked": revoked}, headers={"Cache-Control": "no-store"}
    )
    _clear_cookies(edge, response)
    return response
