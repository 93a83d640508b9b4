"""Sentence splitting for English and Urdu news text, and the boilerplate lines never summarised.

Hand-written: no package splits Urdu correctly. pysbd moves BBC Urdu's closing quote into the
next sentence and ignores a Latin full stop after an Urdu word; urduhack needs TensorFlow; sumy
has no Urdu tokenizer (shared research urdu-summaries.md §2.1).
"""

from __future__ import annotations

import re

from storage.textnorm import normalize_for_search

__all__ = [
    "is_arabic_letter",
    "is_boilerplate",
    "opens_with_dateline",
    "split_sentences",
    "strip_dateline",
]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Marks that end a sentence in Urdu and English; a Latin full stop is handled separately.
_STRONG = "۔؟!?"
# Runs of sentence marks ("?!", "۔۔", "...") are one boundary.
_MARK_RUN = re.compile(r"[۔؟!?.]+")
# Closing marks swallowed into the sentence they close. BBC Urdu opens a quotation with ’ and
# closes it with ‘ (research §2.1), so after an Urdu mark ’ opens the next sentence instead.
_CLOSERS_URDU = frozenset("‘\"'”»)]`")
_CLOSERS_LATIN = frozenset("’‘\"'”»)]")
# Abbreviations after which a full stop never ends a sentence: titles come before a name, and
# dotted forms such as "U.S." and "e.g." almost always continue the sentence.
_TITLES = _word_set(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm rev hon pres supt insp st mt ft "
    "vs fig approx dept univ messrs mme mlle sr jr"
)
# Abbreviations that end a sentence only when a capitalised word follows.
_SOFT = _word_set(
    "etc inc ltd co corp bros plc llc am pm jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Latin letter names as written in Urdu acronyms (ایم۔کیو۔ایم, پی۔ٹی۔آئی): a ۔ directly after
# one of them joins the acronym rather than ending a sentence.
_URDU_LETTER_NAMES = _word_set(
    "اے بی سی ڈی ای ایف جی ایچ آئی جے کے ایل ایم این او پی کیو آر ایس ٹی یو وی ڈبلیو ایکس وائی زیڈ"
)


_NEXT_WORD = re.compile(r"\s*(\S*)")
# Letters joined by dots: "u.s", "e.g", "a.m" (the final dot is the one being judged).
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


def is_arabic_letter(char: str) -> bool:
    """Return True for a letter of the Arabic script blocks used by Urdu."""
    code = ord(char)
    in_block = 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF
    return in_block and char.isalpha()


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _next_word(line: str, pos: int) -> str:
    match = _NEXT_WORD.match(line, pos)
    return match.group(1) if match else ""


def _word_before(line: str, pos: int) -> str:
    start = pos
    while start > 0 and not line[start - 1].isspace() and line[start - 1] not in "۔؟(\"'“‘’":
        start -= 1
    return line[start:pos]


def _starts_lower(word: str) -> bool:
    stripped = word.lstrip("\"'“‘’([")
    return bool(stripped) and _is_latin_letter(stripped[0]) and stripped[0].islower()


def _starts_upper(word: str) -> bool:
    stripped = word.lstrip("\"'“‘’([")
    return bool(stripped) and (stripped[0].isupper() or is_arabic_letter(stripped[0]))


def _ends_after_full_stop(line: str, start: int, end: int) -> bool:
    """Decide whether a run of Latin full stops at line[start:end] ends a sentence."""
    before = line[start - 1] if start else " "
    following = _next_word(line, end)
    if before.isspace() or is_arabic_letter(before):
        # A tokenised " . " always ends a sentence; so does "." after an Urdu word (§2.1 rule 2).
        return True
    if before.isdigit():
        return not _starts_lower(following)
    word = _word_before(line, start).lstrip("\"'“‘’([").lower()
    bare = word.replace(".", "")
    if bare in _SOFT:
        return _starts_upper(following)
    if bare in ("no", "nos"):
        return not following[:1].isdigit() and not _starts_lower(following)
    if bare in _TITLES or _DOTTED.match(word):
        return False
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial, as in "J. K. Rowling"
    return not _starts_lower(following)


def _is_boundary(line: str, start: int, end: int, after: int) -> bool:
    """Decide whether the mark run line[start:end], closers included up to after, ends a sentence."""
    run = line[start:end]
    at_end = after >= len(line)
    spaced = at_end or line[after].isspace()
    if any(mark in run for mark in "۔؟"):
        if spaced:
            return True
        # BBC Urdu often drops the space after ۔ ("گیا۔ان"); acronyms spell letters with ۔.
        next_char = line[after]
        opens = next_char in "’“\"'"
        return (is_arabic_letter(next_char) or opens) and (
            _word_before(line, start) not in _URDU_LETTER_NAMES
        )
    if not spaced:
        return False
    if any(mark in run for mark in _STRONG):
        # '"Why?" he asked' continues; a tokenised " ? " always ends.
        before = line[start - 1] if start else " "
        return at_end or before.isspace() or not _starts_lower(_next_word(line, after))
    return at_end or _ends_after_full_stop(line, start, end)


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    begin = 0
    for match in _MARK_RUN.finditer(line):
        start, end = match.span()
        closers = _CLOSERS_URDU if any(mark in match.group() for mark in "۔؟") else _CLOSERS_LATIN
        after = end
        while after < len(line) and line[after] in closers:
            after += 1
        token = _NEXT_WORD.match(line, after)
        if token and token.group(1) and all(char in closers for char in token.group(1)):
            after = token.end()  # a tokenised closing quote: "yes . '' he said"
        if _is_boundary(line, start, end, after):
            sentence = line[begin:after].strip()
            if sentence:
                sentences.append(sentence)
            begin = after
    rest = line[begin:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def split_sentences(text: str) -> list[str]:
    """Split English or Urdu text into sentences; every line break is a hard boundary."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return sentences


def _normalized_phrases(phrases: str) -> tuple[str, ...]:
    return tuple(normalize_for_search(phrase) for phrase in phrases.split("|"))


# Lines that point elsewhere ("read more"), label a picture, or name the writer. Matched as
# prefixes of the normalised line (storage.textnorm), so Arabic-keyboard spellings match too.
_READ_MORE = _normalized_phrases(
    "read more|read also|also read|read next|see also|also see|related:|more:|more on this story|related topics|"
    "related stories|related articles|related coverage|related content|click here|sign up for|"
    "subscribe to|follow us|listen to the|watch:|watch live|share this|story continues below|"
    "continue reading|advertisement|"
    "یہ بھی پڑھیے|یہ بھی پڑھیں|مزید پڑھیے|مزید پڑھیں|اس بارے میں مزید|متعلقہ خبریں|"
    "متعلقہ عنوانات|متعلقہ مضامین|ہمیں فالو کریں|بی بی سی اردو کی خبروں|بی بی سی اردو کے واٹس ایپ|"
    "ہمارے واٹس ایپ"
)
_CAPTION = _normalized_phrases(
    "image caption|image copyright|image source|photo caption|photo credit|picture caption|"
    "video caption|media caption|media playback|caption:|photo:|photograph:|picture:|image:|"
    "file photo|getty images|pictured:|illustration:|"
    "تصویر کا کیپشن|تصویر کا ذریعہ|تصویر کے کاپی رائٹ|فائل فوٹو|تصویر:|فوٹو:|ویڈیو کیپشن|"
    "ویڈیو کا کیپشن"
)
_BYLINE = _normalized_phrases(
    "reporting by|editing by|writing by|additional reporting|compiled by|edited by|copyright|©|"
    "all rights reserved|تحریر:|رپورٹ:|رپورٹنگ:|مصنف:|از:"
)
_CAPTION_INSIDE = re.compile(
    r"(?:photograph|photo|picture|image|credit)\s*(?:by\s|:)|/\s*(?:getty|afp|reuters|ap\b|epa)",
)
_CREDIT_END = re.compile(r"(?:getty images|afp|reuters|ap|epa|shutterstock|pa media|alamy)\W*$")
_BY = re.compile(r"^(?:written |reported |story |words |text )?by\s+[^\W\d_]")
_STAMP = re.compile(r"^(?:published|updated|last updated|posted|first published|شائع|اپ ڈیٹ)\b")
_URDU_BYLINE_WORDS = _normalized_phrases("بی بی سی|نامہ نگار|رپورٹر|ڈاٹ کام")
_DATELINE_ONLY = re.compile(
    r"^[A-Z][A-Z.'’ -]+(?:,\s*[A-Za-z.'’ -]+)?(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?:\([^()]{1,25}\))?\s*[-—–:]*$"
)
_LONGEST_BOILERPLATE = 400
_TERMINATED = re.compile(r"[.!?۔؟][\"'”’‘)\]]*$")
# Dateline prefixes are cut from the chosen sentence: "WASHINGTON (Reuters) - ", "LONDON — ",
# "washington ( cnn ) ", "کراچی (نمائندہ خصوصی) ".
_DATELINE_AGENCY = re.compile(
    r"^\s*(?:[^\W\d_][\w .,'’-]{0,40}?)?\s*\(\s*(?:cnn|ap|reuters|afp|ani|pti|ians|app|bbc|upi|dpa|"
    r"xinhua|bloomberg)\b[\w .]{0,12}\)\s*(?:--|[-—–:])?\s*",
    re.IGNORECASE,
)
_DATELINE_CAPS = re.compile(
    r"^\s*[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:--|[—–:]|-\s)\s*"
)
_DATELINE_URDU = re.compile(
    r"^\s*[\u0600-\u06ff ]{2,30}\(\s*(?:نمائندہ|اسٹاف|سٹاف|نیوز|ویب|مانیٹرنگ|ایجنسیاں|خبر|اے پی پی|"
    r"این این آئی|آن لائن|جنگ|دنیا|ایکسپریس)[^()]{0,30}\)\s*[-–—:]?\s*"
)


# Capitals before a colon that are a kicker, not a place: cut like a dateline, but no sign of
# wire copy (a live page or a feature says "BREAKING:" or "ANALYSIS:").
_KICKERS = frozenset(
    {
        *("BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION"),
        *("EDITORIAL", "VIDEO", "PHOTOS", "REVIEW", "EXPLAINER", "COMMENT", "INTERVIEW"),
        *("FEATURE", "ALERT", "JUST", "FACT"),  # "JUST IN:", "FACT CHECK:"
    }
)


def _dateline_end(sentence: str) -> int:
    """Where a leading dateline ends in the sentence; 0 when it has none."""
    for pattern in (_DATELINE_AGENCY, _DATELINE_URDU, _DATELINE_CAPS):
        match = pattern.match(sentence)
        if match and len(sentence) - match.end() >= 10:
            return match.end()
    return 0


def strip_dateline(sentence: str) -> str:
    """Remove a leading dateline such as "WASHINGTON (Reuters) - " from a sentence."""
    return sentence[_dateline_end(sentence) :]


def opens_with_dateline(sentence: str) -> bool:
    """Whether the sentence opens with a place's or agency's dateline, the mark of wire copy
    (not a kicker such as "BREAKING:")."""
    end = _dateline_end(sentence)
    words = sentence[:end].replace(":", " ").replace("—", " ").split()
    return bool(end) and not (words and words[0].upper() in _KICKERS)


def is_boilerplate(line: str) -> bool:
    """Return True for a dateline, byline, photo caption or "read more" line or sentence."""
    key = normalize_for_search(line[:_LONGEST_BOILERPLATE]).lstrip("،,-–—•*|:;>»·.( ")
    if not key:
        return True
    if key.startswith(_READ_MORE) or key.startswith(_CAPTION) or key.startswith(_BYLINE):
        return True
    if len(line) > _LONGEST_BOILERPLATE:
        return False  # prose: every rule below is for short lines
    words = len(key.split())
    terminated = bool(_TERMINATED.search(key))
    if words <= 30 and _CAPTION_INSIDE.search(key):
        return True
    if not terminated:
        if _CREDIT_END.search(key) and words <= 40:
            return True
        if words <= 10 and (_BY.match(key) or any(w in key for w in _URDU_BYLINE_WORDS)):
            return True
        if _DATELINE_ONLY.match(line.strip()):
            return True
    if _STAMP.match(key) and words <= 15 and any(c.isdigit() for c in key):
        return True
    return words <= 6 and "@" in key
