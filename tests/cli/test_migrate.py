"""`althaus migrate`: progress, a clear summary, trustworthy exit codes."""

from __future__ import annotations

from tests.cli.conftest import Run


def test_migrate_on_a_migrated_database_reports_up_to_date(althaus: Run) -> None:
    result = althaus("migrate")
    assert result.returncode == 0, result.stderr
    assert "Already up to date at revision" in result.stdout
    assert "Migrating" in result.stderr


def test_bad_database_url_is_one_line_naming_the_variable_and_exit_2(althaus: Run) -> None:
    result = althaus("migrate", DATABASE_URL="mysql://localhost/x")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "althaus: configuration error: DATABASE_URL: must be a postgresql:// URL"
    ]


def test_unreachable_database_fails_with_exit_1_and_no_traceback(althaus: Run) -> None:
    result = althaus("migrate", DATABASE_URL="postgresql://postgres@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert "migration failed" in result.stderr
    assert "Traceback" not in result.stderr
