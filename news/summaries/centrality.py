"""Directed ("forward") sentence centrality over TF-IDF cosine similarity, as in PacSum.

Zheng & Lapata 2019 ("Sentence Centrality Revisited", mswellhao/PacSum ``extractor.py``): a
sentence is central when it resembles the sentences after it, since news states a fact first
and elaborates later; resembling earlier sentences marks a repetition and is penalised by
lambda. Edges below ``min + beta * (max - min)`` of the article's similarities count nothing.
PacSum's BERT edges are replaced by TF-IDF cosine (pure Python, a few ms per article).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

__all__ = ["cosine_similarities", "forward_centrality"]


def cosine_similarities(token_lists: Sequence[Sequence[str]]) -> dict[tuple[int, int], float]:
    """TF-IDF cosine of every pair of sentences i < j sharing a term (idf over the article)."""
    count = len(token_lists)
    document_frequency: Counter[str] = Counter()
    for tokens in token_lists:
        document_frequency.update(set(tokens))
    idf = {t: math.log((1 + count) / (1 + df)) + 1 for t, df in document_frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, tokens in enumerate(token_lists):
        weights = {t: tf * idf[t] for t, tf in Counter(tokens).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for term, weight in weights.items():
            postings.setdefault(term, []).append((index, weight / norm))
    # Only pairs sharing a term cost time: walk the inverted index, not all n^2 pairs.
    pairs: dict[tuple[int, int], float] = {}
    for posting in postings.values():
        for position, (a, weight_a) in enumerate(posting):
            for b, weight_b in posting[position + 1 :]:
                pairs[a, b] = pairs.get((a, b), 0.0) + weight_a * weight_b
    return pairs


def forward_centrality(
    token_lists: Sequence[Sequence[str]], *, beta: float, lam: float
) -> list[float]:
    """Each sentence's similarity to later sentences minus lam times that to earlier ones."""
    count = len(token_lists)
    scores = [0.0] * count
    if count < 2:
        return scores
    pairs = cosine_similarities(token_lists)
    # Pairs sharing no term have similarity 0, the minimum whenever any such pair exists.
    everything = count * (count - 1) // 2
    lowest = min(pairs.values()) if len(pairs) == everything else 0.0
    highest = max(pairs.values(), default=0.0)
    threshold = lowest + beta * (highest - lowest)
    for (a, b), similarity in pairs.items():
        edge = similarity - threshold
        if edge > 0:
            scores[a] += edge
            scores[b] -= lam * edge
    return scores
