"""Which articles a chat may see: those of no feed or of an admin's (shared) feed, and those of
the feeds the chat follows itself (/follow); every listing of articles filters by it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Feed, Subscription
from storage.subscriptions import FEED

__all__ = ["Viewer", "viewer_params", "visible_to", "visible_to_param"]

# The chat a listing is for: its id, a column holding it (a correlated chat), or None for
# anyone (an inline query of a user without a chat): then only everyone's articles show.
Viewer = int | ColumnElement[int] | InstrumentedAttribute[int] | None


def visible_to(viewer: Viewer, feed_id: Any) -> ColumnElement[bool]:
    """Whether the article whose ``feed_id`` column is given may be shown to ``viewer``.

    The feeds kept from the viewer are one uncorrelated subquery (the feeds only chats added,
    less the viewer's own), read once per statement: each article costs a lookup in a small
    set, and a listing walking the latest index newest first keeps its plan."""
    hidden = select(Feed.id).where(Feed.shared.is_(False))
    if viewer is not None:
        # A chat column comes from the statement around (two levels up): never a FROM here.
        own = (
            select(Subscription.feed_id)
            .where(
                Subscription.chat_id == viewer,
                Subscription.kind == FEED,
                Subscription.feed_id.is_not(None),
            )
            .correlate_except(Subscription)
        )
        hidden = hidden.where(Feed.id.not_in(own))
    # NOT IN over a NULL feed id is NULL, not true: an article of no feed needs its own test.
    return or_(feed_id.is_(None), feed_id.not_in(hidden))


def visible_to_param(anyone: bool, feed_id: Any) -> ColumnElement[bool]:
    """visible_to for a statement built once and run many times: the viewer is the bound
    parameter ``viewer`` (its value from ``viewer_params``), or anyone. A listing's shape is the
    same for every chat, so it is built, and its cache key worked out, once instead of on every
    command (building it cost more than running it)."""
    return visible_to(None if anyone else bindparam("viewer"), feed_id)


def viewer_params(viewer: int | None) -> dict[str, int]:
    """The value of visible_to_param's parameter for ``viewer`` (none for anyone)."""
    return {} if viewer is None else {"viewer": viewer}
