"""Words sent alone in a private chat: searched, as ``/search <words>`` would search them.

A reader who types "flood Karachi" to a news bot means a search; silence would leave them
guessing. Groups are left alone (their talk is not for the bot); a link alone is offered as a
feed to follow (bot.handlers.follow) before this handler sees it.
"""

from __future__ import annotations

from telegram import Update

from bot.args import clean_args
from bot.handlers.search import search_typed_words
from bot.services import KhabarContext

__all__ = ["plain_text"]


async def plain_text(update: Update, context: KhabarContext) -> None:
    """A private chat's message that is neither a command nor a link: a search."""
    message = update.effective_message
    words = clean_args((message.text or "").split()) if message else []
    await search_typed_words(update, context, " ".join(words))
