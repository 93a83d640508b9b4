"""Topics from embeddings: a softmax (multinomial logistic regression) over an article's e5
``passage:`` vector of title and lede, for articles whose feed, URL section and categories name
no topic.

The weights ship beside this module (``topic_weights.json``, a few tens of KB), trained with
numpy alone by ``scripts/train_topics.py`` on English and Urdu headlines and ledes the project
wrote (``tests/data/topics/``); ``make eval`` reports its accuracy beside the keyword lexicons
on the examples held out of training. The model is a matrix product and a max, run in the
embedding worker thread right after the vector is made. When the file is missing, unreadable
or was trained on another embedder, one log line says so and the keyword classifier
(news.extract.topics) keeps deciding.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from news.embeddings.vectors import DIM
from news.extract.topics import TOPICS

__all__ = ["WEIGHTS_FILE", "TopicClassifier", "TopicModel", "load_topic_model"]

log = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]

WEIGHTS_FILE = "topic_weights.json"
_FORMAT = 1


@dataclass(frozen=True)
class TopicModel:
    """Weights of one softmax over unit vectors of ``model`` (the embedder's name)."""

    model: str
    topics: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (topics, DIM)
    bias: npt.NDArray[np.float32]  # (topics,)

    def classify(self, vector: Vector) -> str:
        """The most probable topic of one article's vector."""
        logits = self.weights @ vector + self.bias
        return self.topics[int(np.argmax(logits))]

    def to_json(self, **trained: object) -> str:
        """The weights as the JSON file ``load_topic_model`` reads (4 decimals), with
        ``trained`` (how they were trained) recorded beside them."""
        body = {
            "format": _FORMAT,
            "model": self.model,
            "topics": list(self.topics),
            "bias": [round(float(b), 4) for b in self.bias],
            "weights": [[round(float(w), 4) for w in row] for row in self.weights],
            "trained": trained,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def _parse(text: str) -> TopicModel:
    """The model a weights file holds; ValueError naming what is wrong with it."""
    try:
        body = json.loads(text)
        if body.get("format") != _FORMAT:
            raise ValueError(f"format {body.get('format')!r}, expected {_FORMAT}")
        topics = tuple(str(t) for t in body["topics"])
        weights = np.asarray(body["weights"], dtype=np.float32)
        bias = np.asarray(body["bias"], dtype=np.float32)
        model = str(body["model"])
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a topic weights file ({exc})") from exc
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown or len(set(topics)) != len(topics) or not topics:
        raise ValueError(f"unknown or repeated topics {unknown or list(topics)}")
    if weights.shape != (len(topics), DIM) or bias.shape != (len(topics),):
        raise ValueError(f"weights of shape {weights.shape}, expected ({len(topics)}, {DIM})")
    if not (np.all(np.isfinite(weights)) and np.all(np.isfinite(bias))):
        raise ValueError("weights that are not finite numbers")
    return TopicModel(model, topics, weights, bias)


def load_topic_model(path: Path | None = None) -> TopicModel:
    """The model in ``path`` (default: the weights shipped in this package); raises OSError
    when it cannot be read, ValueError when it is not a valid weights file."""
    if path is None:
        text = resources.files("news.embeddings").joinpath(WEIGHTS_FILE).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return _parse(text)


class TopicClassifier:
    """The topic model, loaded on first use (in the embedding worker); ``topic_of`` answers
    None for good once it failed to load, after logging one line."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path  # None: the weights shipped in the package
        self._model: TopicModel | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _loaded(self, embedder: str) -> TopicModel | None:
        with self._lock:
            if self._model is None and not self._failed:
                where = self.path or WEIGHTS_FILE
                try:
                    model = load_topic_model(self.path)
                    if model.model != embedder:
                        raise ValueError(f"trained on {model.model!r}, not {embedder!r}")
                    self._model = model
                except (OSError, ValueError) as exc:
                    self._failed = True
                    log.warning("topics: model %s not loaded (%s): keyword topics only", where, exc)
            return self._model

    def topic_of(self, vector: Vector, embedder: str) -> str | None:
        """The topic of an article's vector made by ``embedder``, or None without a model."""
        model = self._loaded(embedder)
        return None if model is None else model.classify(vector)
