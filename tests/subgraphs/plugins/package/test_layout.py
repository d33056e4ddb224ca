"""A plugin's files: its Python package and its numbered up/down migrations."""

from __future__ import annotations

import hashlib

import pytest

from subgraphs.plugins.package.errors import LayoutInvalidError
from subgraphs.plugins.package.layout import check_layout, parse_migration

SQL = (
    b"-- create the posts table\n-- up\nCREATE TABLE posts (id int);\n-- down\nDROP TABLE posts;\n"
)


def test_a_migration_splits_into_up_and_down_with_the_file_checksum() -> None:
    migration = parse_migration("0001_posts.sql", SQL)
    assert (migration.number, migration.name) == (1, "posts")
    assert migration.up == "CREATE TABLE posts (id int);"
    assert migration.down == "DROP TABLE posts;"
    assert migration.checksum == hashlib.sha256(SQL).hexdigest()


@pytest.mark.parametrize(
    ("filename", "content", "problem"),
    [
        ("1_posts.sql", SQL, "name migrations NNNN_name.sql"),
        ("0001_posts.sql", b"CREATE TABLE posts (id int);", "needs one '-- up' line"),
        ("0001_posts.sql", b"-- down\nDROP TABLE x;\n-- up\nSELECT 1;", "needs one '-- up'"),
        ("0001_posts.sql", b"SELECT 1;\n-- up\nSELECT 1;\n-- down\n", "before the '-- up'"),
        ("0001_posts.sql", b"-- up\n\n-- down\nSELECT 1;", "the '-- up' part is empty"),
    ],
)
def test_malformed_migrations_are_refused(filename: str, content: bytes, problem: str) -> None:
    with pytest.raises(LayoutInvalidError, match=problem):
        parse_migration(filename, content)


def test_migrations_come_in_number_order_and_numbers_are_unique() -> None:
    files = {
        "notes/__init__.py": b"",
        "migrations/0002_b.sql": SQL,
        "migrations/0001_a.sql": SQL,
    }
    assert [m.filename for m in check_layout("notes", files)] == ["0001_a.sql", "0002_b.sql"]
    with pytest.raises(LayoutInvalidError, match="two migrations are numbered 0001"):
        check_layout("notes", {**files, "migrations/0001_c.sql": SQL})


def test_the_python_package_named_for_the_plugin_is_required() -> None:
    with pytest.raises(LayoutInvalidError, match=r"notes/__init__.py is missing"):
        check_layout("notes", {"plugin.yaml": b"", "other/__init__.py": b""})
