"""A pushed story in the chat's language: across languages, the model's headline and summary.

An English story pushed to an Urdu chat (or the reverse) gets the summary service's answer in
the chat's language: the language model's headline and summary, or the title and summary of the
story's report in that language. The service waits for the model at most SUMMARY_WAIT, so a
push is never held longer; a slower answer is cached for the next reader. Without either, the
push keeps the article's own title and lead and says plainly they are in the other language.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.services import Recent
from news.summaries.service import SummaryService
from storage import Article
from storage.articles import get_article
from storage.deliveryviews import DeliveryView

__all__ = ["Localizer", "PushText", "summary_localizer"]

log = logging.getLogger(__name__)

KEPT_ARTICLES = 64  # articles of the stories being pushed now


@dataclass(frozen=True)
class PushText:
    """The headline and summary a push shows; ``translated`` False when they are in the
    article's language rather than the chat's."""

    headline: str
    summary: str
    translated: bool


Localizer = Callable[[DeliveryView], Awaitable[PushText | None]]


def summary_localizer(service: SummaryService) -> Localizer:
    """A localizer over the summary service (None for a story already in the chat's language)."""

    # A story goes to many chats: its article is read once, not once per chat.
    articles: Recent[int, Article | None] = Recent(KEPT_ARTICLES)

    async def localize(view: DeliveryView) -> PushText | None:
        if view.article_id is None or view.language == view.chat_language:
            return None
        try:
            if view.article_id not in articles:
                async with service.store.read() as session:
                    articles[view.article_id] = await get_article(session, view.article_id)
            article = articles[view.article_id]
            if article is None:
                return None
            result = await service.get(article, view.chat_language)
        except Exception as exc:  # the push goes out as it is rather than not at all
            log.warning("push: no summary of article %s: %r", view.article_id, exc)
            return None
        if result.language != view.chat_language:
            return PushText(view.title, view.lead, translated=False)
        return PushText(result.headline or view.title, result.text, translated=True)

    return localize
