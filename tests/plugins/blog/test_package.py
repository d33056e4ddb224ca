"""The blog folder is a valid plugin package: its manifest, and a signed archive that verifies."""

from __future__ import annotations

from subgraphs.plugins.package import PackedPlugin, VerifiedPlugin, load_manifest

from .conftest import PLUGIN_DIR


def test_manifest_declares_the_blog_with_users_and_tasks_capabilities() -> None:
    manifest = load_manifest(PLUGIN_DIR / "plugin.yaml")
    assert manifest.name == "blog"
    assert {"read:users", "tasks"} <= set(manifest.capabilities)


def test_manifest_schedules_publish_due_every_minute() -> None:
    manifest = load_manifest(PLUGIN_DIR / "plugin.yaml")
    [task] = manifest.tasks
    assert (task.name, task.cron, task.function) == (
        "publish_due",
        "* * * * *",
        "tasks.publish_due",
    )


def test_packed_archive_verifies_with_its_migration_and_package(
    packed: PackedPlugin, verified: VerifiedPlugin
) -> None:
    assert verified.checksum == packed.checksum
    assert [m.filename for m in verified.migrations] == ["0001_create_posts.sql"]
    assert "blog/__init__.py" in verified.files
    assert not any("__pycache__" in path for path in verified.files)


def test_task_function_is_an_async_function_of_the_package() -> None:
    import inspect

    from plugins.blog.blog import tasks

    assert inspect.iscoroutinefunction(tasks.publish_due)
