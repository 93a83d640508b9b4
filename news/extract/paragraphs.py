"""Paragraphs from trafilatura's XML: inline text that trafilatura split off is joined back.

trafilatura keeps a container's loose text but, when the container also holds block elements,
drops an inline element out of its paragraph: Times of India's ``NEW DELHI: <a>Pakistan</a>'s
…`` comes out as ``<p>NEW DELHI: </p>Pakistan<p>'s …</p>``, and its text as three lines,
which the extractor took for three paragraphs ("Pakistan\\n\\n's"). trafilatura keeps the
source's spacing, so the cut shows: the paragraph before it stops mid-sentence on a space, or
the one after it starts with no space on a continuation ('s, a comma, a lower-case word). A
piece of text on either side of such a cut belongs to the same paragraph as its neighbour.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["join_split_paragraphs"]

# A paragraph that ends like this ends a sentence (closing quotes and brackets aside).
_SENTENCE_END = re.compile(r"[.!?۔؟…][\"'”’»)\]]*$")
# Text that cannot start a paragraph: a possessive or contraction, closing punctuation, or a
# lower-case word, with no space before it.
_CONTINUATION = re.compile(r"^(?:['’][a-z]|[,.;:!?)\]}%’”»]|[a-z])")


def _text(element: Any) -> str:
    return "".join(element.itertext())


def _ends_open(element: Any) -> bool:
    """Whether a paragraph stops on an inline space in the middle of a sentence."""
    text = _text(element)
    return (
        bool(text)
        and text[-1] in " \t\xa0"
        and bool(text.strip())
        and not _SENTENCE_END.search(text.rstrip())
    )


def _starts_joined(text: str) -> bool:
    """Whether text goes on from what stands right before it (no space, a continuation)."""
    return bool(_CONTINUATION.match(text))


def _append(target: Any, text: str) -> None:
    """Add text at the end of an element's content."""
    if len(target):
        target[-1].tail = (target[-1].tail or "") + text
    else:
        target.text = (target.text or "") + text


def _merge(target: Any, source: Any) -> None:
    """Move a paragraph's content onto the end of another, and drop it."""
    _append(target, source.text or "")
    for child in list(source):
        target.append(child)  # lxml moves the child with its tail
    tail = source.tail
    source.getparent().remove(source)
    target.tail = tail


def _join_next(paragraph: Any) -> bool:
    """Join into a paragraph what follows it when the two were one in the source: loose text,
    the next paragraph, or both. True when something joined (so look again)."""
    tail = paragraph.tail or ""
    following = paragraph.getnext()
    after = following if following is not None and following.tag == "p" else None
    if not tail.strip():
        if after is not None and _ends_open(paragraph) and _starts_joined(_text(after)):
            _merge(paragraph, after)
            return True
        return False
    left = _ends_open(paragraph) and tail[0] != "\n"
    right = after is not None and not tail[-1].isspace() and _starts_joined(_text(after))
    if left:
        paragraph.tail = None
        _append(paragraph, tail)
        if right:
            assert after is not None
            _merge(paragraph, after)
        return True
    if right:  # the loose text starts the next paragraph
        assert after is not None
        paragraph.tail = None
        after.text = tail + (after.text or "")
    return False


def join_split_paragraphs(body: Any) -> bool:
    """Join, in place, the pieces of paragraphs split at inline elements in trafilatura's XML
    output (``Document.body``); return whether anything changed."""
    changed = False
    for paragraph in list(body.iter("p")):
        if paragraph.getparent() is None:
            continue  # merged into an earlier paragraph already
        tail_before = paragraph.tail
        while _join_next(paragraph):
            changed = True
        changed = changed or paragraph.tail != tail_before
    return changed
