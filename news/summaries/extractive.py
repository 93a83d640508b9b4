"""Extractive summaries with no model: PacSum's forward centrality blended with a position prior.

Wire copy, an article opening with a dateline ("WASHINGTON (Reuters) -", "(CNN)", "کراچی (نمائندہ
خصوصی)"), is written as an inverted pyramid whose lead is its summary: on CNN/DM no unsupervised
ranker beats lead-3 (PacSum's TF-IDF variant trails it by 1.3 ROUGE-1, Zheng & Lapata 2019), so
such an article's summary is its lead. Elsewhere (BBC, features) centrality picks the sentences.

Hand-written (research urdu-summaries.md §0, §1.2): sumy has no Urdu tokenizer and needs NLTK
data downloaded at run time, and the small pure-Python ranker below is about as good as any
unsupervised method on news while running in a few milliseconds without numpy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from news.summaries.budget import Budget, Language, truncate_sentence
from news.summaries.centrality import forward_centrality
from news.summaries.sentences import (
    is_boilerplate,
    opens_with_dateline,
    split_sentences,
    strip_dateline,
)
from storage.textnorm import normalize_for_search

__all__ = ["RANKER", "Ranker", "score_sentences", "summarize_extractive"]


@dataclass(frozen=True)
class Ranker:
    """How sentences are scored: ``(1 - alpha) * centrality + alpha / (1 + i) ** power``, the
    centrality forward (scripts/eval_summaries.py) and min-max scaled; a sentence joins the
    summary only while its score is at least ``keep`` times the best one's."""

    alpha: float
    power: float
    beta: float
    lam: float
    keep: float


# Tuned on one half of the development sets (scripts/eval_summaries.py --tune: the settings whose
# least certain goal is the surest), reported on the other. English ranks XL-Sum, whose intro was
# removed, so plain forward centrality pays (CNN is wire copy: its lead is taken). Urdu keeps a
# strong position prior: no method beat lead there (research §1.3). The grid's best settings are
# within 0.1 standard error of these on the tuning half, which is noise, so these stay.
RANKER: dict[Language, Ranker] = {
    "en": Ranker(alpha=0.3, power=0.5, beta=0.0, lam=0.0, keep=0.5),
    "ur": Ranker(alpha=0.6, power=1.0, beta=0.2, lam=0.5, keep=0.5),
}

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


@dataclass(frozen=True)
class _Candidate:
    text: str
    tokens: list[str]

    def trigrams(self) -> set[tuple[str, ...]]:
        tokens = self.tokens
        return set(zip(tokens, tokens[1:], tokens[2:], strict=False))


@dataclass(frozen=True)
class _Article:
    candidates: list[_Candidate]
    datelined: bool


def _read(text: str) -> _Article:
    """Return the article's summarisable sentences in order, without boilerplate or datelines,
    and whether its first one opened with a dateline."""
    strong: list[_Candidate] = []
    weak: list[_Candidate] = []
    datelined: bool | None = None
    for line in text.splitlines():
        if is_boilerplate(line):
            continue
        for sentence in split_sentences(line):
            if is_boilerplate(sentence):
                continue
            shown = strip_dateline(sentence)
            if len(shown.split()) < 3:
                continue
            if datelined is None:
                datelined = opens_with_dateline(sentence)
            candidate = _make_candidate(shown)
            # A short line without a closing mark is a heading or caption: keep it only when
            # the article has nothing else.
            if _TERMINATED.search(shown) or len(shown.split()) >= 10:
                strong.append(candidate)
            else:
                weak.append(candidate)
    return _Article(strong or weak, bool(datelined))


def _make_candidate(text: str) -> _Candidate:
    words = _WORD.findall(normalize_for_search(text))
    tokens = [w for w in words if len(w) > 1 and w not in _STOP_WORDS and not w.isdigit()]
    return _Candidate(text, tokens)


def score_sentences(token_lists: Sequence[Sequence[str]], ranker: Ranker) -> list[float]:
    """Each sentence's score: forward centrality, min-max scaled, blended with its position."""
    centrality = forward_centrality(token_lists, beta=ranker.beta, lam=ranker.lam)
    lowest = min(centrality, default=0.0)
    spread = (max(centrality, default=0.0) - lowest) or 1.0
    return [
        (1.0 - ranker.alpha) * (c - lowest) / spread + ranker.alpha / (1 + i) ** ranker.power
        for i, c in enumerate(centrality)
    ]


def summarize_extractive(
    text: str,
    language: Language,
    *,
    max_sentences: int | None = None,
    max_words: int | None = None,
    max_chars: int | None = None,
    alpha: float | None = None,
    ranker: Ranker | None = None,
) -> str:
    """Return the best sentences of text, in document order, within the budget ("" if none).

    A sentence count (max_sentences) is filled; a word or character budget is a ceiling that
    only sentences scoring near the best one may fill (the ranker's ``keep``).
    """
    budget = Budget.for_language(
        language, max_sentences=max_sentences, max_words=max_words, max_chars=max_chars
    )
    chosen_ranker = ranker or RANKER[language]
    if alpha is not None:
        chosen_ranker = replace(chosen_ranker, alpha=alpha)
    article = _read(text)
    candidates = article.candidates
    if not candidates:
        return ""
    if article.datelined:
        return _lead(candidates, budget)
    scores = score_sentences([c.tokens for c in candidates], chosen_ranker)
    chosen = _select(candidates, scores, chosen_ranker, budget)
    if not chosen:
        best = max(range(len(candidates)), key=lambda i: scores[i])
        return truncate_sentence(candidates[best].text, budget)
    return " ".join(candidates[i].text for i in chosen)


def _lead(candidates: Sequence[_Candidate], budget: Budget) -> str:
    """The leading sentences that fit the budget, the first cut to it if it alone does not."""
    kept: list[str] = []
    for candidate in candidates:
        if not budget.fits([*kept, candidate.text]):
            break
        kept.append(candidate.text)
    return " ".join(kept) if kept else truncate_sentence(candidates[0].text, budget)


def _select(
    candidates: Sequence[_Candidate], scores: Sequence[float], ranker: Ranker, budget: Budget
) -> list[int]:
    """Return the chosen sentences' indices in document order, best-scored first."""
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i])
    floor = ranker.keep * scores[ranked[0]] if budget.max_sentences is None else -1.0
    chosen: list[int] = []
    seen: set[tuple[str, ...]] = set()
    for index in ranked:
        if budget.max_sentences is not None and len(chosen) >= budget.max_sentences:
            break
        if index in chosen:
            continue
        if chosen and scores[index] < floor:
            break
        trigrams = candidates[index].trigrams()
        # Trigram blocking (Liu & Lapata 2019, BertSum) on content words, loosened to half the
        # trigrams: Urdu repeats function phrases such as "کا کہنا تھا کہ" in most sentences.
        if trigrams and 2 * len(trigrams & seen) >= len(trigrams):
            continue
        picked = sorted([*chosen, index])
        if budget.fits([candidates[i].text for i in picked]):
            chosen = picked
            seen |= trigrams
    return chosen
