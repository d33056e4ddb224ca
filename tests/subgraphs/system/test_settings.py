"""Platform settings: the registry with defaults, validated updates, the Redis cache."""

from __future__ import annotations

import secrets

from sqlalchemy import delete

from subgraphs.kit.tables import system_settings
from tests.subgraphs.client import error_codes

UPDATE = """mutation($k: String!, $v: JSON!) {
  updateSetting(key: $k, value: $v) { key value isDefault updatedBy { id } } }"""
READ = """query($k: String!) { setting(key: $k) { key value defaultValue isDefault jsonSchema } }"""


async def test_settings_lists_every_registered_setting_with_its_default(system_api, editor):
    body = await system_api.gql("{ settings { key defaultValue description } }", as_=editor)
    settings = {s["key"]: s for s in body["data"]["settings"]}
    for key in (
        "site.name",
        "site.description",
        "auth.registrationOpen",
        "auth.accessTokenTtlSeconds",
        "ratelimit.anonymousPerMinute",
        "ratelimit.userPerMinute",
    ):
        assert key in settings
    assert settings["auth.registrationOpen"]["defaultValue"] is True


async def test_update_setting_stores_the_value_and_who_set_it(system_api, admin, editor):
    site_name = f"Site {secrets.token_hex(3)}"
    body = await system_api.gql(UPDATE, {"k": "site.name", "v": site_name}, as_=admin)
    assert body["data"]["updateSetting"] == {
        "key": "site.name",
        "value": site_name,
        "isDefault": False,
        "updatedBy": {"id": admin.id},
    }
    read = await system_api.gql(READ, {"k": "site.name"}, as_=editor)
    assert read["data"]["setting"]["value"] == site_name


async def test_a_write_replaces_the_cached_value(system_api, admin, editor):
    await system_api.gql(READ, {"k": "site.description"}, as_=editor)  # fills the cache
    text = f"About {secrets.token_hex(3)}"
    await system_api.gql(UPDATE, {"k": "site.description", "v": text}, as_=admin)
    read = await system_api.gql(READ, {"k": "site.description"}, as_=editor)
    assert read["data"]["setting"]["value"] == text


async def test_reads_come_from_the_redis_cache(system_api, admin, editor, resources):
    value = f"Cached {secrets.token_hex(3)}"
    await system_api.gql(UPDATE, {"k": "site.name", "v": value}, as_=admin)
    await system_api.gql(READ, {"k": "site.name"}, as_=editor)
    async with resources.session_factory() as session, session.begin():
        await session.execute(delete(system_settings).where(system_settings.c.key == "site.name"))
    read = await system_api.gql(READ, {"k": "site.name"}, as_=editor)
    assert read["data"]["setting"]["value"] == value


async def test_an_invalid_value_is_refused_naming_the_setting(system_api, admin):
    body = await system_api.gql(UPDATE, {"k": "auth.accessTokenTtlSeconds", "v": 5}, as_=admin)
    assert error_codes(body) == ["SETTING_INVALID"]
    message = body["errors"][0]["message"]
    assert "auth.accessTokenTtlSeconds" in message
    assert "60" in message
    wrong_type = await system_api.gql(UPDATE, {"k": "auth.registrationOpen", "v": "yes"}, as_=admin)
    assert error_codes(wrong_type) == ["SETTING_INVALID"]
    assert "auth.registrationOpen" in wrong_type["errors"][0]["message"]


async def test_an_unknown_setting_is_refused(system_api, admin):
    body = await system_api.gql(UPDATE, {"k": "site.colour", "v": "red"}, as_=admin)
    assert error_codes(body) == ["SETTING_UNKNOWN"]
    assert "site.colour" in body["errors"][0]["message"]


async def test_plugin_settings_are_reserved_for_plugins(system_api, admin):
    body = await system_api.gql(UPDATE, {"k": "plugin.blog.title", "v": "x"}, as_=admin)
    assert error_codes(body) == ["SETTING_RESERVED"]


async def test_registration_closes_when_the_setting_says_so(system_api, users_api, admin):
    await system_api.gql(UPDATE, {"k": "auth.registrationOpen", "v": False}, as_=admin)
    try:
        name = f"c{secrets.token_hex(4)}"
        body = await users_api.gql(
            "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            {
                "i": {
                    "email": f"{name}@example.com",
                    "username": name,
                    "password": "long enough pass",
                }
            },
        )
        assert error_codes(body) == ["REGISTRATION_CLOSED"]
    finally:
        await system_api.gql(UPDATE, {"k": "auth.registrationOpen", "v": True}, as_=admin)


async def test_the_access_token_lifetime_follows_the_setting(system_api, users_api, admin, viewer):
    from tests.subgraphs.conftest import PASSWORD
    from tests.subgraphs.users.test_auth import LOGIN

    await system_api.gql(UPDATE, {"k": "auth.accessTokenTtlSeconds", "v": 120}, as_=admin)
    try:
        body = await users_api.gql(
            LOGIN.replace("accessToken", "accessToken expiresIn"),
            {"login": viewer.email, "password": PASSWORD},
        )
        assert body["data"]["login"]["expiresIn"] == 120
    finally:
        await system_api.gql(UPDATE, {"k": "auth.accessTokenTtlSeconds", "v": 900}, as_=admin)
