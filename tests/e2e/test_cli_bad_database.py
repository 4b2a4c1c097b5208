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
        ("sqlite:////proc/none/aftersales.db", "cannot make the database's folder /proc/none"),
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


def test_a_database_from_a_newer_aftersales_is_refused_on_one_line(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from aftersales.store.db import make_engine
    from aftersales.store.migrate import upgrade

    path = tmp_path / "newer.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    raw = create_engine(f"sqlite:///{path}")
    with raw.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    raw.dispose()

    env = {"AFTERSALES_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", f"sqlite:///{path}"], env=env)

    assert result.exit_code == 1, result.output
    assert "probably made by a newer aftersales" in result.output
    assert "Traceback" not in result.output
