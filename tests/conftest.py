"""Fixtures: every integration and end-to-end test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.store.db import make_engine
from aftersales.store.migrate import upgrade
from aftersales.store.tables import metadata
from tests.support import START, Market, Storage, build_market

PG_ADMIN_URL = os.environ.get(
    "AFTERSALES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("AFTERSALES_TEST_REQUIRE_POSTGRES") == "1"

# The command line answers in the terminal's language (languages.of_locale); the tests read its
# English whatever the locale of the machine that runs them.
for _name in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_name, "").lower().startswith("zh"):
        os.environ[_name] = "C.UTF-8"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aftersales_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: skip, unless CI said PostgreSQL must be there
        admin.dispose()
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "aftersales.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def ctx(db_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[Context]:
    # Automatic first replies stop the first-response clock (docs/decisions/0016); the case
    # tests count events and clocks of their own, so they run without. The reply tests turn
    # them on (``ctx.auto_reply = True``).
    settings = Settings(env="test", data_dir=tmp_path, database_url=db_url, auto_reply=False)
    context = bootstrap(settings, clock=clock, schema="as_is")
    yield context
    context.close()


@pytest.fixture
def market(ctx: Context) -> Market:
    return build_market(ctx)


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def storage(db_url: str, tmp_path: Path) -> Iterator[Storage]:
    """Everything stored in the test's database and evidence directory, for before/after checks."""
    reader = Storage(db_url, tmp_path)
    yield reader
    reader.close()
