"""trafilatura's extraction of one parsed page: its fast cascade, the full one when that falls short.

trafilatura's full cascade checks its own extraction against readability and jusText
(``compare_extraction``) on every page; its ``fast`` mode skips that comparison, ~4 ms of the
~17 a news page costs. The comparison exists to rescue short or failed extractions: trafilatura
itself skips it in recall mode once the text passes 10 × ``min_extracted_size`` (250
characters by default), as a text that long is the article, not a fragment of it. A fast
result that long is kept; a shorter one (or none) gets the full cascade on the same tree.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FULL_BELOW", "extract_document"]

# Below trafilatura's own "long enough not to compare" (10 x MIN_EXTRACTED_SIZE = 2,500, and
# that in recall mode, whose texts run longer than balanced ones). On scripts/eval_extraction.py
# (December 2026) the full cascade changed the fast text of 6 pages in 224; the three it
# rescued had 176-1,033 characters fast, so 1,500, 2,000, 2,500 and 3,000 all scored the same
# (none below the full cascade on any row but fundus' mean F1, 0.9582 -> 0.9576, from two long
# pages no cut-off here reaches). 2,000 is twice the longest rescued text, mid-plateau; on the
# bench pages it sends 16% of them to the full cascade (2,500: 23%).
FULL_BELOW = 2_000


def extract_document(tree: Any, *, url: str | None, metadata: bool) -> Any:
    """trafilatura's Document for ``tree`` (not modified: trafilatura copies it), or None.

    Raises what trafilatura raises (ValueError, TypeError, LookupError from lxml).
    """
    import trafilatura
    from trafilatura.settings import set_date_params

    fields: dict[str, Any] = {
        "url": url,
        "with_metadata": metadata,
        # Balanced mode, comments off: measured above plain trafilatura.extract on every set
        # of scripts/eval_extraction.py; favor_precision lost 3% of "with" snippets.
        "include_comments": False,
        # trafilatura passes ``fast`` to htmldate as ``extensive`` (core.py): without this, the
        # fast pass would search dates extensively, slower and unlike the full cascade.
        "date_extraction_params": set_date_params(False),
    }
    document = trafilatura.bare_extraction(tree, fast=True, **fields)
    if document is None or isinstance(document, dict) or len(document.text or "") < FULL_BELOW:
        document = trafilatura.bare_extraction(tree, fast=False, **fields)
    return document
