"""``aftersales triage``: classify one text or a JSONL file, train, evaluate."""

# Chinese text uses full-width punctuation on purpose.

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aftersales.cli import app
from aftersales.triage import save_model
from aftersales.triage.training import TrainParams, train
from tests.unit.triage.conftest import CORPUS, tiny_examples

runner = CliRunner()


def test_classify_prints_one_json_object_with_the_queue() -> None:
    result = runner.invoke(
        app, ["triage", "classify", "--text", "充电器冒烟了", "--category", "digital/accessory"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["safety"] is True
    assert doc["queue"] == "technical_support"
    assert {"issue_type", "severity", "cause", "confidence", "language", "needs_human"} <= set(doc)


def test_classify_jsonl_answers_every_line_in_order_with_errors_in_place(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "外卖里吃出一根头发", "category": "food"}, ensure_ascii=False),
        "not json",
        json.dumps({"text": 5}),
        "",
        json.dumps({"text": "Parcel still hasn't arrived after a week"}),
        json.dumps({"text": "x", "category": 3}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken\n")
    result = runner.invoke(app, ["triage", "classify", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == 7
    assert docs[0]["issue_type"] == "foreign_object"
    assert [d["error"]["code"] for d in docs if "error" in d] == ["validation_failed"] * 5
    assert [d["line"] for d in docs if "error" in d] == [2, 3, 4, 6, 7]
    assert docs[4]["issue_type"] == "late_delivery"


def test_classify_needs_exactly_one_input() -> None:
    neither = runner.invoke(app, ["triage", "classify"])
    both = runner.invoke(app, ["triage", "classify", "--text", "a", "--jsonl", "f"])
    assert neither.exit_code == both.exit_code == 1
    assert "exactly one" in neither.stderr


def test_classify_with_a_model_that_is_not_one_fails_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "nope"}', encoding="utf-8")
    result = runner.invoke(app, ["triage", "classify", "--text", "x", "--model", str(path)])
    assert result.exit_code == 1
    assert "[validation_failed]" in result.stderr


def test_train_writes_an_artefact_and_says_whether_it_is_the_shipped_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        json.dumps(
            {
                "text": e.text,
                "language": "unknown",
                "category": None,
                "issue_type": e.issue_type,
                "severity": e.severity,
                "cause": e.cause,
                "safety": e.safety,
            },
            ensure_ascii=False,
        )
        for e in tiny_examples()
    ]
    (corpus / "tiny.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "model.json"
    result = runner.invoke(app, ["triage", "train", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "different from the shipped default model" in result.stdout


def test_eval_prints_scores_confusion_safety_and_calibration() -> None:
    result = runner.invoke(app, ["triage", "eval", "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    for heading in ("issue_type:", "confusion", "safety recall:", "calibration", "human queue"):
        assert heading in result.stdout


def test_eval_warns_when_the_model_learnt_from_another_corpus(tmp_path: Path) -> None:
    model = train(tiny_examples(), corpus_sha256="0" * 64, params=TrainParams(folds=2, min_df=1))
    path = tmp_path / "model.json"
    save_model(model, path)
    result = runner.invoke(app, ["triage", "eval", "--corpus", str(CORPUS), "--model", str(path)])
    assert result.exit_code == 0, result.output
    assert "another version of this corpus" in result.stderr
