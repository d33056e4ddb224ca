"""Migration files: parsing the up and down parts, checksums, names and order."""

from __future__ import annotations

import hashlib

import pytest

from subgraphs.plugins.engine import PluginInputInvalid, parse_migration, parse_migrations

INIT = "-- a comment\n-- up\nCREATE TABLE t (id int);\n\n-- down\nDROP TABLE t;\n"


def test_parse_splits_up_and_down_parts() -> None:
    migration = parse_migration("0001_init.sql", INIT)
    assert migration.up == "CREATE TABLE t (id int);"
    assert migration.down == "DROP TABLE t;"


def test_checksum_is_sha256_of_the_whole_file() -> None:
    migration = parse_migration("0001_init.sql", INIT)
    assert migration.checksum == hashlib.sha256(INIT.encode()).hexdigest()


def test_markers_are_case_and_space_insensitive() -> None:
    migration = parse_migration("0002_more.sql", "--UP\nSELECT 1;\n  --  Down  \nSELECT 2;")
    assert (migration.up, migration.down) == ("SELECT 1;", "SELECT 2;")


@pytest.mark.parametrize("filename", ["1_init.sql", "0001-init.sql", "0001_Init.sql", "x.sql"])
def test_filename_must_be_four_digits_and_a_name(filename: str) -> None:
    with pytest.raises(PluginInputInvalid, match=r"NNNN_name\.sql"):
        parse_migration(filename, INIT)


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE t (id int);",
        "-- up\nSELECT 1;",
        "-- down\nSELECT 1;\n-- up\nSELECT 2;",
        "-- up\nSELECT 1;\n-- down\n-- up\n",
    ],
)
def test_file_needs_one_up_then_one_down_marker(text: str) -> None:
    with pytest.raises(PluginInputInvalid, match="-- up"):
        parse_migration("0001_init.sql", text)


def test_sql_before_the_up_marker_is_refused() -> None:
    with pytest.raises(PluginInputInvalid, match="before"):
        parse_migration("0001_init.sql", "DROP TABLE x;\n-- up\nSELECT 1;\n-- down\n")


def test_empty_up_part_is_refused() -> None:
    with pytest.raises(PluginInputInvalid, match="empty"):
        parse_migration("0001_init.sql", "-- up\n\n-- down\nSELECT 1;")


def test_migrations_out_of_order_are_refused() -> None:
    with pytest.raises(PluginInputInvalid, match=r"0001_a\.sql comes after 0002_b\.sql"):
        parse_migrations([("0002_b.sql", INIT), ("0001_a.sql", INIT)])


def test_migrations_with_a_repeated_number_are_refused() -> None:
    with pytest.raises(PluginInputInvalid, match="unique"):
        parse_migrations([("0001_a.sql", INIT), ("0001_b.sql", INIT)])
