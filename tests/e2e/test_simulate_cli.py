"""``aftersales simulate`` and ``demo`` on the command line: a tiny run, and nonsense refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aftersales.bootstrap import bootstrap
from aftersales.cli import app
from aftersales.config import Settings
from aftersales.errors import AftersalesError


@pytest.fixture
def run(tmp_path: Path) -> object:
    runner = CliRunner()
    env = {"AFTERSALES_DATA_DIR": str(tmp_path / "var")}

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env=env)
        return result.exit_code, result.output

    return invoke


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--merchants", "-5", "--days", "3"], "merchants must be between 1 and 100,000 (got -5)"),
        (["--consumers", "0"], "consumers must be between 1"),
        (["--orders-per-day", "0"], "orders_per_day must be between 1"),
        (["--cycles", "0"], "--cycles must be between 1 and 120 (got 0)"),
        (["--days", "0"], "--days must be between 1"),
        (["--days", "3", "--cycles", "2"], "give --days or --cycles, not both"),
        (["--start", "2026-13-01"], "--start '2026-13-01' is not a day such as 2026-08-01"),
        (["--cycles", "2", "--start", "2026-03-05"], "first day of a month"),
        (["--target", "http://127.0.0.1:9", "--rate", "0"], "--rate must be between 0.1 and 5000"),
        (["--target", "http://127.0.0.1:9", "--count", "0"], "--count must be between 1"),
        (["--target", "http://127.0.0.1:9", "--seconds", "1"], "no server answers at"),
    ],
)
def test_nonsense_gets_a_clear_message_and_nothing_runs(
    run: object, tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = run("simulate", *args)  # type: ignore[operator]
    assert code == 1
    assert message in " ".join(output.split())
    assert "Traceback" not in output
    assert not (tmp_path / "var" / "simulation" / "aftersales.db").exists()


def test_a_tiny_run_prints_its_summary_and_refuses_to_run_twice(
    run: object, tmp_path: Path
) -> None:
    args = ["simulate", "--days", "3", "--start", "2026-11-01", "--merchants", "5"]
    code, output = run(*args, "--consumers", "50", "--orders-per-day", "60", "--json")  # type: ignore[operator]
    assert code == 0, output
    summary = json.loads(output[output.index("{") :])
    assert summary["run"] == "sim_000000000001"
    assert summary["platform"]["orders"] == summary["simulation"]["orders"] > 100
    conducts = {"responsive", "slow", "obstructive"}  # or a change of one into another: a→b
    assert all(set(k.split("→")) <= conducts for k in summary["by_conduct"])
    code, output = run(*args)  # type: ignore[operator]
    assert code == 1 and "already holds marketplace data" in output


def test_the_summary_reads_in_both_languages(run: object) -> None:
    code, output = run(  # type: ignore[operator]
        "simulate", "--days", "2", "--start", "2026-11-01", "--merchants", "4",
        "--consumers", "40", "--orders-per-day", "40", "--no-progress",
    )  # fmt: skip
    assert code == 0, output
    assert "订单 orders" in output and "售后单 cases" in output and "召回 recalls" in output


def test_the_demo_builds_a_history_and_a_login_per_role(
    run: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aftersales.bootstrap import bootstrap
    from aftersales.cli import demo
    from aftersales.config import Settings
    from aftersales.services.tokens import authenticate

    small = {"merchants": 6, "consumers": 80, "orders_per_day": 40, "months": 1}
    monkeypatch.setattr(demo, "DEMO", small)
    code, output = run("demo", "--no-serve")  # type: ignore[operator]
    assert code == 0, output
    assert "ready in" in output and "demo-operator" in output
    said = " ".join(output.split())  # as printed, folded to the terminal's width
    for command in ("load test it:", "serve it again later:"):  # with the database's own key
        assert f"{command} AFTERSALES_DATA_DIR=" in said
    folder = tmp_path / "var" / "demo"
    logins = json.loads((folder / "logins.json").read_text(encoding="utf-8"))
    assert [x["role"] for x in logins] == [
        "consumer", "merchant_agent", "operator", "auditor", "integration",
    ]  # fmt: skip
    assert (folder / "logins.json").stat().st_mode & 0o077 == 0
    for login in logins:  # whole, to be copied from the terminal: never folded into a cell
        assert login["token"] in output
    url = f"sqlite:///{folder / 'aftersales.db'}"
    ctx = bootstrap(Settings(env="test", data_dir=folder, database_url=url), schema="as_is")
    try:
        for login in logins:
            actor = authenticate(ctx, login["token"])
            assert (actor.role.value, actor.subject) == (login["role"], login["subject"])
        with ctx.uow(read_only=True) as uow:
            run_row = uow.simulation_runs.latest()
            staff = uow.agents.search()
        assert run_row is not None and run_row.status == "complete"
        # The platform's desks and the demo merchant's own desk, on shift
        merchant = next(x["subject"] for x in logins if x["role"] == "merchant_agent")
        assert sorted(a.merchant_id or "platform" for a in staff) == [
            merchant, merchant, "platform", "platform", "platform",
        ]  # fmt: skip
        assert all(a.online for a in staff) and "staff: 5 agents on shift took" in output
    finally:
        ctx.close()


def test_the_demos_printed_commands_hide_a_database_password(
    run: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aftersales.cli import demo

    # Only what it prints is under test: the history, logins and server are left out.
    monkeypatch.setattr(demo, "run_and_report", lambda *args, **kwargs: None)
    monkeypatch.setattr(demo, "_logins", lambda settings: [])
    monkeypatch.setattr(demo, "_show", lambda logins, settings: None)
    url = "postgresql+psycopg://ops:s3cret@db.example:5432/market"
    code, output = run("demo", "--no-serve", "--db", url)  # type: ignore[operator]
    assert code == 0, output
    said = " ".join(output.split())
    assert "s3cret" not in said
    for command in ("load test it:", "serve it again later:"):
        assert command in said
    assert said.count("postgresql+psycopg://ops:***@db.example:5432/market") == 2


def test_the_flywheel_report_is_one_self_contained_page(run: object, tmp_path: Path) -> None:
    report = tmp_path / "out.html"
    code, output = run(  # type: ignore[operator]
        "simulate", "--days", "5", "--start", "2026-10-28", "--merchants", "6",
        "--consumers", "60", "--orders-per-day", "50", "--no-progress", "--report", str(report),
    )  # fmt: skip
    assert code == 0, output
    page = report.read_text(encoding="utf-8")
    assert "飞轮报告 Flywheel report" in page and "2026-10" in page
    assert page.count("<svg") == 6 and "<script" not in page
    assert " src=" not in page and " href=" not in page  # nothing fetched from anywhere


def test_two_configurations_run_on_the_same_seed(run: object, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: today\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "name: gentler throttle\nsettings:\n  exposure_throttle: 0.9\n"
        "simulation:\n  weekly_checks: false\n",
        encoding="utf-8",
    )
    args = ["--days", "3", "--start", "2026-11-01", "--merchants", "4", "--consumers", "40"]
    code, output = run(  # type: ignore[operator]
        "simulate", "--compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), *args,
        "--orders-per-day", "40", "--no-progress",
    )  # fmt: skip
    assert code == 0, output
    page = (tmp_path / "var" / "simulation" / "compare.html").read_text(encoding="utf-8")
    assert "today" in page and "gentler throttle" in page and "side by side" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no configuration file at"),
        ("settings:\n  no_such: 1\n", "unknown setting 'no_such'"),
        ("settings:\n  exposure_throttle: 7\n", "exposure_throttle: Input should be less than 1"),
        ("simulation:\n  weekly_checks: maybe\n", "simulation.weekly_checks is true or false"),
        ("- a list\n", "a configuration is a mapping"),
        (
            "name: one: two\n",
            "is not YAML: mapping values are not allowed here (line 1, column 10)",
        ),
        (b"\xd0\xcf\x11 not text", "cannot read"),
    ],
)
def test_a_bad_configuration_is_refused_before_anything_runs(
    run: object, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("name: fine\n", encoding="utf-8")
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not None:
        bad.write_text(content, encoding="utf-8")
    code, output = run("simulate", "--compare", str(good), str(bad), "--days", "2")  # type: ignore[operator]
    assert code == 1
    assert message in " ".join(output.split())
    assert "Traceback" not in output and "^" not in output  # one line, no parser's caret
    assert not (tmp_path / "var" / "simulation" / "compare-1").exists()


def test_a_simulated_database_keeps_to_its_own_key_and_says_how_to_serve_it(
    run: object, tmp_path: Path
) -> None:
    """The run signs its evidence log's checkpoint, so the database is served only with the
    data directory that holds its key (another would sign on with a second key and salt)."""
    code, output = run(  # type: ignore[operator]
        "simulate", "--days", "3", "--start", "2026-11-20", "--merchants", "4",
        "--consumers", "40", "--orders-per-day", "40", "--no-progress",
    )  # fmt: skip
    assert code == 0, output
    own = tmp_path / "var" / "simulation"
    url = f"sqlite:///{own / 'aftersales.db'}"
    assert f"serve it: AFTERSALES_DATA_DIR={own} aftersales serve --db {url}" in output
    elsewhere = Settings(env="test", data_dir=tmp_path / "elsewhere", database_url=url)
    with pytest.raises(AftersalesError, match=r"there is no key at .*\(AFTERSALES_DATA_DIR"):
        bootstrap(elsewhere, schema="as_is")
    bootstrap(Settings(env="test", data_dir=own, database_url=url), schema="as_is").close()
