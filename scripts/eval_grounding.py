"""How often the grounding check catches invented facts, and how often it refuses faithful text.

For each held-out article of the XL-Sum sets (scripts/summary_sets.py), the project writes
summaries with one invented fact: a number that is not in the article ("47 proposals"), a
person's name that is not in it, and a quotation nobody made; and faithful ones: Khabar's
extractive summary, and the same with its digits written as Urdu digits. The hit rate is the
share of invented facts the check refuses; the false-alarm rate the share of faithful ones.
Urdu-script names are not checked (Urdu has no capitals to find them by), so the name case is
English only.

Example:
    .venv/bin/python scripts/eval_grounding.py
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from news.summaries.budget import SummaryBudget
from news.summaries.extractive import summarize_extractive
from news.summaries.grounding import Source, check_grounding
from scripts.summary_sets import EvalSet, load_sets, locate_data
from storage.textnorm import normalize_for_search

_URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_NUMBER = re.compile(r"\d+")
_INVENTED_NAMES = ("Zubair Haddad", "Marisol Okonkwo", "Tobias Ferreira-Lund")
_QUOTES = {
    "en": " A spokesman said “the government will resign before Friday night”.",
    "ur": " ایک ترجمان نے کہا ’حکومت جمعہ کی رات سے پہلے مستعفی ہو جائے گی‘۔",
}
_NUMBER_CLAUSE = {
    "en": " Officials said {n} proposals were approved.",
    "ur": " حکام کے مطابق {n} تجاویز منظور کی گئیں۔",
}


def _absent_number(article: str) -> str:
    present = set(_NUMBER.findall(normalize_for_search(article)))
    n = 47
    while str(n) in present:
        n += 13
    return str(n)


def invent_number(summary: str, article: str, language: str) -> str:
    """The summary with its first number changed (or a sentence with a number added)."""
    fresh = _absent_number(article)
    if _NUMBER.search(summary):
        return _NUMBER.sub(fresh, summary, count=1)
    return summary + _NUMBER_CLAUSE[language].format(n=fresh)


def invent_name(summary: str, article: str, language: str) -> str:
    """The summary with a person the article never names."""
    folded = normalize_for_search(article)
    name = next(n for n in _INVENTED_NAMES if n.split()[0].casefold() not in folded)
    return f"{summary} Minister {name} welcomed the decision."


def invent_quote(summary: str, article: str, language: str) -> str:
    """The summary with a quotation nobody made."""
    return summary + _QUOTES[language]


Variant = Callable[[str, str, str], str]


def _faithful(summary: str, article: str, language: str) -> str:
    return summary


def _urdu_digits(summary: str, article: str, language: str) -> str:
    return summary.translate(_URDU_DIGITS)


def variants(language: str) -> dict[str, tuple[Variant, bool]]:
    """Each kind of summary, and whether the check should refuse it."""
    kinds: dict[str, tuple[Variant, bool]] = {
        "invented number": (invent_number, True),
        "invented quotation": (invent_quote, True),
        "faithful": (_faithful, False),
        "faithful, Urdu digits": (_urdu_digits, False),
    }
    if language == "en":
        kinds["invented name"] = (invent_name, True)
    return kinds


def run(eval_set: EvalSet) -> Counter[tuple[str, bool]]:
    """Count, per kind, the summaries refused (True) and passed (False)."""
    budget = SummaryBudget().budget(eval_set.language)
    counts: Counter[tuple[str, bool]] = Counter()
    for pair in eval_set.pairs:
        summary = summarize_extractive(
            pair.article, eval_set.language, max_words=budget.max_words, max_chars=budget.max_chars
        )
        if not summary:
            continue
        sources = [Source(pair.article, eval_set.language)]
        for kind, (make, _invented) in variants(eval_set.language).items():
            text = make(summary, pair.article, eval_set.language)
            refused = not check_grounding(text, eval_set.language, sources).ok
            counts[kind, refused] += 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Print the hit rate on invented facts and the false-alarm rate on faithful summaries."""
    del argv
    for item in load_sets(locate_data(), "heldout"):
        if isinstance(item, str):
            print(item)
            continue
        if item.name == "CNN":
            continue  # lower-cased text: no capitals for names, same facts as XL-Sum English
        counts = run(item)
        print(f"\n{item.name}: {len(item.pairs)} held-out articles")
        for kind, (_make, invented) in variants(item.language).items():
            refused, passed = counts[kind, True], counts[kind, False]
            share = 100 * refused / max(refused + passed, 1)
            label = "hit rate" if invented else "false alarms"
            print(f"  {kind:<24} {label:<13} {share:6.1f}%  ({refused}/{refused + passed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
