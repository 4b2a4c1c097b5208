"""Running the Alembic migrations from code (``aftersales db upgrade``) and from tests."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from aftersales.errors import Text, ValidationFailed

__all__ = ["alembic_config", "check_current", "upgrade"]

_UPGRADE = Text(
    "run `aftersales db upgrade` (or `aftersales serve`, which upgrades it first)",
    "请运行 `aftersales db upgrade`（或 `aftersales serve`，它会先升级数据库）",
)

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
            raise _newer(Text(str(error), str(error))) from None


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
        raise ValidationFailed(
            Text(
                f"the database {where} holds no aftersales schema: {_UPGRADE.en}",
                f"数据库 {where} 中没有 aftersales 的表结构：{_UPGRADE.zh}",
            )
        )
    known = {revision.revision for revision in script.walk_revisions()}
    if not current <= known:
        unknown = ", ".join(sorted(current - known))
        raise _newer(Text(f"revision {unknown}", f"版本 {unknown}"))
    have, need = ", ".join(sorted(current)), ", ".join(sorted(heads))
    raise ValidationFailed(
        Text(
            f"the database {where} has an older schema ({have}, this aftersales"
            f" needs {need}): {_UPGRADE.en}",
            f"数据库 {where} 的表结构版本较旧（{have}，当前 aftersales 需要 {need}）："
            f"{_UPGRADE.zh}",
        )
    )


def _newer(what: Text) -> ValidationFailed:
    return ValidationFailed(
        Text(
            f"the database's schema is not one this aftersales knows ({what.en}); it was"
            " probably made by a newer aftersales: upgrade aftersales to open it",
            f"当前 aftersales 不认识该数据库的表结构（{what.zh}）；它可能由更新版本的"
            " aftersales 创建：请升级 aftersales 后再打开",
        )
    )
