"""Store.watch_chats: committed writes to a chat's settings or mutes are told, by chat id."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from storage import Store
from storage.chats import add_mute, ensure_chat, get_chat, set_chat_language


async def test_a_committed_change_tells_the_watchers_which_chats(store: Store) -> None:
    told: list[set[int]] = []

    def watcher(ids: Collection[int]) -> None:
        told.append(set(ids))

    store.watch_chats(watcher)
    async with store.write() as session:
        await ensure_chat(session, 1, type="private", language="en", timezone="UTC")
        await ensure_chat(session, 2, type="private", language="en", timezone="UTC")
    async with store.write() as session:
        await set_chat_language(session, 2, "ur")
        await add_mute(session, 2, "cricket")
    async with store.read() as session:
        await get_chat(session, 1)  # reads tell nobody
    assert told == [{1, 2}, {2}]


async def test_a_rolled_back_change_tells_nobody(store: Store) -> None:
    told: list[Collection[int]] = []
    store.watch_chats(told.append)
    with pytest.raises(RuntimeError):
        async with store.write() as session:
            await ensure_chat(session, 1, type="private", language="en", timezone="UTC")
            raise RuntimeError("abandon the write")
    assert told == []
