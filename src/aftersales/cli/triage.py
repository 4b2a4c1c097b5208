"""``aftersales triage``: classify complaints, train the model, evaluate it."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.errors import ValidationFailed

triage_app = typer.Typer(
    help="Triage of complaint text: classify, train, evaluate.", no_args_is_help=True
)

ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model artefact (default: the shipped model).")
]
CorpusOption = Annotated[
    Path, typer.Option("--corpus", help="Directory of *.jsonl labelled examples.")
]
DEFAULT_CORPUS = Path("corpus/triage")


def _triager(model: Path | None) -> Any:
    from aftersales.triage import Triager, default_triager, load_model

    return Triager(load_model(model)) if model else default_triager()


@triage_app.command("classify")
@errors_on_one_line
def classify_command(
    text: Annotated[str | None, typer.Option("--text", help="The complaint text.")] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Product category path, e.g. digital/phone.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='File of {"text": ..., "category": ...} lines; - for stdin.'),
    ] = None,
    model: ModelOption = None,
) -> None:
    """Print the triage of one text, or of each line of a JSONL file, as JSON."""
    if (text is None) == (jsonl is None):
        raise ValidationFailed("give exactly one of --text and --jsonl")
    triager = _triager(model)
    if text is not None:
        print(json.dumps(triager.classify(text, category).to_dict(), ensure_ascii=False))
        return
    assert jsonl is not None
    with _open_input(jsonl) as handle:
        for number, raw in enumerate(handle, 1):
            sys.stdout.write(json.dumps(_classify_line(triager, raw, number), ensure_ascii=False))
            sys.stdout.write("\n")


def _open_input(path: Path) -> BinaryIO:
    if str(path) == "-":
        return sys.stdin.buffer
    try:
        return path.open("rb")
    except OSError as exc:
        raise ValidationFailed(f"cannot read {path}: {exc.strerror}") from exc


def _classify_line(triager: Any, raw: bytes, number: int) -> dict[str, Any]:
    """One input line's result, or an error object for that line alone."""
    if not raw.strip():
        return _line_error(number, "the line is empty")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _line_error(number, "the line is not UTF-8 text")
    except ValueError:
        return _line_error(number, "the line is not a JSON object")
    if not isinstance(doc, dict):
        return _line_error(number, "the line is not a JSON object")
    text, category = doc.get("text"), doc.get("category")
    if not isinstance(text, str):
        return _line_error(number, "text must be a string")
    if category is not None and not isinstance(category, str):
        return _line_error(number, "category must be a string or null")
    result: dict[str, Any] = triager.classify(text, category).to_dict()
    return result


def _line_error(number: int, detail: str) -> dict[str, Any]:
    return {"line": number, "error": {"code": "validation_failed", "detail": detail}}


@triage_app.command("train")
@errors_on_one_line
def train_command(
    corpus: CorpusOption = DEFAULT_CORPUS,
    output: Annotated[
        Path, typer.Option("--out", help="Where to write the model artefact.")
    ] = Path("triage-model.json"),
    from_db: Annotated[
        bool,
        typer.Option(
            "--from-db", help="Also learn from the database's resolved cases (their final labels)."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Train a model on the corpus's training split (and resolved cases) and write it."""
    from aftersales.triage.artefact import default_model_bytes, save_model
    from aftersales.triage.training import train_corpus

    cases = _resolved_examples(db) if from_db else []
    model = train_corpus(corpus, also=cases)
    shipped = default_model_bytes()  # read first: --out may be the shipped file itself
    save_model(model, output)
    data = output.read_bytes()
    same = data == shipped
    info = model.info.training
    if from_db:
        out.print(
            f"{len(cases)} resolved case(s) with a settled label, "
            f"{info.get('case_examples', 0)} of them new to the corpus",
            highlight=False,
        )
    out.print(
        f"trained on {info['examples']} examples ({info['held_out']} held out), "
        f"{model.size} features; corpus sha256 {model.info.corpus_sha256}; "
        f"model {model.info.model_version}",
        highlight=False,
    )
    verdict = "identical to" if same else "different from"
    out.print(
        f"wrote {output} (sha256 {hashlib.sha256(data).hexdigest()}), "
        f"{verdict} the shipped default model",
        highlight=False,
        markup=False,
    )


@triage_app.command("eval")
@errors_on_one_line
def eval_command(
    corpus: CorpusOption = DEFAULT_CORPUS,
    model: ModelOption = None,
    reviews: Annotated[
        Path | None,
        typer.Option("--reviews", help="Directory with online_shopping_10_cats and waimai_10k."),
    ] = None,
    hazards: Annotated[
        Path | None,
        typer.Option(
            "--hazards",
            help="Directory with nhtsa_hyundai_2020_2022 and eu_safety_gate_alerts (English).",
        ),
    ] = None,
    show: Annotated[
        int,
        typer.Option("--show", help="Also print up to N flagged and N missed real texts."),
    ] = 0,
) -> None:
    """Evaluate a model on the held-out split of its corpus (and on real reviews and reports)."""
    from aftersales.triage.corpus import corpus_sha256, load_corpus, split
    from aftersales.triage.evaluation import evaluate, format_evaluation
    from aftersales.triage.training import TrainParams

    triager = _triager(model)
    training = triager.model.info.training
    defaults = TrainParams()
    seed = int(training.get("seed", defaults.seed))
    fraction = float(training.get("test_fraction", defaults.test_fraction))
    if corpus_sha256(corpus) != triager.model.info.corpus_sha256:
        err.print(
            "warning: the model was trained on another version of this corpus; "
            "its held-out split may include examples it learnt from",
            highlight=False,
        )
    _, held_out = split(load_corpus(corpus), seed, fraction)
    out.print(format_evaluation(evaluate(triager, held_out)), markup=False, highlight=False)
    if reviews is not None:
        out.print(_review_report(triager, reviews, show), markup=False, highlight=False)
    if hazards is not None:
        out.print(_hazard_report(triager, hazards, show), markup=False, highlight=False)


def _resolved_examples(db: str | None) -> list[Any]:
    from aftersales.services.triage_training import resolved_examples

    ctx = open_context(settings_for(db))
    try:
        return list(resolved_examples(ctx))
    finally:
        ctx.close()


def _review_report(triager: Any, directory: Path, show: int) -> str:
    from aftersales.triage.reviews import format_review_report, read_reviews, review_report

    found: Iterator[Any] = read_reviews(directory)
    report = review_report(triager, found, samples=show)
    if not report.groups:
        raise ValidationFailed(f"no review datasets found under {directory}")
    return format_review_report(report)


def _hazard_report(triager: Any, directory: Path, show: int) -> str:
    from aftersales.triage.hazard_reports import (
        format_hazard_report,
        hazard_report,
        read_alerts,
        read_vehicle_complaints,
    )

    complaints = read_vehicle_complaints(directory)
    report = hazard_report(triager, complaints, read_alerts(directory), samples=show)
    if not report.vehicles and not report.alerts:
        raise ValidationFailed(f"no safety report datasets found under {directory}")
    return format_hazard_report(report)
