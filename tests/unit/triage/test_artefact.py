"""The model artefact: a round trip keeps every prediction, and a bad file is refused."""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import ast
import base64
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from aftersales.triage import ModelFileError, Triager, load_model, save_model
from aftersales.triage.artefact import FORMAT_VERSION, dumps, loads
from aftersales.triage.model import TriageModel
from aftersales.triage.training import TrainParams, train
from tests.unit.triage.conftest import ROOT, tiny_examples

PROBES = [
    "充电器冒烟了",
    "The charger started smoking",
    "快递还没到",
    "衣服太小",
    "没有冒烟，就是开不了机",
    "",
    "😡",
]


@pytest.fixture(scope="module")
def tiny_model() -> TriageModel:
    return train(tiny_examples(), corpus_sha256="0" * 64, params=TrainParams(folds=2, min_df=1))


def test_a_written_and_read_model_gives_the_same_predictions(
    tiny_model: TriageModel, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    save_model(tiny_model, path)
    loaded = load_model(path)
    before, after = Triager(tiny_model), Triager(loaded)
    for text in PROBES:
        assert after.classify(text).to_dict() == before.classify(text).to_dict()
    assert loaded.info == tiny_model.info


def test_the_same_examples_give_the_same_bytes(tiny_model: TriageModel) -> None:
    again = train(tiny_examples(), corpus_sha256="0" * 64, params=TrainParams(folds=2, min_df=1))
    assert dumps(again) == dumps(tiny_model)


def test_the_artefact_names_its_format_corpus_and_settings(tiny_model: TriageModel) -> None:
    doc = json.loads(dumps(tiny_model))
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["corpus_sha256"] == "0" * 64
    assert doc["training"]["min_df"] == 1
    assert set(doc["heads"]) == {"issue_type", "severity", "cause", "safety"}


def _tampered(model: TriageModel, change: Any) -> str:
    doc = json.loads(dumps(model))
    change(doc)
    return json.dumps(doc)


def _set(path: list[str], value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        for key in path[:-1]:
            doc = doc[key]
        doc[path[-1]] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(["format_version"], 99),
        _set(["format"], "something-else"),
        _set(["heads", "issue_type", "labels"], ["malfunction", "teleportation"]),
        _set(["heads", "issue_type", "temperature"], -1),
        _set(["heads", "cause", "bias"], [0.0]),
        _set(["thresholds", "needs_human_below"], 7),
        _set(["features", "idf", "shape"], [3]),
        _set(["features", "idf", "data"], "not base64!"),
        _set(["features", "vocabulary"], ["a", "a"]),
    ],
)
def test_a_damaged_artefact_is_refused_with_a_clear_error(
    tiny_model: TriageModel, change: Any
) -> None:
    with pytest.raises(ModelFileError):
        loads(_tampered(tiny_model, change))


def test_a_weight_that_is_not_a_number_is_refused(tiny_model: TriageModel) -> None:
    doc = json.loads(dumps(tiny_model))
    idf = doc["features"]["idf"]
    raw = bytearray(base64.b64decode(idf["data"]))
    raw[0:4] = b"\x00\x00\xc0\x7f"  # float32 NaN
    idf["data"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(ModelFileError, match="finite"):
        loads(json.dumps(doc))


def test_a_pickle_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    with pytest.raises(ModelFileError):
        load_model(path)


def test_nothing_in_the_triage_package_can_unpickle() -> None:
    unsafe = {"pickle", "joblib", "dill", "cloudpickle", "shelve", "marshal"}
    for source in (ROOT / "src" / "aftersales" / "triage").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not names & unsafe, source.name
