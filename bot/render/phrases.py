"""A subscription, keyword phrase or rule as messages name it, in the chat's language and its
quotation marks."""

from __future__ import annotations

from bot.i18n import t_plain
from bot.render.headlines import topic_label
from news.delivery.rules import rule_terms

__all__ = ["phrase_label", "quote", "subscription_label"]


def quote(phrase: str, lang: str) -> str:
    """“phrase” in English; Urdu's own marks, ’phrase‘, read right to left."""
    return f"’{phrase}‘" if lang == "ur" else f"“{phrase}”"


def phrase_label(text: str, lang: str) -> str:
    """“imran khan”; a rule by its terms, never its syntax: “imran khan” and “pti” but not
    “cricket” (in Urdu: ’عمران خان‘ اور ’پی ٹی آئی‘ (مگر ’کرکٹ‘ نہیں))."""
    terms = rule_terms(text)
    if terms is None:
        return quote(text.strip(), lang)
    joiner = f" {t_plain(lang, 'phrase.and')} "
    include = joiner.join(quote(p, lang) for excluded, p in terms if not excluded)
    exclude = joiner.join(quote(p, lang) for excluded, p in terms if excluded)
    if not include:  # "-cricket" alone asks for nothing: name it as typed
        return quote(text.strip(), lang)
    if not exclude:
        return include
    return t_plain(lang, "phrase.without", phrases=include, excluded=exclude)


def subscription_label(kind: str, value: str, display: str, lang: str) -> str:
    """A subscription as messages name it: the topic's name, a followed feed's name (its
    title or host, as stored), or the phrase or rule."""
    if kind == "topic":
        return topic_label(value, lang)
    return display if kind == "feed" else phrase_label(display, lang)
