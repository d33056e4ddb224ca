"""The contact folder is a valid plugin package: its manifest, and a signed archive verifying."""

from __future__ import annotations

from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, load_manifest

from .conftest import PLUGIN_DIR


def test_manifest_declares_the_contact_plugin_with_http_and_settings_capabilities() -> None:
    manifest = load_manifest(PLUGIN_DIR / "plugin.yaml")
    assert manifest.name == "contact"
    assert set(manifest.capabilities) == {"http", "settings"}
    assert manifest.tasks == ()


def test_manifest_settings_have_their_documented_defaults() -> None:
    manifest = load_manifest(PLUGIN_DIR / "plugin.yaml")
    defaults = manifest.settings_defaults()
    assert defaults["notification_address"] is None
    assert defaults["rate_limit_per_hour"] == 5
    assert defaults["success_message"]
    limit = manifest.settings["properties"]["rate_limit_per_hour"]
    assert (limit["type"], limit["minimum"], limit["maximum"]) == ("integer", 1, 1000)
    assert manifest.settings["properties"]["notification_address"]["format"] == "email"


def test_packed_archive_verifies_with_its_migration_and_package(
    packed: PackedPlugin, verified: VerifiedPlugin
) -> None:
    assert verified.checksum == packed.checksum
    assert verified.manifest.name == "contact"
    [migration] = verified.migrations
    assert migration.filename == "0001_create_messages.sql"
    assert "DROP TABLE messages;" in migration.down
    assert {"contact/__init__.py", "contact/endpoints.py", "README.md"} <= set(verified.files)
    assert not any("__pycache__" in path for path in verified.files)


def test_package_exposes_query_mutation_and_http_routes() -> None:
    from starlette.routing import Route

    from plugins.contact import contact as package

    assert package.Query is not None and package.Mutation is not None
    routes = [route for route in package.routes if isinstance(route, Route)]
    assert len(routes) == len(package.routes)
    paths = {(route.path, tuple(sorted(route.methods or ()))) for route in routes}
    assert {("/messages", ("POST",)), ("/health", ("GET", "HEAD"))} <= paths


def test_package_imports_only_the_sdk_core_and_third_party_libraries() -> None:
    platform = ("althaus", "subgraphs", "supergraph", "tests")
    for path in (PLUGIN_DIR / "contact").glob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                module = words[1]
                assert not module.startswith(platform), f"{path.name}: {line}"
                if module.startswith("plugins"):
                    assert module.startswith("plugins.sdk"), f"{path.name}: {line}"
