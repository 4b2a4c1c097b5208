"""The ``aftersales`` command line against a SQLite file in a temporary data directory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from aftersales.bootstrap import bootstrap
from aftersales.cli import app
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseState, CaseType, ResolutionType
from aftersales.domain.clock import ManualClock
from aftersales.errors import AuthenticationFailed
from aftersales.services import cases as uc
from aftersales.services.context import Context
from aftersales.services.tokens import authenticate
from aftersales.store.db import make_engine
from aftersales.store.tables import metadata
from tests.support import build_market

TOKEN_ID = re.compile(r"^token (tok_[0-9a-f]+) for ")


class Cli:
    """Runs ``aftersales …`` in-process with the environment pointing into a temp directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = f"sqlite:///{data_dir / 'cli.db'}"
        self.env = {"AFTERSALES_DATA_DIR": str(data_dir), "AFTERSALES_DATABASE_URL": self.url}
        self._runner = CliRunner()
        self._contexts: list[Context] = []

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return self._runner.invoke(app, list(args), env=self.env if env is None else env)

    def context(self, clock: ManualClock | None = None) -> Context:
        """The platform on the same database, for setting up data and checking results."""
        # Without automatic first replies: the sweep test counts the clocks' own outcomes.
        settings = Settings(
            env="test", data_dir=self.data_dir, database_url=self.url, auto_reply=False
        )
        ctx = bootstrap(settings, clock=clock)
        self._contexts.append(ctx)
        return ctx

    def close(self) -> None:
        for ctx in self._contexts:
            ctx.close()


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = Cli(tmp_path)
    yield runner
    runner.close()


@pytest.fixture
def migrated(cli: Cli) -> Cli:
    assert cli("db", "upgrade").exit_code == 0
    return cli


def assert_one_line_error(result: Result, code: str, detail: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith(f"error [{code}] "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert detail in result.stderr
    assert "Traceback" not in result.output


# ---- db upgrade ------------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema_and_can_run_again(cli: Cli) -> None:
    first = cli("db", "upgrade")
    second = cli("db", "upgrade")

    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert first.stdout == f"database {cli.url} is up to date\n"
    assert second.stdout == first.stdout
    engine = make_engine(cli.url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert {t.name for t in metadata.sorted_tables} <= tables
    assert versions == 1


def test_without_a_database_url_the_database_is_a_sqlite_file_in_the_data_dir(
    cli: Cli, tmp_path: Path
) -> None:
    result = cli("db", "upgrade", env={"AFTERSALES_DATA_DIR": str(tmp_path / "var")})

    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "aftersales.db").is_file()
    assert not (tmp_path / "cli.db").exists()


def test_the_db_option_overrides_the_environment(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"

    result = cli("db", "upgrade", "--db", f"sqlite:///{other}")

    assert result.exit_code == 0, result.output
    assert other.is_file()
    assert not (tmp_path / "cli.db").exists()


# ---- tokens ----------------------------------------------------------------------------------


def test_an_operator_token_printed_by_the_cli_authenticates_as_the_operator(migrated: Cli) -> None:
    result = migrated("token", "create", "--role", "operator", "--label", "night shift")

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert result.stdout == f"{secret}\n"  # only the secret on stdout, for scripts
    assert secret.startswith("ast_")
    assert TOKEN_ID.match(result.stderr)
    assert authenticate(migrated.context(), secret) == Actor(Role.OPERATOR, None)


def test_a_consumer_token_for_a_known_consumer_authenticates_as_that_consumer(
    migrated: Cli,
) -> None:
    build_market(migrated.context())

    result = migrated("token", "create", "--role", "consumer", "--subject", "c2")

    assert result.exit_code == 0, result.output
    assert authenticate(migrated.context(), result.stdout.strip()) == Actor(Role.CONSUMER, "c2")


def test_a_consumer_token_without_a_subject_fails_with_one_line_and_exit_code_1(
    migrated: Cli,
) -> None:
    result = migrated("token", "create", "--role", "consumer")

    assert_one_line_error(
        result, "validation_failed", "a token for the consumer role needs a subject"
    )


def test_a_token_for_an_unknown_subject_fails_with_one_not_found_line(migrated: Cli) -> None:
    result = migrated("token", "create", "--role", "merchant_agent", "--subject", "m404")

    assert_one_line_error(result, "not_found", "merchant_agent subject m404 is unknown")


def test_an_error_about_a_long_subject_still_fits_on_one_line(migrated: Cli) -> None:
    subject = "consumer-" + "0123456789" * 9

    result = migrated("token", "create", "--role", "consumer", "--subject", subject)

    assert_one_line_error(result, "not_found", f"consumer subject {subject} is unknown")


@pytest.mark.parametrize(
    ("args", "detail"),
    [
        (["--role", "system"], "tokens cannot be issued for the system role"),
        (["--role", "operator", "--subject", "m1"], "operator role has no subject"),
    ],
    ids=["system-role", "operator-with-subject"],
)
def test_a_token_that_cannot_exist_is_refused_on_one_line(
    migrated: Cli, args: list[str], detail: str
) -> None:
    assert_one_line_error(migrated("token", "create", *args), "validation_failed", detail)


def test_a_revoked_token_no_longer_authenticates(migrated: Cli) -> None:
    created = migrated("token", "create", "--role", "auditor")
    match = TOKEN_ID.match(created.stderr)
    assert match, created.stderr
    token_id, secret = match.group(1), created.stdout.strip()

    revoked = migrated("token", "revoke", token_id)

    assert revoked.exit_code == 0, revoked.output
    assert revoked.stdout == f"token {token_id} revoked\n"
    with pytest.raises(AuthenticationFailed):
        authenticate(migrated.context(), secret)
    again = migrated("token", "revoke", token_id)
    assert_one_line_error(again, "not_found", f"no active token {token_id}")


def test_revoking_an_unknown_token_fails_with_one_line(migrated: Cli) -> None:
    result = migrated("token", "revoke", "tok_missing")

    assert_one_line_error(result, "not_found", "no active token tok_missing")


# ---- sla sweep -------------------------------------------------------------------------------


def test_sla_sweep_applies_the_deadlines_that_have_passed_and_only_those(migrated: Cli) -> None:
    # The CLI runs on the system clock, so the overdue case is opened two days in the past.
    two_days_ago = ManualClock(datetime.now(UTC) - timedelta(days=2))
    past = migrated.context(two_days_ago)
    build_market(past)
    consumer = Actor(Role.CONSUMER, "c1")
    overdue = uc.open_case(past, consumer, uc.OpenCase("l1", CaseType.REFUND_ONLY, "never came"))
    fresh_ctx = migrated.context()
    fresh = uc.open_case(
        fresh_ctx, Actor(Role.CONSUMER, "c2"), uc.OpenCase("l4", CaseType.REPAIR, "no sound")
    )

    first = migrated("sla", "sweep")
    second = migrated("sla", "sweep")

    assert first.exit_code == 0, first.output
    assert first.stdout == "1 case(s) changed: first_response_missed 1\n"
    assert second.stdout == "0 case(s) changed: nothing due\n"
    swept = uc.get_case(fresh_ctx, Actor(Role.OPERATOR), overdue.id)
    assert swept.state is CaseState.RESOLVED
    assert swept.resolution is not None
    assert (swept.resolution.type, swept.resolution.amount) == (ResolutionType.REFUND_ONLY, 299_900)
    assert uc.get_case(fresh_ctx, Actor(Role.OPERATOR), fresh.id).state is (
        CaseState.AWAITING_MERCHANT
    )


def test_sla_sweep_on_an_empty_database_reports_nothing_due(migrated: Cli) -> None:
    result = migrated("sla", "sweep")

    assert result.exit_code == 0, result.output
    assert result.stdout == "0 case(s) changed: nothing due\n"
    engine = make_engine(migrated.url)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(
                    select(func.count()).select_from(metadata.tables["cases"])
                ).scalar_one()
                == 0
            )
    finally:
        engine.dispose()
