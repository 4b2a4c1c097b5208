"""Running the Alembic migrations from code (``aftersales db upgrade``) and from tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from aftersales.errors import ValidationFailed

__all__ = ["alembic_config", "check_current", "upgrade"]

_UPGRADE = "run `aftersales db upgrade` (or `aftersales serve`, which upgrades it first)"

_HERE = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, revision)
        except CommandError as error:  # a schema revision this version has never heard of
            raise _newer(str(error)) from None


def check_current(engine: Engine) -> None:
    """Refuse a database whose schema is not the one this version writes.

    Commands other than ``serve`` and ``db upgrade`` change no schema: a mistyped database URL
    must not become a new, empty database, and an upgrade is a step an operator takes on
    purpose (with a backup), not a side effect of ``cycle show``."""
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = set(script.get_heads())
    if current == heads:
        return
    where = engine.url.render_as_string(hide_password=True)
    if not current:
        raise ValidationFailed(f"the database {where} holds no aftersales schema: {_UPGRADE}")
    known = {revision.revision for revision in script.walk_revisions()}
    if not current <= known:
        raise _newer(f"revision {', '.join(sorted(current - known))}")
    raise ValidationFailed(
        f"the database {where} has an older schema ({', '.join(sorted(current))}, this aftersales"
        f" needs {', '.join(sorted(heads))}): {_UPGRADE}"
    )


def _newer(what: str) -> ValidationFailed:
    return ValidationFailed(
        f"the database's schema is not one this aftersales knows ({what}); it was"
        " probably made by a newer aftersales: upgrade aftersales to open it"
    )
