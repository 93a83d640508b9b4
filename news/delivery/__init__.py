"""Who gets a story and when: queueing it for chats, the one rule for quiet hours, digests and
breaking stories, keyword and mute matching, local times."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.delivery.matching import (
        Listing,
        headline_words,
        is_muted,
        match_words,
        matching_phrases,
        unmuted_page,
    )
    from news.delivery.policy import Action, ChatTimes, Decision, DeliveryPolicy
    from news.delivery.queue import (
        queue_followers,
        queue_new_language,
        queue_new_story,
        release_if_breaking,
        route_stored,
        route_stored_many,
    )
    from news.delivery.schedule import in_window, next_local_time, zone

__all__ = [
    "Action",
    "ChatTimes",
    "Decision",
    "DeliveryPolicy",
    "Listing",
    "headline_words",
    "in_window",
    "is_muted",
    "match_words",
    "matching_phrases",
    "next_local_time",
    "queue_followers",
    "queue_new_language",
    "queue_new_story",
    "release_if_breaking",
    "route_stored",
    "route_stored_many",
    "unmuted_page",
    "zone",
]

__getattr__ = lazy_exports(__name__, __path__)
