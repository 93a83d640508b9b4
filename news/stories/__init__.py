"""Stories: duplicate detection, the in-memory index of recent stories, storing a candidate once."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.stories.dedup import (
        NEAR_DUPLICATE_BITS,
        STORY_WINDOW,
        TITLE_SIMILARITY,
        StoryKey,
        content_hash,
        from_signed64,
        hamming,
        is_near_duplicate,
        same_story,
        simhash64,
        title_similarity,
        to_signed64,
    )
    from news.stories.index import StoryIndex
    from news.stories.store import Candidate, Stored, store_candidate

__all__ = [
    "NEAR_DUPLICATE_BITS",
    "STORY_WINDOW",
    "TITLE_SIMILARITY",
    "Candidate",
    "Stored",
    "StoryIndex",
    "StoryKey",
    "content_hash",
    "from_signed64",
    "hamming",
    "is_near_duplicate",
    "same_story",
    "simhash64",
    "store_candidate",
    "title_similarity",
    "to_signed64",
]

__getattr__ = lazy_exports(__name__, __path__)
