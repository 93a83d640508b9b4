"""Tests for the OpenAI-compatible summary backend and the summary facade, on a fake server."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from news.summaries import llm
from news.summaries import writer as summarize_module
from news.summaries.budget import Budget, SummaryBudget
from news.summaries.extractive import summarize_extractive
from news.summaries.llm import LLMError, OpenAIBackend, estimate_tokens
from news.summaries.writer import Summary, summarize
from tests.fakes.openai_api import FakeOpenAI, Reply

API_KEY = "sk-test-secret-4242"

ENGLISH = (
    "Monsoon floods have forced thousands of families from their homes in Punjab, officials "
    "said on Sunday. The provincial disaster authority said flood water had reached 40 villages "
    "along the Ravi river. Rescue teams used boats to move families to relief camps. The army "
    "was called in after the river breached an embankment near the city."
)
URDU = (
    "پنجاب میں مون سون کی بارشوں کے بعد آنے والے سیلاب سے ہزاروں خاندان بے گھر ہو گئے ہیں۔ "
    "صوبائی حکام کے مطابق دریائے راوی کے کنارے چالیس دیہات سیلاب کی زد میں ہیں۔ "
    "امدادی ٹیمیں کشتیوں کے ذریعے متاثرہ خاندانوں کو امدادی کیمپوں میں منتقل کر رہی ہیں۔"
)
URDU_ANSWER = "پنجاب میں سیلاب سے ہزاروں خاندان بے گھر ہو گئے ہیں۔"
ENGLISH_ANSWER = "Floods in Punjab have left thousands of families homeless."


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def _backend(fake: FakeOpenAI, **options: float) -> OpenAIBackend:
    settings: dict[str, float] = {"timeout": 5.0, "deadline": 10.0, "backoff": 0.01}
    settings.update(options)
    return OpenAIBackend(
        base_url=fake.base_url,
        model="qwen3:4b",
        api_key=API_KEY,
        timeout=settings["timeout"],
        deadline=settings["deadline"],
        backoff=settings["backoff"],
        max_retries=int(settings.get("max_retries", 2)),
        max_concurrency=int(settings.get("max_concurrency", 2)),
        max_input_tokens=int(settings.get("max_input_tokens", 3000)),
    )


async def test_success_and_request_shape(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(content=f"  {ENGLISH_ANSWER}\n"))
    async with _backend(fake) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="en", backend=backend
        )
    assert result == Summary(ENGLISH_ANSWER, "en", "openai")
    [request] = fake.received
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "qwen3:4b"
    assert request.body["stream"] is False
    assert request.body["temperature"] == 0
    assert request.body["max_tokens"] == 1024
    assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
    assert "English" in request.system_prompt
    assert "60 words" in request.system_prompt
    assert request.user_prompt == ENGLISH


async def test_english_article_summarized_in_urdu(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(content=URDU_ANSWER))
    async with _backend(fake) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="ur", backend=backend
        )
    assert result == Summary(URDU_ANSWER, "ur", "openai")
    prompt = fake.received[0].system_prompt
    assert "in Urdu" in prompt
    assert "The article is in English" in prompt
    assert "Roman Urdu" in prompt
    assert "400 characters" in prompt


async def test_urdu_article_summarized_in_english(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(content=ENGLISH_ANSWER))
    async with _backend(fake) as backend:
        result = await summarize(URDU, source_language="ur", target_language="en", backend=backend)
    assert result == Summary(ENGLISH_ANSWER, "en", "openai")
    assert "The article is in Urdu" in fake.received[0].system_prompt


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(f"<think>The user wants a summary.</think>\n{URDU_ANSWER}", id="think-block"),
        pytest.param(f"reasoning without an opening tag</think>{URDU_ANSWER}", id="unopened-think"),
    ],
)
async def test_think_block_stripped(fake: FakeOpenAI, content: str) -> None:
    fake.enqueue(Reply(content=content, reasoning_content="ignored"))
    async with _backend(fake) as backend:
        result = await summarize(URDU, source_language="ur", target_language="ur", backend=backend)
    assert result == Summary(URDU_ANSWER, "ur", "openai")


@pytest.mark.parametrize(
    ("reply", "requests"),
    [
        pytest.param(Reply(status=500), 3, id="http-500-every-time"),
        pytest.param(Reply(status=429), 3, id="http-429-every-time"),
        pytest.param(Reply(status=400), 1, id="http-400-not-retried"),
        pytest.param(Reply(status=401), 1, id="http-401-not-retried"),
        pytest.param(Reply(content=""), 1, id="empty"),
        pytest.param(Reply(content="   \n"), 1, id="blank"),
        pytest.param(Reply(content=None), 1, id="null"),
        pytest.param(Reply(content="<think>still thinking about it"), 1, id="think-only"),
        pytest.param(Reply(content="<think>plan</think>"), 1, id="think-then-nothing"),
        pytest.param(Reply(content=URDU_ANSWER, finish_reason="length"), 1, id="cut-off"),
        pytest.param(Reply(content=ENGLISH_ANSWER), 1, id="english-for-urdu"),
        pytest.param(Reply(content="Punjab mein selaab se hazaron ghar tabah"), 1, id="roman-urdu"),
        pytest.param(Reply(raw_body="{not json"), 1, id="malformed-json"),
        pytest.param(Reply(raw_body='{"choices": []}'), 1, id="no-choices"),
        pytest.param(Reply(disconnect=True), 3, id="connection-dropped"),
    ],
)
async def test_failure_falls_back_to_extractive(
    fake: FakeOpenAI, reply: Reply, requests: int
) -> None:
    fake.default = reply
    async with _backend(fake) as backend:
        result = await summarize(URDU, source_language="ur", target_language="ur", backend=backend)
    assert result == Summary(summarize_extractive(URDU, "ur"), "ur", "extractive")
    assert len(fake.received) == requests


async def test_cross_language_failure_returns_article_language(fake: FakeOpenAI) -> None:
    fake.default = Reply(content=ENGLISH_ANSWER)  # English where Urdu was asked for
    async with _backend(fake) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="ur", backend=backend
        )
    assert result == Summary(summarize_extractive(ENGLISH, "en"), "en", "extractive")


async def test_retries_then_succeeds(fake: FakeOpenAI) -> None:
    fake.enqueue(
        Reply(status=503),
        Reply(status=429, headers={"Retry-After": "0"}),
        Reply(disconnect=True),
        Reply(content=ENGLISH_ANSWER),
    )
    async with _backend(fake, max_retries=3) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="en", backend=backend
        )
    assert result.backend == "openai"
    assert len(fake.received) == 4


async def test_backoff_grows_and_honours_retry_after(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(status=500), Reply(status=429, headers={"Retry-After": "0.3"}), Reply())
    async with _backend(fake, backoff=0.1) as backend:
        started = time.monotonic()
        await backend.summarize(
            ENGLISH, source_language="en", target_language="en", budget=Budget(max_words=60)
        )
    assert time.monotonic() - started >= 0.4  # 0.1 s backoff, then the server's 0.3 s


async def test_long_retry_after_gives_up(fake: FakeOpenAI) -> None:
    fake.default = Reply(status=429, headers={"Retry-After": "120"})
    async with _backend(fake) as backend:
        with pytest.raises(LLMError, match="retry after 120 s"):
            await backend.summarize(
                ENGLISH, source_language="en", target_language="en", budget=Budget(max_words=60)
            )
    assert len(fake.received) == 1


async def test_request_timeout_is_retried(fake: FakeOpenAI) -> None:
    # The first answer never comes in time; the second, immediate one is far inside the
    # timeout, also on a slow machine.
    fake.enqueue(Reply(delay=30.0), Reply(content=ENGLISH_ANSWER))
    async with _backend(fake, timeout=1.0) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="en", backend=backend
        )
    assert result.text == ENGLISH_ANSWER
    assert len(fake.received) == 2


async def test_timeout_falls_back_within_the_deadline(fake: FakeOpenAI) -> None:
    fake.default = Reply(delay=30.0)
    async with _backend(fake, timeout=30.0, deadline=0.3) as backend:
        started = time.monotonic()
        result = await summarize(
            ENGLISH, source_language="en", target_language="en", backend=backend
        )
    assert time.monotonic() - started < 15.0  # the 0.3 s deadline, not the 30 s timeout
    assert result.backend == "extractive"


async def test_unreachable_server_falls_back() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = OpenAIBackend(base_url=f"http://127.0.0.1:{port}/v1", model="m", backoff=0.01)
    async with backend:
        result = await summarize(URDU, source_language="ur", target_language="ur", backend=backend)
    assert result.backend == "extractive"


async def test_concurrency_cap(fake: FakeOpenAI) -> None:
    fake.default = Reply(delay=0.2)
    async with _backend(fake, max_concurrency=2) as backend:
        results = await asyncio.gather(
            *(
                summarize(ENGLISH, source_language="en", target_language="en", backend=backend)
                for _ in range(6)
            )
        )
    assert {result.backend for result in results} == {"openai"}
    assert fake.max_in_flight == 2


async def test_long_article_trimmed_to_token_budget(fake: FakeOpenAI) -> None:
    article = "\n".join([f"Paragraph {i}. {ENGLISH}" for i in range(200)])
    async with _backend(fake, max_input_tokens=300) as backend:
        await summarize(article, source_language="en", target_language="en", backend=backend)
    sent = fake.received[0].user_prompt
    assert sent.startswith("Paragraph 0. Monsoon floods")
    assert estimate_tokens(sent) <= 300
    assert len(sent) < len(article) / 10


async def test_long_answer_trimmed_to_budget(fake: FakeOpenAI) -> None:
    fake.enqueue(Reply(content=" ".join([ENGLISH_ANSWER] * 10)))
    async with _backend(fake) as backend:
        result = await summarize(
            ENGLISH, source_language="en", target_language="en", backend=backend
        )
    assert result.backend == "openai"
    assert Budget(max_words=60).fits([result.text])


async def test_one_log_line_per_failure_without_the_key(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake.default = Reply(status=500)
    caplog.set_level(logging.DEBUG)
    async with _backend(fake) as backend:
        await summarize(ENGLISH, source_language="en", target_language="en", backend=backend)
        await summarize(URDU, source_language="ur", target_language="ur", backend=backend)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "summaries: openai backend (model qwen3:4b) failed: HTTP 500 after 3 attempts"
    ] * 2
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


async def test_backend_raises_llm_error(fake: FakeOpenAI) -> None:
    fake.default = Reply(status=500)
    async with _backend(fake, max_retries=0) as backend:
        with pytest.raises(LLMError, match="HTTP 500 after 1 attempts"):
            await backend.summarize(
                ENGLISH, source_language="en", target_language="en", budget=Budget(max_words=60)
            )


async def test_shared_client_left_open(fake: FakeOpenAI) -> None:
    async with httpx.AsyncClient() as client:
        backend = OpenAIBackend(base_url=fake.base_url + "/", model="m", client=client)
        await backend.aclose()
        answer = await backend.summarize(
            ENGLISH, source_language="en", target_language="en", budget=Budget(max_sentences=1)
        )
    assert (
        answer.summary == "Monsoon floods forced thousands of families from their homes in Punjab."
    )
    assert fake.received[0].headers["Authorization"] == "Bearer none"


async def test_control_endpoints(fake: FakeOpenAI) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{fake.port}") as client:
        queued = await client.post("/_control/reply", json={"content": URDU_ANSWER})
        assert queued.json() == {"queued": 1}
        async with _backend(fake) as backend:
            result = await summarize(
                ENGLISH, source_language="en", target_language="ur", backend=backend
            )
        requests = (await client.get("/_control/requests")).json()
    assert result.text == URDU_ANSWER
    assert requests[0]["body"]["model"] == "qwen3:4b"


async def test_without_backend_cross_language_uses_article_language() -> None:
    result = await summarize(ENGLISH, source_language="en", target_language="ur")
    assert result == Summary(summarize_extractive(ENGLISH, "en"), "en", "extractive")


async def test_budget_passed_through_facade() -> None:
    first = URDU.split("۔ ")[0] + "۔"
    budget = SummaryBudget(max_chars_ur=len(first) + 1)
    result = await summarize(URDU, source_language="ur", target_language="ur", budget=budget)
    assert result.text == first


async def test_unknown_language_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        await summarize(ENGLISH, source_language="fr", target_language="en")  # type: ignore[arg-type]


async def test_empty_article_skips_backend(fake: FakeOpenAI) -> None:
    async with _backend(fake) as backend:
        result = await summarize("  ", source_language="en", target_language="ur", backend=backend)
    assert result == Summary("", "en", "extractive")
    assert fake.received == []


def test_estimate_tokens() -> None:
    assert estimate_tokens("abcd efgh") == 2
    assert estimate_tokens("سیلاب") == 3


def test_exports_exist() -> None:
    for module in (llm, summarize_module):
        assert all(hasattr(module, name) for name in module.__all__)
