"""``aftersales user create|list``: console users from the command line, then signing in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.cli import app
from aftersales.config import Settings
from aftersales.services.context import Context
from tests.console_support import sign_in
from tests.support import build_market

PASSWORD = "a long enough passphrase"


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[tuple[Context, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": url}
    ctx = bootstrap(Settings(env="test", data_dir=tmp_path, database_url=url))
    build_market(ctx)
    yield ctx, env
    ctx.close()


def run(env: dict[str, str], *args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    return result.exit_code, result.output


def test_a_user_made_on_the_command_line_signs_in(platform: tuple[Context, dict[str, str]]) -> None:
    ctx, env = platform
    code, out = run(
        env,
        "user",
        "create",
        "--role",
        "merchant_agent",
        "--subject",
        "m1",
        "--name",
        "Acme",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, out
    assert "user acme (merchant_agent m1)" in out
    code, out = run(env, "user", "list")
    assert code == 0 and "acme\tmerchant_agent\tm1" in out
    client = TestClient(create_app(ctx))
    answer = sign_in(client, "acme", PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/queue"


def test_the_password_is_asked_twice_when_not_piped(
    platform: tuple[Context, dict[str, str]],
) -> None:
    _, env = platform
    args = ("user", "create", "--role", "operator", "--name", "op1")
    code, out = run(env, *args, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, out
    code, out = run(
        env,
        "user",
        "create",
        "--role",
        "auditor",
        "--name",
        "au1",
        stdin=f"{PASSWORD}\nsomething else\n",
    )
    assert code == 1 and "the two passwords differ" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "consumer", "--name", "li"), "needs a subject"),
        (("--role", "consumer", "--subject", "nobody", "--name", "li"), "is unknown"),
        (("--role", "operator", "--subject", "m1", "--name", "op"), "has no subject"),
        (("--role", "integration", "--name", "bot"), "console users have one of the roles"),
        (("--role", "operator", "--name", "x"), "a user name has 2 to 64"),
        (("--role", "operator", "--name", "op2"), "a password has 10 to 256"),
    ],
)
def test_bad_users_are_refused_on_one_line(
    platform: tuple[Context, dict[str, str]], args: tuple[str, ...], message: str
) -> None:
    _, env = platform
    stdin = "short\n" if "op2" in args else PASSWORD + "\n"
    code, out = run(env, "user", "create", *args, "--password-stdin", stdin=stdin)
    assert code == 1 and message in out
    assert len(out.strip().splitlines()) == 1


def test_a_name_is_taken_once(platform: tuple[Context, dict[str, str]]) -> None:
    _, env = platform
    args = ("user", "create", "--role", "operator", "--name", "op1", "--password-stdin")
    assert run(env, *args, stdin=PASSWORD + "\n")[0] == 0
    code, out = run(env, *args, stdin=PASSWORD + "\n")
    assert code == 1 and "already exists" in out
