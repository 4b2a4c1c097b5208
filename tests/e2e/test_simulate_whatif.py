"""What-ifs on the programme's rules: the shipped example configurations run side by side, and
the platform each variant ran on enforces its own rules (a pool limit of 10 refuses 11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.api.app import create_app
from aftersales.bootstrap import bootstrap
from aftersales.cli import app
from aftersales.cli.simulate_compare import load_variant
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.services.context import Context
from aftersales.services.tokens import create_token
from tests.exposure_support import API, add_products, use_tiers

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "whatif"
TINY = ["--days", "3", "--start", "2026-11-01", "--merchants", "4", "--consumers", "40"]
MERCHANT = "m-0001"  # the simulated world's first shop


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """today.yaml against pool10.yaml, run once for the module; yields the data directory."""
    var = tmp_path_factory.mktemp("whatif") / "var"
    files = [str(EXAMPLES / "today.yaml"), str(EXAMPLES / "pool10.yaml")]
    result = CliRunner().invoke(
        app,
        ["simulate", "--compare", *files, *TINY, "--orders-per-day", "40", "--no-progress"],
        env={"AFTERSALES_DATA_DIR": str(var)},
    )
    assert result.exit_code == 0, result.output
    yield var


def _platform(var: Path, index: int, config: str) -> Context:
    """The platform a variant ran on: its database, with the variant's settings."""
    folder = var / "simulation" / f"compare-{index}"
    base = Settings(env="test", data_dir=folder, database_url=f"sqlite:///{folder}/aftersales.db")
    return bootstrap(load_variant(EXAMPLES / config).apply(base), schema="as_is")


def _enrol(ctx: Context, products: list[str]) -> tuple[int, str]:
    token = create_token(ctx, Actor(Role.MERCHANT_AGENT, MERCHANT))[1]
    with TestClient(create_app(ctx)) as client:
        answer = client.post(
            f"{API}/programme/enrolments",
            json={"mode": "pool", "product_ids": products},
            headers={"Authorization": f"Bearer {token}"},
        )
    return answer.status_code, answer.text


def test_the_report_shows_both_variants_side_by_side(compared: Path) -> None:
    page = (compared / "simulation" / "compare.html").read_text(encoding="utf-8")

    assert "现行规则 today" in page and "商品池上限 10 pool limit 10" in page
    assert "side by side" in page


@pytest.mark.parametrize(
    ("index", "config", "limit"), [(1, "today.yaml", 30), (2, "pool10.yaml", 10)]
)
def test_each_variants_platform_enforces_its_own_pool_limit(
    compared: Path, monkeypatch: pytest.MonkeyPatch, index: int, config: str, limit: int
) -> None:
    use_tiers(monkeypatch, {MERCHANT: "good"})
    ctx = _platform(compared, index, config)
    try:
        products = add_products(ctx, MERCHANT, 11, prefix=f"whatif{index}")
        eleven = _enrol(ctx, products)
        ten = _enrol(ctx, products[:10])
    finally:
        ctx.close()

    assert ctx.exposure.config.pool_limit == limit
    if limit == 10:
        assert eleven[0] == 422 and "at most 10 products, got 11" in eleven[1]
    else:
        assert eleven[0] == 201, eleven[1]
    assert ten[0] == 201, ten[1]


@pytest.mark.parametrize("config", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_shipped_example_is_a_valid_configuration(config: str) -> None:
    variant = load_variant(EXAMPLES / config)

    settings = variant.apply(Settings(env="test"))

    assert variant.name and settings.exposure_config()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "exposure_weights: {good: {search: 0.9}}",
            "programme weight of good on search must be >= 1",
        ),
        ("exposure_weights: {watch: {feed: 1.2}}", "programme weights cannot name penalised tier"),
        (
            "exposure_pool_limit: 0",
            "exposure_pool_limit: Input should be greater than or equal to 1",
        ),
        ("exposure_throttling: sometimes", "exposure_throttling: Input should be a valid boolean"),
    ],
)
def test_a_rule_the_programme_refuses_stops_the_compare_before_it_runs(
    tmp_path: Path, settings: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: bad rule\nsettings:\n  {settings}\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["simulate", "--compare", str(EXAMPLES / "today.yaml"), str(bad), "--days", "2"],
        env={"AFTERSALES_DATA_DIR": str(tmp_path / "var")},
    )

    assert result.exit_code == 1
    assert message in " ".join(result.output.split()) and "Value error" not in result.output
    assert not (tmp_path / "var" / "simulation" / "compare-1").exists()
