"""Refusals of the fake Bot API, answered with Telegram's error JSON and a real HTTP status."""

from typing import Any

__all__ = ["BotAPIError", "bad_request", "forbidden", "too_many_requests"]


class BotAPIError(Exception):
    """A refusal: HTTP status, Telegram's description and optional ResponseParameters."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """Render the Bot API error body: ok=false, error_code, description, parameters."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(reason: str, **parameters: Any) -> BotAPIError:
    """Build a 400 refusal carrying Telegram's "Bad Request: " prefix."""
    return BotAPIError(400, f"Bad Request: {reason}", **parameters)


def forbidden(reason: str) -> BotAPIError:
    """Build a 403 refusal carrying Telegram's "Forbidden: " prefix."""
    return BotAPIError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> BotAPIError:
    """Build the 429 flood-control refusal with parameters.retry_after in whole seconds."""
    return BotAPIError(
        429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
    )
