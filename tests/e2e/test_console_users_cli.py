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


def _operator_signed_in(
    platform: tuple[Context, dict[str, str]], name: str = "op1"
) -> tuple[TestClient, dict[str, str]]:
    ctx, env = platform
    args = ("user", "create", "--role", "operator", "--name", name, "--password-stdin")
    assert run(env, *args, stdin=PASSWORD + "\n")[0] == 0
    client = TestClient(create_app(ctx), raise_server_exceptions=False)
    assert sign_in(client, name, PASSWORD).status_code == 303
    return client, env


def _signed_in(client: TestClient) -> bool:
    """Whether the client's session still opens the operator's overview."""
    return client.get("/console/overview", follow_redirects=False).status_code == 200


def test_a_disabled_user_is_signed_out_and_cannot_sign_in_until_enabled(
    platform: tuple[Context, dict[str, str]],
) -> None:
    client, env = _operator_signed_in(platform)
    assert _signed_in(client)

    code, out = run(env, "user", "disable", "OP1")
    assert code == 0 and "user OP1 disabled; 1 open session(s) ended" in out
    assert not _signed_in(client)  # the open session ended with it
    assert sign_in(client, "op1", PASSWORD).status_code != 303
    assert "op1\toperator\t- (disabled " in run(env, "user", "list")[1]

    assert run(env, "user", "enable", "op1")[0] == 0
    assert sign_in(client, "op1", PASSWORD).status_code == 303
    assert "disabled" not in run(env, "user", "list")[1]


def test_a_new_password_ends_every_session_and_the_old_one_stops_working(
    platform: tuple[Context, dict[str, str]],
) -> None:
    client, env = _operator_signed_in(platform)
    new = "another long passphrase"

    code, out = run(env, "user", "password", "op1", "--password-stdin", stdin=new + "\n")

    assert code == 0 and "new password for op1; 1 open session(s) ended" in out
    assert not _signed_in(client)
    assert sign_in(client, "op1", PASSWORD).status_code != 303
    assert sign_in(client, "op1", new).status_code == 303


def test_a_paused_sign_in_can_be_lifted_by_an_operator(
    platform: tuple[Context, dict[str, str]],
) -> None:
    _, env = _operator_signed_in(platform)
    fresh = TestClient(create_app(platform[0]), raise_server_exceptions=False)
    for _ in range(5):  # the default limit of failures in a row
        assert sign_in(fresh, "op1", "not the password").status_code != 303
    assert sign_in(fresh, "op1", PASSWORD).status_code != 303  # paused, right or wrong
    assert "(sign-in paused)" in run(env, "user", "list")[1]

    assert run(env, "user", "unpause", "op1")[0] == 0

    assert sign_in(fresh, "op1", PASSWORD).status_code == 303


@pytest.mark.parametrize("command", ["disable", "enable", "unpause"])
def test_an_unknown_user_is_one_line(
    platform: tuple[Context, dict[str, str]], command: str
) -> None:
    _, env = platform
    code, out = run(env, "user", command, "nobody")
    assert code == 1 and "[not_found] no console user named nobody" in out
    assert len(out.strip().splitlines()) == 1


def test_tokens_are_listed_without_their_secrets_and_revoked_ones_on_asking(
    platform: tuple[Context, dict[str, str]],
) -> None:
    _, env = platform
    first = run(env, "token", "create", "--role", "operator", "--label", "ops laptop")[1]
    second = run(env, "token", "create", "--role", "merchant_agent", "--subject", "m1")[1]
    first_id = first.split()[1]
    secrets = [line for line in first.splitlines() + second.splitlines() if "ast_" in line]

    assert run(env, "token", "revoke", first_id)[0] == 0
    code, listed = run(env, "token", "list")
    _, everything = run(env, "token", "list", "--all")

    assert code == 0
    assert "merchant_agent\tm1\t-\t" in listed and first_id not in listed
    assert f"{first_id}\toperator\t-\tops laptop\t" in everything and "\trevoked " in everything
    assert secrets and not any(secret in everything for secret in secrets)
