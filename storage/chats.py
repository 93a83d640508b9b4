"""Queries on chats: register one, its language, timezone, quiet hours, pictures, state, mutes."""

from __future__ import annotations

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.engine import CHANGED_CHATS
from storage.models import Chat, ChatMute, Delivery, Subscription
from storage.types import utcnow

__all__ = [
    "add_mute",
    "any_chat_of_one_news_language",
    "channels_added_by",
    "deactivate_chat",
    "ensure_chat",
    "get_chat",
    "list_mute_rows",
    "list_mutes",
    "migrate_chat",
    "mute_words",
    "reactivate_chat",
    "record_channel",
    "remove_mute",
    "remove_mute_id",
    "set_chat_language",
    "set_chat_pictures",
    "set_chat_timezone",
    "set_news_languages",
    "set_quiet_hours",
]


def _changed(session: AsyncSession, *chat_ids: int) -> None:
    """Note that the chat's row or mutes change in this session (Store.watch_chats is told on
    commit). Every function here that writes chats or chat_mutes calls it."""
    session.info.setdefault(CHANGED_CHATS, set()).update(chat_ids)


async def ensure_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    type: str,
    language: str,
    timezone: str,
    title: str | None = None,
) -> Chat:
    """Return the chat's row, creating it with these defaults when it is new."""
    now = utcnow()
    values = {
        "id": chat_id,
        "type": type,
        "title": title,
        "language": language,
        "timezone": timezone,
        "active": True,
        "created_at": now,
        "updated_at": now,
    }
    await session.execute(insert_ignore(session, Chat.__table__, values))  # type: ignore[arg-type]
    _changed(session, chat_id)
    chat = await session.get(Chat, chat_id, populate_existing=True)
    assert chat is not None
    return chat


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    """The chat with this Telegram id."""
    return await session.get(Chat, chat_id)


async def _set(session: AsyncSession, chat_id: int, **values: object) -> None:
    _changed(session, chat_id)
    await session.execute(
        update(Chat).where(Chat.id == chat_id).values(**values, updated_at=utcnow())
    )


async def set_chat_language(session: AsyncSession, chat_id: int, language: str) -> None:
    """Set the language the chat reads in."""
    await _set(session, chat_id, language=language)


async def set_news_languages(session: AsyncSession, chat_id: int, languages: str) -> None:
    """Set the languages of news the chat is sent: "en", "ur" or "both" (apart from /lang)."""
    await _set(session, chat_id, news_languages=languages)


async def set_chat_timezone(session: AsyncSession, chat_id: int, timezone: str) -> None:
    """Set the chat's IANA timezone."""
    await _set(session, chat_id, timezone=timezone)


async def set_chat_pictures(session: AsyncSession, chat_id: int, pictures: bool) -> None:
    """Turn the chat's picture cards on or off (off: every card goes as text)."""
    await _set(session, chat_id, pictures=pictures)


async def set_quiet_hours(
    session: AsyncSession, chat_id: int, start: int | None, end: int | None
) -> None:
    """Set (or clear, with None) the quiet window in minutes after local midnight."""
    await _set(session, chat_id, quiet_start=start, quiet_end=end)


async def deactivate_chat(session: AsyncSession, chat_id: int, reason: str) -> None:
    """Stop pushing to a chat (blocked, kicked, deleted); its subscriptions stay."""
    await _set(session, chat_id, active=False, inactive_reason=reason[:200])


async def reactivate_chat(session: AsyncSession, chat_id: int) -> None:
    """Push to a chat again (it wrote to the bot after blocking it)."""
    await _set(session, chat_id, active=True, inactive_reason=None)


async def record_channel(
    session: AsyncSession,
    chat_id: int,
    *,
    title: str | None,
    added_by: int | None,
    language: str,
    timezone: str,
) -> Chat:
    """A channel the bot may now post in: created with these defaults when new, else woken up
    with its settings as they were; ``added_by`` (who made the bot an admin) replaces the last."""
    chat = await ensure_chat(
        session, chat_id, type="channel", language=language, timezone=timezone, title=title
    )
    values: dict[str, object] = {"active": True, "inactive_reason": None, "type": "channel"}
    if title:
        values["title"] = title
    if added_by is not None:
        values["added_by"] = added_by
    await _set(session, chat_id, **values)
    await session.refresh(chat)
    return chat


async def channels_added_by(session: AsyncSession, user_id: int) -> list[Chat]:
    """The channels this user made the bot an administrator of, active ones first, by title."""
    stmt = (
        select(Chat)
        .where(Chat.type == "channel", Chat.added_by == user_id)
        .order_by(Chat.active.desc(), Chat.title, Chat.id)
    )
    return list((await session.execute(stmt)).scalars())


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """Move a group that became a supergroup to its new id, with everything that hangs off it."""
    _changed(session, old_id, new_id)
    if await session.get(Chat, new_id) is not None:
        # The new id already wrote to us: move over what it lacks, then drop the old row.
        for model, key in ((Subscription, ("kind", "value")), (ChatMute, ("word",))):
            taken = select(*(getattr(model, k) for k in key)).where(model.chat_id == new_id)
            await session.execute(
                update(model)
                .where(
                    model.chat_id == old_id, tuple_(*(getattr(model, k) for k in key)).not_in(taken)
                )
                .values(chat_id=new_id)
            )
        await session.execute(
            update(Delivery)
            .where(
                Delivery.chat_id == old_id,
                Delivery.story_id.not_in(
                    select(Delivery.story_id).where(Delivery.chat_id == new_id)
                ),
            )
            .values(chat_id=new_id)
        )
        # Deliveries have no foreign key to cascade (storage/models.py, Delivery).
        await session.execute(delete(Delivery).where(Delivery.chat_id == old_id))
        await session.execute(delete(Chat).where(Chat.id == old_id))
        return
    # ON UPDATE CASCADE moves subscriptions and mutes along; deliveries are moved here.
    await session.execute(
        update(Chat)
        .where(Chat.id == old_id)
        .values(id=new_id, type="supergroup", updated_at=utcnow())
    )
    await session.execute(update(Delivery).where(Delivery.chat_id == old_id).values(chat_id=new_id))


async def add_mute(session: AsyncSession, chat_id: int, word: str) -> bool:
    """Mute a word for a chat; return False when it was already muted."""
    _changed(session, chat_id)
    result = await session.execute(
        insert_ignore(session, ChatMute.__table__, {"chat_id": chat_id, "word": word})  # type: ignore[arg-type]
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def remove_mute(session: AsyncSession, chat_id: int, word: str) -> bool:
    """Unmute a word; return whether it was muted."""
    _changed(session, chat_id)
    result = await session.execute(
        delete(ChatMute).where(ChatMute.chat_id == chat_id, ChatMute.word == word)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_mutes(session: AsyncSession, chat_id: int) -> list[str]:
    """The chat's muted words, alphabetically."""
    stmt = select(ChatMute.word).where(ChatMute.chat_id == chat_id).order_by(ChatMute.word)
    return list((await session.execute(stmt)).scalars())


async def list_mute_rows(session: AsyncSession, chat_id: int) -> list[ChatMute]:
    """The chat's muted words with their ids (for remove buttons), alphabetically."""
    stmt = select(ChatMute).where(ChatMute.chat_id == chat_id).order_by(ChatMute.word)
    return list((await session.execute(stmt)).scalars())


async def remove_mute_id(session: AsyncSession, chat_id: int, mute_id: int) -> bool:
    """Unmute the chat's word with this id; return whether it was there."""
    _changed(session, chat_id)
    result = await session.execute(
        delete(ChatMute).where(ChatMute.chat_id == chat_id, ChatMute.id == mute_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mute_words(session: AsyncSession) -> list[str]:
    """Every distinct muted word, as stored."""
    return list((await session.execute(select(ChatMute.word).distinct())).scalars())


async def any_chat_of_one_news_language(session: AsyncSession) -> bool:
    """Whether an active chat wants news in one language only (/news en or ur)."""
    stmt = select(Chat.id).where(Chat.active, Chat.news_languages != "both").limit(1)
    return (await session.execute(stmt)).first() is not None
