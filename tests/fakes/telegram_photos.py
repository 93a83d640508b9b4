"""Pictures in the fake Bot API: Telegram fetches an http(s) photo URL itself and answers 400
when it cannot (a malformed address, an unreachable host, not a picture)."""

from urllib.parse import urlsplit

from tests.fakes.telegram_errors import bad_request
from tests.fakes.telegram_state import BotState

__all__ = ["UNREACHABLE", "WRONG_IDENTIFIER", "check_photo", "refuse_photo"]

WRONG_IDENTIFIER = "wrong file identifier/HTTP URL specified"
UNREACHABLE = "failed to get HTTP URL content"
_FILE_ID_PREFIX = "AgACAgFake"  # what send_photo hands out as file_id


def refuse_photo(state: BotState, url: str, description: str = UNREACHABLE) -> None:
    """Make Telegram fail to fetch ``url`` as a picture, answering 400 ``description``."""
    state.refused_photos[url] = description


def check_photo(state: BotState, photo: object) -> None:
    """Raise the 400 Telegram gives for a photo it cannot use; uploads are always accepted."""
    if not isinstance(photo, str):
        return
    if photo.startswith(_FILE_ID_PREFIX):
        return
    try:
        parts = urlsplit(photo)
    except ValueError:
        raise bad_request(WRONG_IDENTIFIER) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(photo) > 2048:
        raise bad_request(WRONG_IDENTIFIER)
    if photo in state.refused_photos:
        raise bad_request(state.refused_photos[photo])
    # RFC 2606: .invalid never resolves, so Telegram cannot fetch anything there.
    if parts.hostname.endswith(".invalid") or parts.hostname == "invalid":
        raise bad_request(UNREACHABLE)
