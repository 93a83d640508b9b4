"""Extractive summaries with no model: LexRank over TF-IDF cosine blended with a position prior.

Hand-written (research urdu-summaries.md §0, §1.2): sumy has no Urdu tokenizer and needs NLTK
data downloaded at run time, and the small pure-Python ranker below is about as good as any
unsupervised method on news while running in a few milliseconds without numpy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from news.summaries.budget import Budget, Language, truncate_sentence
from news.summaries.sentences import is_boilerplate, split_sentences, strip_dateline
from storage.textnorm import normalize_for_search

__all__ = ["DEFAULT_ALPHA", "rank_centrality", "summarize_extractive"]

# Weight of the position prior 1/sqrt(1+i) against centrality. News keeps its key facts at the
# top (inverted pyramid); centrality rescues articles whose opening is noise. The research's
# 1/(1+i) prior (urdu-summaries.md §1.2) let sentence 0 win every one-sentence budget at
# alpha >= 0.4 and still trailed lead-3 on CNN below 0.6; the flatter prior beat lead-k on all
# three development sets for alpha 0.4-0.45 (scripts/eval_summaries.py --sweep).
DEFAULT_ALPHA: dict[Language, float] = {"en": 0.45, "ur": 0.4}
_POSITION_POWER = 0.5

_WORD = re.compile(r"[^\W_]+")
_TERMINATED = re.compile(r"[.!?۔؟][\"'”’‘)\]]*$")


def _stop_words(words: str) -> frozenset[str]:
    return frozenset(normalize_for_search(words).split())


# Short function-word lists, written for this project; the choice of list moves LexRank ROUGE by
# under a point (research §2.3), so no package is worth depending on for them.
_STOP_WORDS = _stop_words(
    "a about above after again against all also am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for from "
    "further had has have having he her here hers herself him himself his how i if in into is it "
    "its itself just me more most my myself no nor not now of off on once only or other our ours "
    "out over own said same say says she should so some such than that the their theirs them then "
    "there these they this those through to too under until up very was we were what when where "
    "which while who whom why will with would you your yours s t ll ve re d m mr mrs ms "
    "کا کی کے کو سے میں نے پر اور یا ہے ہیں تھا تھی تھے تھیں گا گی گے ہو ہوا ہوئی ہوئے ہوں ہونے "
    "ہوتا ہوتی ہوتے کر کرنا کرنے کیا کیے کیں کرتا کرتی کرتے کرکے رہا رہی رہے جا جاتا جاتی جاتے "
    "گیا گئی گئے دیا دی دیے لیا لی لیے لئے یہ وہ اس ان اسے انہیں انہوں جو جس جن جب تک بھی ہی تو "
    "کہ نہ نہیں اب پھر اگر لیکن مگر بلکہ جبکہ کیونکہ تاہم والا والی والے ایک کچھ کوئی سب ہر بہت "
    "اپنے اپنی اپنا ہم آپ وہاں یہاں کہا کہنا بعد پہلے ساتھ طرف دوران بارے جانب سکتا سکتی سکتے "
    "چاہیے رہ ہوگا ہوگی ہوں گے ایسے ایسا ایسی کسی کئی"
)


def rank_centrality(
    token_lists: Sequence[Sequence[str]],
    *,
    damping: float = 0.85,
    tolerance: float = 1e-6,
    max_iterations: int = 50,
) -> list[float]:
    """Return continuous LexRank scores over TF-IDF cosine similarity (Erkan & Radev 2004)."""
    count = len(token_lists)
    if count == 0:
        return []
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
    # Sparse similarity rows built from the inverted index: only pairs sharing a term cost time.
    rows: list[dict[int, float]] = [{} for _ in range(count)]
    for posting in postings.values():
        for a, weight_a in posting:
            row = rows[a]
            for b, weight_b in posting:
                row[b] = row.get(b, 0.0) + weight_a * weight_b
    transitions: list[list[tuple[int, float]]] = []
    degrees: list[float] = []
    for index, row in enumerate(rows):
        total = sum(row.values())
        if total <= 0.0:
            row, total = {index: 1.0}, 1.0
        transitions.append([(j, s / total) for j, s in row.items()])
        degrees.append(total)
    # Without damping the walk's stationary distribution is proportional to the degree (the
    # matrix is symmetric), so starting there makes the damped power iteration converge fast.
    degree_sum = sum(degrees)
    scores = [d / degree_sum for d in degrees]
    teleport = (1.0 - damping) / count
    for _ in range(max_iterations):
        updated = [teleport] * count
        for index, transition in enumerate(transitions):
            share = damping * scores[index]
            for j, p in transition:
                updated[j] += share * p
        delta = sum(abs(u - s) for u, s in zip(updated, scores, strict=True))
        scores = updated
        if delta < tolerance:
            break
    return scores


@dataclass(frozen=True)
class _Candidate:
    text: str
    tokens: list[str]

    def trigrams(self) -> set[tuple[str, ...]]:
        tokens = self.tokens
        return set(zip(tokens, tokens[1:], tokens[2:], strict=False))


def _candidates(text: str) -> list[_Candidate]:
    """Return the article's summarisable sentences in order, without boilerplate or datelines."""
    strong: list[_Candidate] = []
    weak: list[_Candidate] = []
    for line in text.splitlines():
        if is_boilerplate(line):
            continue
        for sentence in split_sentences(line):
            if is_boilerplate(sentence):
                continue
            shown = strip_dateline(sentence)
            if len(shown.split()) < 3:
                continue
            candidate = _make_candidate(shown)
            # A short line without a closing mark is a heading or caption: keep it only when
            # the article has nothing else.
            if _TERMINATED.search(shown) or len(shown.split()) >= 10:
                strong.append(candidate)
            else:
                weak.append(candidate)
    return strong or weak


def _make_candidate(text: str) -> _Candidate:
    words = _WORD.findall(normalize_for_search(text))
    tokens = [w for w in words if len(w) > 1 and w not in _STOP_WORDS and not w.isdigit()]
    return _Candidate(text, tokens)


def summarize_extractive(
    text: str,
    language: Language,
    *,
    max_sentences: int | None = None,
    max_words: int | None = None,
    max_chars: int | None = None,
    alpha: float | None = None,
) -> str:
    """Return the best sentences of text, in document order, within the budget ("" if none)."""
    budget = Budget.for_language(
        language, max_sentences=max_sentences, max_words=max_words, max_chars=max_chars
    )
    weight = DEFAULT_ALPHA[language] if alpha is None else alpha
    candidates = _candidates(text)
    if not candidates:
        return ""
    centrality = rank_centrality([c.tokens for c in candidates])
    top = max(centrality) or 1.0
    scores = [
        (1.0 - weight) * c / top + weight / (1 + i) ** _POSITION_POWER
        for i, c in enumerate(centrality)
    ]
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i])
    chosen: list[int] = []
    seen: set[tuple[str, ...]] = set()
    for index in ranked:
        trigrams = candidates[index].trigrams()
        # Trigram blocking (Liu & Lapata 2019, BertSum) on content words, loosened to half the
        # trigrams: Urdu repeats function phrases such as "کا کہنا تھا کہ" in most sentences.
        if trigrams and 2 * len(trigrams & seen) >= len(trigrams):
            continue
        picked = sorted([*chosen, index])
        if budget.fits([candidates[i].text for i in picked]):
            chosen = picked
            seen |= trigrams
        if budget.max_sentences is not None and len(chosen) >= budget.max_sentences:
            break
    if not chosen:
        return truncate_sentence(candidates[ranked[0]].text, budget)
    return " ".join(candidates[i].text for i in chosen)
