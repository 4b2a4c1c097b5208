"""A database that cannot be opened is one line on the command line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.cli import app

UNREACHABLE = "postgresql+psycopg://ops:s3cret@127.0.0.1:1/aftersales"  # nothing listens on 1


@pytest.mark.parametrize(
    "command",
    [
        ["simulate", "--days", "2", "--no-progress"],
        ["cycle", "run", "--period", "2026-10"],
        ["sla", "sweep"],
        ["serve", "--port", "8999"],
    ],
)
def test_a_file_that_is_not_a_database_is_one_clear_line(
    tmp_path: Path, command: list[str]
) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_text("a shopping list, not a database\n")

    result = CliRunner().invoke(
        app, [*command, "--db", f"sqlite:///{garbage}"], env={"AFTERSALES_DATA_DIR": str(tmp_path)}
    )

    assert result.exit_code == 1, result.output
    assert f"cannot open the database sqlite:///{garbage}: file is not a database" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output
    assert garbage.read_text() == "a shopping list, not a database\n"  # left as it was


def test_a_server_that_does_not_answer_is_one_line_without_the_password(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["cycle", "run", "--period", "2026-10", "--db", UNREACHABLE],
        env={"AFTERSALES_DATA_DIR": str(tmp_path)},
    )

    assert result.exit_code == 1, result.output
    assert "cannot open the database postgresql+psycopg://ops:***@127.0.0.1:1/aftersales" in (
        result.output
    )
    assert "s3cret" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("not a url", "the database URL cannot be read; give one such as sqlite:///"),
        (
            "mysql://ops:s3cret@127.0.0.1/shop",
            "the platform runs on SQLite or PostgreSQL, not 'mysql'",
        ),
    ],
)
@pytest.mark.parametrize("command", [["simulate", "--days", "2"], ["sla", "sweep"]])
def test_a_url_the_platform_cannot_use_is_one_clear_line(
    tmp_path: Path, db: str, message: str, command: list[str]
) -> None:
    result = CliRunner().invoke(
        app, [*command, "--db", db], env={"AFTERSALES_DATA_DIR": str(tmp_path)}
    )

    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())
    assert "s3cret" not in result.output and "Traceback" not in result.output


def test_a_folder_that_cannot_be_made_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--days", "2", "--db", "sqlite:////proc/none/aftersales.db"],
        env={"AFTERSALES_DATA_DIR": str(tmp_path)},
    )

    assert result.exit_code == 1, result.output
    assert "cannot make the database's folder /proc/none" in " ".join(result.output.split())


@pytest.mark.parametrize(
    "command",
    [
        ["cycle", "show", "--period", "2026-10"],
        ["token", "list"],
        ["user", "list"],
        ["sla", "sweep"],
        ["token", "create", "--role", "operator"],
    ],
)
def test_a_mistyped_sqlite_path_is_refused_and_nothing_is_made(
    tmp_path: Path, command: list[str]
) -> None:
    """Only serve, db upgrade and the simulator make a database: any other command on a path
    that holds none is a typing mistake, and must leave no empty database (or key) behind."""
    data = tmp_path / "var"
    typo = tmp_path / "shop" / "aftersale.db"

    result = CliRunner().invoke(
        app, [*command, "--db", f"sqlite:///{typo}"], env={"AFTERSALES_DATA_DIR": str(data)}
    )

    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"no database at {typo}: check the path, or make one with `aftersales db" in said
    assert not typo.parent.exists() and not data.exists()


def _at_revision(path: Path, revision: str | None, *, built_to: str = "head") -> str:
    """A SQLite file migrated to ``built_to``, its recorded revision then set to ``revision``
    (None: no revision recorded, as in a database some other program made)."""
    from sqlalchemy import create_engine, text

    from aftersales.store.db import make_engine
    from aftersales.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, built_to)
    engine.dispose()
    raw = create_engine(f"sqlite:///{path}")
    with raw.begin() as conn:
        if revision is None:
            conn.execute(text("DELETE FROM alembic_version"))
        else:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    raw.dispose()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", [["db", "upgrade"], ["user", "list"]])
def test_a_database_from_a_newer_aftersales_is_refused_on_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    url = _at_revision(tmp_path / "newer.db", "9999_from_the_future")

    env = {"AFTERSALES_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, [*command, "--db", url], env=env)

    assert result.exit_code == 1, result.output
    assert "probably made by a newer aftersales" in result.output
    assert "Traceback" not in result.output


def test_an_older_schema_is_not_upgraded_behind_the_operators_back(tmp_path: Path) -> None:
    url = _at_revision(tmp_path / "older.db", "0013", built_to="0013")
    env = {"AFTERSALES_DATA_DIR": str(tmp_path)}

    listed = CliRunner().invoke(app, ["token", "list", "--db", url], env=env)
    upgraded = CliRunner().invoke(app, ["db", "upgrade", "--db", url], env=env)
    again = CliRunner().invoke(app, ["token", "list", "--db", url], env=env)

    assert listed.exit_code == 1, listed.output
    said = " ".join(listed.output.split())
    assert "has an older schema (0013, this aftersales needs" in said
    assert "run `aftersales db upgrade`" in said
    assert upgraded.exit_code == 0, upgraded.output
    assert again.exit_code == 0, again.output


def test_a_database_without_the_schema_is_refused(tmp_path: Path) -> None:
    url = _at_revision(tmp_path / "bare.db", None)

    result = CliRunner().invoke(
        app, ["user", "list", "--db", url], env={"AFTERSALES_DATA_DIR": str(tmp_path)}
    )

    assert result.exit_code == 1, result.output
    assert "holds no aftersales schema" in " ".join(result.output.split())
