"""Fitting a triage model: vocabulary, IDF, one logistic regression per head, calibration.

scikit-learn does the fitting only; what it fits is copied into a ``TriageModel`` and scored
with numpy (see ``artefact`` for why no scikit-learn object is ever stored). Vectors for
training are built by the same ``TriageModel.vectorise`` that scores at run time, so training
and scoring cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.optimize
import scipy.sparse
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from aftersales.domain.categories import CATEGORIES
from aftersales.errors import Text
from aftersales.triage.corpus import Example, corpus_sha256, load_corpus, split
from aftersales.triage.errors import CorpusError
from aftersales.triage.features import text_grams
from aftersales.triage.labels import HAZARD_FAMILIES
from aftersales.triage.lexicon import HazardScan, fingerprint, scan
from aftersales.triage.model import FloatArray, Head, ModelInfo, TriageModel, softmax
from aftersales.triage.text import MAX_CHARS, MODEL_CHARS, normalise

__all__ = ["METHOD", "TrainParams", "train", "train_corpus", "without_categories"]

LABEL_HEADS: tuple[str, ...] = ("issue_type", "severity", "cause")
# How the examples become a model, beyond TrainParams; part of the model's version, so that a
# model trained another way from the same corpus and lexicon is another model.
# 2: category dropout (every example with a category is also learnt without it).
METHOD = 2


@dataclass(frozen=True, slots=True)
class TrainParams:
    """Everything that decides the fitted model besides the examples."""

    c: float = 32.0
    safety_c: float = 64.0
    min_df: int = 2
    folds: int = 5
    seed: int = 20261129
    test_fraction: float = 0.2
    needs_human_below: float = 0.5
    # Safety head probability that raises the flag on its own. Lower catches more hazards the
    # lexicon has no term for and raises more false alarms; docs/triage.md has the trade-off.
    model_safety_at: float = 0.4
    max_iter: int = 3000


@dataclass(frozen=True, slots=True)
class _Doc:
    normalised: str
    category: str | None
    hazards: HazardScan


def train_corpus(
    directory: Path, params: TrainParams | None = None, also: Sequence[Example] = ()
) -> TriageModel:
    """Train on the corpus's training split (the held-out split stays unseen for ``eval``),
    plus ``also``: examples from elsewhere, such as the platform's resolved cases.

    Examples of ``also`` whose text is already in the corpus (or repeats) are left out. With
    any left, the model's version covers them too, so it differs from the corpus-only model's;
    the corpus fingerprint stays the corpus's own, so ``eval`` still finds its held-out split."""
    params = params or TrainParams()
    examples = load_corpus(directory)
    training, held_out = split(examples, params.seed, params.test_fraction)
    added = _new_texts(examples, also)
    extra = {"corpus_examples": len(examples), "held_out": len(held_out)}
    corpus_sha = corpus_sha256(directory)
    if not added:
        return train(training, corpus_sha256=corpus_sha, params=params, extra=extra)
    extra["case_examples"] = len(added)
    model = train([*training, *added], corpus_sha256=corpus_sha, params=params, extra=extra)
    version = f"1.{_combined_sha(model.info.model_version, added)[:12]}"
    return TriageModel(
        replace(model.info, model_version=version),
        model.vocabulary,
        model.idf,
        model.text_features,
        model.heads,
    )


def _new_texts(known: Sequence[Example], also: Sequence[Example]) -> list[Example]:
    seen = {" ".join(e.text.split()) for e in known}
    added = []
    for example in also:
        key = " ".join(example.text.split())
        if key and key not in seen:
            seen.add(key)
            added.append(example)
    return added


def _combined_sha(base_version: str, added: Sequence[Example]) -> str:
    digest = hashlib.sha256(base_version.encode())
    for e in added:
        row = [e.text, e.issue_type, e.severity, e.cause, str(e.safety), e.category or ""]
        digest.update(json.dumps(row, ensure_ascii=False).encode())
    return digest.hexdigest()


def train(
    examples: Sequence[Example],
    *,
    corpus_sha256: str,
    params: TrainParams | None = None,
    extra: dict[str, int] | None = None,
) -> TriageModel:
    """Fit a model on these examples (all of them)."""
    params = params or TrainParams()
    if len({e.issue_type for e in examples}) < 2:
        raise CorpusError(
            Text(
                "training needs examples of at least two issue types",
                "训练至少需要两种问题类型的样本",
            )
        )
    docs = [_doc(e) for e in examples]
    skeleton = _skeleton(docs, params.min_df)  # the words of the examples as written
    copies = without_categories(examples)
    learnt = [*examples, *copies]
    matrix = _matrix(skeleton, [*docs, *(_doc(e) for e in copies)])
    # A copy is learnt with its original, never used to judge it (calibration's folds).
    groups = np.asarray([*range(len(examples)), *_origins(examples)])
    heads = {
        name: _fit_head(matrix, [getattr(e, name) for e in learnt], params, groups)
        for name in LABEL_HEADS
    }
    # The safety head reads the words alone, which a copy repeats: the examples as written.
    heads["safety"] = _safety_head(matrix[: len(examples)], skeleton, examples, params)
    lexicon_sha = fingerprint()
    training = {
        **asdict(params),
        **(extra or {}),
        "examples": len(examples),
        "copies_without_category": len(copies),
        "method": METHOD,
        "features": skeleton.size,
        "scikit_learn": sklearn.__version__,
        "lexicon_sha256": lexicon_sha,
    }
    # The version names the inputs that decide the weights: the corpus, the lexicon whose
    # readings are features (a lexicon change with the same corpus is another model), and the
    # method.
    named = f"{corpus_sha256}\0{lexicon_sha}\0{METHOD}"
    version = hashlib.sha256(named.encode()).hexdigest()
    info = ModelInfo(
        model_version=f"1.{version[:12]}",
        corpus_sha256=corpus_sha256,
        needs_human_below=params.needs_human_below,
        model_safety_at=params.model_safety_at,
        training=training,
    )
    return TriageModel(info, skeleton.vocabulary, skeleton.idf, skeleton.text_features, heads)


def without_categories(examples: Sequence[Example]) -> list[Example]:
    """Each example that names a category, again without it (category dropout).

    A complaint is classified with its product's category when the platform has one, and by
    its words alone when a caller has none. Learnt only with categories, the words lean on the
    category and fail without it (held-out issue types: 0.81 with the category, 0.55 without,
    on the corpus of 2026-12-01); the copies make the words carry the meaning on their own."""
    return [replace(e, category=None) for e in examples if e.category]


def _origins(examples: Sequence[Example]) -> list[int]:
    return [i for i, e in enumerate(examples) if e.category]


def _doc(example: Example) -> _Doc:
    normalised = normalise(example.text[:MAX_CHARS])
    return _Doc(normalised, example.category, scan(normalised, example.category))


def _extra_vocabulary() -> list[str]:
    families = [f"{kind}:{f}" for kind in ("haz", "neg") for f in HAZARD_FAMILIES]
    return families + [f"cat:{path}" for path in CATEGORIES]


def _skeleton(docs: Sequence[_Doc], min_df: int) -> TriageModel:
    """A model with the vocabulary and IDF but empty heads, to vectorise with."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(text_grams(doc.hazards.without_negated(doc.normalised)[:MODEL_CHARS])))
    grams = sorted(g for g, n in df.items() if n >= min_df)
    n = len(docs)
    idf = [math.log((1 + n) / (1 + df[g])) + 1.0 for g in grams]
    vocabulary = grams + _extra_vocabulary()
    idf_array = np.asarray(idf + [1.0] * (len(vocabulary) - len(grams)), dtype=np.float32)
    empty = Head(("other",), np.zeros((len(vocabulary), 1), np.float32), np.zeros(1, np.float32))
    info = ModelInfo("skeleton", "", 0.0, 0.0)
    index = {g: i for i, g in enumerate(vocabulary)}
    return TriageModel(info, index, idf_array, len(grams), {"issue_type": empty})


def _matrix(skeleton: TriageModel, docs: Sequence[_Doc]) -> scipy.sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for row, doc in enumerate(docs):
        idx, values = skeleton.vectorise(doc.normalised, doc.category, doc.hazards)
        rows.append(np.full(len(idx), row, dtype=np.int32))
        cols.append(idx)
        vals.append(values)
    shape = (len(docs), skeleton.size)
    data = (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols)))
    return scipy.sparse.csr_matrix(data, shape=shape, dtype=np.float64)


def _classifier(params: TrainParams, balanced: bool = True) -> LogisticRegression:
    # Balanced class weights: every issue type counts alike, however many examples it has.
    # Not for the safety head: its intercept must keep the prior, so that a text with no
    # evidence either way (「还行」) comes out "no" rather than a coin toss.
    weights = "balanced" if balanced else None
    return LogisticRegression(C=params.c, max_iter=params.max_iter, class_weight=weights)


def _fit_head(
    matrix: scipy.sparse.csr_matrix,
    y: list[str],
    params: TrainParams,
    groups: npt.NDArray[np.int_] | None = None,
    balanced: bool = True,
) -> Head:
    labels = np.asarray(y)
    model = _classifier(params, balanced).fit(matrix, labels)
    classes = [str(c) for c in model.classes_]
    weights, bias = _linear(model, len(classes))
    if groups is None:
        groups = np.arange(len(labels))
    temperature = _temperature(matrix, labels, groups, classes, params, balanced)
    return Head(tuple(classes), weights, bias, temperature)


def _safety_head(
    matrix: scipy.sparse.csr_matrix,
    skeleton: TriageModel,
    examples: Sequence[Example],
    params: TrainParams,
) -> Head:
    """The words-only hazard detector: fitted on the text columns, zero on the rest."""
    text = matrix[:, : skeleton.text_features]
    labels = ["yes" if e.safety else "no" for e in examples]
    if len(set(labels)) < 2:
        raise CorpusError(
            Text(
                "training needs examples with and without a safety hazard",
                "训练需要同时有含安全隐患和不含安全隐患的样本",
            )
        )
    head = _fit_head(text, labels, replace(params, c=params.safety_c), balanced=False)
    padding = np.zeros((skeleton.size - skeleton.text_features, len(head.labels)), np.float32)
    return replace(head, weights=np.vstack([head.weights, padding]))


def _linear(model: LogisticRegression, k: int) -> tuple[FloatArray, FloatArray]:
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    if k == 2:
        # A binary fit keeps one row of weights for the second class; as two softmax rows
        # (-w/2, +w/2) it gives exactly the same probabilities as the logistic function.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.asarray([-intercept[0] / 2, intercept[0] / 2])
    return coef.T.astype(np.float32), intercept.astype(np.float32)


def _temperature(
    matrix: scipy.sparse.csr_matrix,
    labels: npt.NDArray[np.str_],
    groups: npt.NDArray[np.int_],
    classes: list[str],
    params: TrainParams,
    balanced: bool,
) -> float:
    """Temperature that makes out-of-fold probabilities honest (minimum log loss); an example
    and its copy without a category are always in the same fold."""
    folds = min(params.folds, int(min(Counter(labels.tolist()).values())))
    if folds < 2:
        return 1.0
    logits = np.zeros((len(labels), len(classes)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=params.seed)
    for fit_rows, test_rows in splitter.split(np.zeros(len(labels)), labels, groups):
        model = _classifier(params, balanced).fit(matrix[fit_rows], labels[fit_rows])
        weights, bias = _linear(model, len(model.classes_))
        columns = [classes.index(str(c)) for c in model.classes_]
        logits[np.ix_(test_rows, columns)] = matrix[test_rows] @ weights + bias
        missing = [i for i in range(len(classes)) if i not in columns]
        logits[np.ix_(test_rows, missing)] = -1e9
    truth = np.asarray([classes.index(str(y)) for y in labels])

    def loss(log_t: float) -> float:
        probs = softmax(logits / math.exp(log_t))
        return float(-np.mean(np.log(probs[np.arange(len(truth)), truth] + 1e-12)))

    best = scipy.optimize.minimize_scalar(loss, bounds=(-3.0, 3.0), method="bounded")
    return round(math.exp(float(best.x)), 6)
