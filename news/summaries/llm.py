"""Abstractive summaries from any OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp).

Plain httpx rather than the openai SDK: one POST does not justify pydantic and the SDK's other
dependencies, and httpx is already required by python-telegram-bot (research urdu-summaries.md
§3.3). Every failure becomes LLMError so the caller can fall back to the extractive summary.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
from typing import Any, Protocol

import httpx

from news.errors import LLMError
from news.summaries.budget import Budget, Language
from news.summaries.prompt import Written, read_answer, system_prompt
from news.summaries.sentences import is_arabic_letter, is_boilerplate, split_sentences

__all__ = ["LLMBackend", "LLMError", "OpenAIBackend", "estimate_tokens"]

logger = logging.getLogger(__name__)

# Reasoning models (DeepSeek-R1, Qwen3) put their thinking in content on some servers; some
# chat templates drop the opening tag, so everything up to the last </think> is reasoning.
_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL)


class LLMBackend(Protocol):
    """What the summary facade needs from an abstractive summary backend."""

    @property
    def name(self) -> str:
        """Short backend name recorded on each summary, e.g. "openai"."""
        ...

    async def summarize(
        self, text: str, *, source_language: Language, target_language: Language, budget: Budget
    ) -> Written:
        """Return a summary of text in target_language within budget (and, across languages,
        a headline in it), or raise LLMError."""
        ...


def estimate_tokens(text: str) -> int:
    """Estimate a text's token count: about 4 Latin or 2 Arabic-script characters per token."""
    arabic = sum(1 for char in text if is_arabic_letter(char))
    other = sum(1 for char in text if not char.isspace()) - arabic
    return math.ceil(other / 4 + arabic / 2)


def _trim_article(text: str, max_tokens: int) -> str:
    """Keep the article's leading sentences, boilerplate dropped, within max_tokens."""
    kept: list[str] = []
    used = 0
    for line in text.splitlines():
        if is_boilerplate(line):
            continue
        for sentence in split_sentences(line):
            cost = estimate_tokens(sentence) + 1
            if used + cost > max_tokens:
                if not kept:  # one huge sentence: cut it by characters
                    ratio = max_tokens / cost
                    kept.append(sentence[: int(len(sentence) * ratio)])
                return " ".join(kept)
            kept.append(sentence)
            used += cost
    return " ".join(kept)


def _accept(response: httpx.Response, target: Language, budget: Budget) -> Written:
    """Return the guarded answer of a 200 response, or raise LLMError saying what was wrong."""
    try:
        choice = response.json()["choices"][0]
        content: Any = choice["message"].get("content")
        finish_reason = choice.get("finish_reason")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise LLMError(f"malformed response: {type(exc).__name__}") from exc
    if finish_reason == "length":
        raise LLMError("answer cut off (finish_reason length)")
    if not isinstance(content, str):
        raise LLMError("empty answer")
    answer = _THINK_BLOCK.sub("", content)
    if "</think>" in answer:
        answer = answer.rsplit("</think>", 1)[1]
    if "<think>" in answer:
        raise LLMError("unterminated <think> block")
    return read_answer(answer.strip(), target, budget)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None  # absent, or an HTTP date: use the exponential backoff instead


class OpenAIBackend:
    """Summarize through POST {base_url}/chat/completions with guards, retries and a cap."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 30.0,
        deadline: float = 90.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_concurrency: int = 2,
        max_input_tokens: int = 3000,
        max_output_tokens: int = 1024,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """Configure the server (base_url ends in /v1), limits and an optional shared client."""
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        # Ollama requires a key but ignores it; llama.cpp and vLLM accept any when none is set.
        self._headers = {"Authorization": f"Bearer {api_key or 'none'}"}
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self._deadline = deadline
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._max_input_tokens = max_input_tokens
        self._max_output_tokens = max_output_tokens
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()

    async def aclose(self) -> None:
        """Close the HTTP client if this backend created it."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> OpenAIBackend:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _payload(
        self, text: str, source: Language, target: Language, budget: Budget
    ) -> dict[str, Any]:
        article = _trim_article(text, self._max_input_tokens)
        if not article:
            raise LLMError("nothing to summarize")
        return {
            "model": self._model,
            "messages": [
                {"role": "system", "content": system_prompt(source, target, budget)},
                {"role": "user", "content": article},
            ],
            "temperature": 0,
            "max_tokens": self._max_output_tokens,
            "stream": False,
        }

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        delay: float = min(self._backoff * 2.0 ** (attempt - 1), self._max_backoff)
        return delay * random.uniform(1.0, 1.1)

    async def _attempts(self, payload: dict[str, Any], target: Language, budget: Budget) -> Written:
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                async with self._semaphore:
                    response = await self._client.post(
                        self._url, json=payload, headers=self._headers, timeout=self._timeout
                    )
            except httpx.TransportError as exc:  # connect errors, resets and timeouts
                reason = f"network error ({type(exc).__name__})"
            except httpx.HTTPError as exc:
                raise LLMError(f"HTTP client error ({type(exc).__name__})") from exc
            else:
                status = response.status_code
                if status == 200:
                    return _accept(response, target, budget)
                if status != 429 and status < 500:
                    raise LLMError(f"HTTP {status}")
                reason = f"HTTP {status}"
                retry_after = _retry_after(response)
            if attempt > self._max_retries:
                raise LLMError(f"{reason} after {attempt} attempts")
            if retry_after is not None and retry_after > self._max_backoff:
                raise LLMError(f"{reason}, server asks to retry after {retry_after:g} s")
            logger.debug("summaries: %s, retrying (attempt %d)", reason, attempt)
            await asyncio.sleep(self._delay(attempt, retry_after))

    async def summarize(
        self, text: str, *, source_language: Language, target_language: Language, budget: Budget
    ) -> Written:
        """Return a summary of text in target_language within budget (and, across languages,
        a headline), or raise LLMError."""
        try:
            # Splitting a long article is CPU work: keep it off the event loop.
            payload = await asyncio.to_thread(
                self._payload, text, source_language, target_language, budget
            )
            async with asyncio.timeout(self._deadline):
                return await self._attempts(payload, target_language, budget)
        except TimeoutError as exc:
            error = LLMError(f"no answer within the {self._deadline:g} s deadline")
            logger.warning(
                "summaries: %s backend (model %s) failed: %s", self.name, self._model, error
            )
            raise error from exc
        except LLMError as exc:
            logger.warning(
                "summaries: %s backend (model %s) failed: %s", self.name, self._model, exc
            )
            raise
