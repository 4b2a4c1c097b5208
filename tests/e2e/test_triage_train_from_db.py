"""``aftersales triage train --from-db``: the platform's resolved cases teach the model, with
the labels people settled on (operator corrections, arbitration's findings)."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict
from aftersales.services import cases as uc
from aftersales.services.assignment import Assign, assign
from aftersales.services.context import Context
from aftersales.services.triage_training import resolved_examples
from aftersales.triage import default_triager, load_model
from tests.dispatch_support import UNCLEAR, fresh_line
from tests.support import Market
from tests.unit.triage.conftest import tiny_examples

C1 = Actor(Role.CONSUMER, "c1")
M1 = Actor(Role.MERCHANT_AGENT, "m1")
OPERATOR = Actor(Role.OPERATOR, "ana")


def opened(ctx: Context, text: str) -> str:
    return uc.open_case(ctx, C1, uc.OpenCase(fresh_line(ctx), CaseType.RETURN_REFUND, text)).id


def settled(ctx: Context, text: str) -> str:
    case_id = opened(ctx, text)
    uc.propose(ctx, M1, case_id, ResolutionType.REFUND_ONLY, 10000)
    uc.accept(ctx, C1, case_id)
    return case_id


def arbitrated(ctx: Context, text: str, liable: LiableParty) -> str:
    case_id = opened(ctx, text)
    uc.post_message(ctx, M1, case_id, "no")
    uc.escalate(ctx, C1, case_id, "stuck")
    verdict = uc.ArbitrationCommand(Verdict.CONSUMER, liable, ResolutionType.REFUND_ONLY, 100, "x")
    uc.arbitrate(ctx, OPERATOR, case_id, verdict)
    return case_id


VAGUE = "嗯"  # triage is unsure of it (needs_human), and nobody corrects it


def resolved_cases(ctx: Context) -> dict[str, str]:
    corrected = opened(ctx, UNCLEAR)
    assign(ctx, OPERATOR, corrected, Assign(queue="technical_support", issue_type="malfunction"))
    uc.propose(ctx, M1, corrected, ResolutionType.REFUND_ONLY, 10000)
    uc.accept(ctx, C1, corrected)
    return {
        "sure": settled(ctx, "系统更新后一直闪退"),
        "corrected": corrected,
        "unsure": settled(ctx, VAGUE),
        "courier": arbitrated(ctx, "快递外包装破损，手机屏幕碎了", LiableParty.LOGISTICS),
        "open": opened(ctx, "屏幕有坏点"),  # not resolved: nothing to learn yet
    }


def test_resolved_cases_become_examples_with_the_labels_people_settled_on(
    ctx: Context, market: Market
) -> None:
    cases = resolved_cases(ctx)

    examples = {e.text: e for e in resolved_examples(ctx)}

    assert set(examples) == {"系统更新后一直闪退", UNCLEAR, "快递外包装破损，手机屏幕碎了"}
    assert examples["系统更新后一直闪退"].issue_type == "software_issue"
    assert examples[UNCLEAR].issue_type == "malfunction"  # the operator's reading
    assert examples["快递外包装破损，手机屏幕碎了"].cause == "logistics_damage"  # arbitration's
    assert all(e.category == "digital/phone" and not e.safety for e in examples.values())
    assert cases["unsure"] and cases["open"]
    assert default_triager().classify(VAGUE, "digital/phone").needs_human  # the premise


def test_train_from_db_adds_the_cases_to_the_corpus_and_versions_the_model_apart(
    ctx: Context, market: Market, db_url: str, tmp_path: Path, client: TestClient
) -> None:
    resolved_cases(ctx)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {
            "text": e.text,
            "language": "unknown",
            "category": None,
            "issue_type": e.issue_type,
            "severity": e.severity,
            "cause": e.cause,
            "safety": e.safety,
        }
        for e in tiny_examples()
    ]
    (corpus / "tiny.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    env = {"AFTERSALES_DATA_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": db_url}
    runner = CliRunner()
    plain_out, db_out = tmp_path / "plain.json", tmp_path / "db.json"

    plain = runner.invoke(
        app, ["triage", "train", "--corpus", str(corpus), "--out", str(plain_out)], env=env
    )
    with_db = runner.invoke(
        app,
        ["triage", "train", "--from-db", "--corpus", str(corpus), "--out", str(db_out)],
        env=env,
    )

    assert plain.exit_code == 0, plain.output
    assert with_db.exit_code == 0, with_db.output
    assert "3 resolved case(s) with a settled label, 3 of them new to the corpus" in with_db.stdout
    base, learnt = load_model(plain_out), load_model(db_out)
    assert learnt.info.training["case_examples"] == 3
    assert learnt.info.corpus_sha256 == base.info.corpus_sha256
    assert learnt.info.model_version != base.info.model_version
    assert "software_issue" in learnt.heads["issue_type"].labels
    assert "software_issue" not in base.heads["issue_type"].labels
