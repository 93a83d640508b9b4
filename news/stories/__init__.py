"""Stories: building a candidate, duplicate detection, the index of recent stories, storing once,
linking reports across languages."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.stories.candidate import (
        Candidate,
        build_candidate,
        entry_candidate,
        file_candidate,
        page_candidate,
    )
    from news.stories.clues import Clues, read_clues, shared_clues
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
    from news.stories.linking import LINK_WINDOW, Link, StoryLinker
    from news.stories.store import Stored, store_candidate

__all__ = [
    "LINK_WINDOW",
    "NEAR_DUPLICATE_BITS",
    "STORY_WINDOW",
    "TITLE_SIMILARITY",
    "Candidate",
    "Clues",
    "Link",
    "Stored",
    "StoryIndex",
    "StoryKey",
    "StoryLinker",
    "build_candidate",
    "content_hash",
    "entry_candidate",
    "file_candidate",
    "from_signed64",
    "hamming",
    "is_near_duplicate",
    "page_candidate",
    "read_clues",
    "same_story",
    "shared_clues",
    "simhash64",
    "store_candidate",
    "title_similarity",
    "to_signed64",
]

__getattr__ = lazy_exports(__name__, __path__)
