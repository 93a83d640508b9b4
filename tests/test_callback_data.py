"""Callback data: encoding within Telegram's 64 bytes, decoding that refuses forged data."""

from __future__ import annotations

import pytest

from bot.render.html import (
    MAX_CALLBACK_BYTES,
    Callback,
    callback_filter,
    decode_callback,
    encode_callback,
)


@pytest.mark.parametrize(
    ("action", "args", "data"),
    [
        pytest.param("lang", ("ur",), "lang:ur", id="lang"),
        pytest.param("read", (42, 0), "read:42:0", id="read"),
        pytest.param("read", (2**63 - 1, 9999), f"read:{2**63 - 1}:9999", id="read-max"),
        pytest.param("summary", (7, "en"), "summary:7:en", id="summary"),
        pytest.param("latest", ("all", 5, 3), "latest:all:5:3", id="latest"),
        pytest.param("open", (9,), "open:9", id="open"),
        pytest.param("also", (9,), "also:9", id="also"),
        pytest.param("search", ("1f2e3d4c", 2), "search:1f2e3d4c:2", id="search"),
        pytest.param("topic", ("pakistan",), "topic:pakistan", id="topic"),
        pytest.param("sub", ("world-news",), "sub:world-news", id="sub"),
        pytest.param("unsub", (12,), "unsub:12", id="unsub"),
        pytest.param("sources", (1,), "sources:1", id="sources"),
        pytest.param("noop", (), "noop", id="noop"),
        pytest.param("follow", ("00ff12ab",), "follow:00ff12ab", id="follow-offer"),
        pytest.param("unfollow", (7,), "unfollow:7", id="unfollow"),
        pytest.param("set", (1001, "main"), "set:1001:main", id="settings-page"),
        pytest.param("set", (-1001234567890, "tz"), "set:-1001234567890:tz", id="settings-channel"),
        pytest.param(
            "setv",
            (-1001234567890, "quiet", "2300-0700"),
            "setv:-1001234567890:quiet:2300-0700",
            id="settings-value",
        ),
    ],
)
def test_callback_round_trip(action: str, args: tuple[int | str, ...], data: str) -> None:
    assert encode_callback(action, *args) == data
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert decode_callback(data) == Callback(action, args)


@pytest.mark.parametrize(
    ("action", "args"),
    [
        pytest.param("delete_everything", (), id="unknown-action"),
        pytest.param("read", (1,), id="too-few"),
        pytest.param("read", (1, 2, 3), id="too-many"),
        pytest.param("read", (0, 0), id="id-below-range"),
        pytest.param("read", (1, -1), id="negative-page"),
        pytest.param("read", (1, 10000), id="page-above-range"),
        pytest.param("read", ("1", 0), id="string-for-int"),
        pytest.param("read", (True, 0), id="bool-for-int"),
        pytest.param("lang", ("fr",), id="unsupported-language"),
        pytest.param("topic", ("a:b",), id="separator-in-string"),
        pytest.param("topic", ("x" * 33,), id="topic-too-long"),
        pytest.param("topic", ("Sports",), id="topic-upper-case"),
        pytest.param("sub", (5,), id="int-for-string"),
        pytest.param("latest", ("all", 0, 0), id="count-zero"),
        pytest.param("search", ("NOT-HEX", 0), id="search-token-not-hex"),
    ],
)
def test_encode_callback_rejects(action: str, args: tuple[int | str, ...]) -> None:
    with pytest.raises(ValueError, match=r"callback|arguments"):
        encode_callback(action, *args)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(None, id="none"),
        pytest.param(b"read:1:0", id="bytes"),
        pytest.param(42, id="int"),
        pytest.param("", id="empty"),
        pytest.param("read", id="missing-args"),
        pytest.param("read:1", id="too-few"),
        pytest.param("read:1:0:0", id="too-many"),
        pytest.param("read:1:", id="empty-arg"),
        pytest.param("read:01:0", id="leading-zero"),
        pytest.param("read:-1:0", id="negative"),
        pytest.param("read:+1:0", id="plus-sign"),
        pytest.param("read:0:0", id="id-zero"),
        pytest.param("read:1:10000", id="page-too-big"),
        pytest.param("read:1e3:0", id="exponent"),
        pytest.param("read:1_000:0", id="underscore"),
        pytest.param("read: 1:0", id="space"),
        pytest.param("read:1:0\n", id="trailing-newline"),
        pytest.param("read:１:0", id="fullwidth-digit"),
        pytest.param("read:٣:0", id="arabic-digit"),
        pytest.param("read:99999999999999999999:0", id="int-overflow"),
        pytest.param("lang:EN", id="language-case"),
        pytest.param("lang:fr", id="language-unknown"),
        pytest.param("topic:../etc", id="topic-path"),
        pytest.param("noop:", id="noop-with-arg"),
        pytest.param("latest:all:101:0", id="count-too-big"),
        pytest.param("search:zz:0", id="search-token-not-hex"),
        pytest.param("READ:1:0", id="action-case"),
        pytest.param("__class__:1", id="dunder"),
        pytest.param("topic:" + "a" * 60, id="over-64-bytes"),
        pytest.param("summary:1:اردو", id="non-ascii"),
        pytest.param("set:-0:main", id="settings-minus-zero"),
        pytest.param("set:--5:main", id="settings-double-minus"),
        pytest.param("set:1:Main", id="settings-section-case"),
        pytest.param("set:99999999999999999:main", id="settings-chat-too-big"),
        pytest.param("setv:1:tz:a b", id="settings-value-space"),
        pytest.param("setv:1:tz:" + "x" * 25, id="settings-value-too-long"),
    ],
)
def test_decode_callback_rejects_forged_data(data: object) -> None:
    assert decode_callback(data) is None


def test_callback_filter() -> None:
    matches_read = callback_filter("read")
    assert matches_read("read:5:1")
    assert not matches_read("read:5")
    assert not matches_read("lang:ur")
    assert not matches_read(None)
    with pytest.raises(ValueError, match="unknown"):
        callback_filter("nope")
