"""Stories for bench-scale's generated articles, as the pipeline would make them."""

from __future__ import annotations

import random

__all__ = ["StoryMaker"]


class StoryMaker:
    """Gives generated articles stories as the pipeline would: every article belongs to one,
    about two in three start their own, the rest join one of the 200 newest of their language
    (other sources reporting it within minutes or hours), taking its topic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = 1
        self.recent: dict[str, list[tuple[int, str]]] = {"en": [], "ur": []}

    def assign(self, row: dict[str, object], stories: list[dict[str, object]]) -> None:
        """Set the row's story (and topic), adding a new story's row to ``stories``."""
        recent = self.recent[str(row["language"])]
        if recent and self.rng.random() < 0.35:
            row["story_id"], row["topic"] = self.rng.choice(recent)
            return
        story_id, self.next_id = self.next_id, self.next_id + 1
        stories.append(
            {
                "id": story_id,
                "title": row["title"],
                "topic": row["topic"],
                "language": row["language"],
                "simhash": 0,
                "article_count": 1,  # counted once every article is in (generate)
                "first_published_at": row["published_at"],
                "created_at": row["fetched_at"],
                "updated_at": row["fetched_at"],
            }
        )
        row["story_id"] = story_id
        recent.append((story_id, str(row["topic"])))
        del recent[:-200]
