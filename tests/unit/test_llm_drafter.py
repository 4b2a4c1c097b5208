"""The optional LLM drafter of reply openings, with a fake endpoint: no network in tests."""

# ruff: noqa: RUF001

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from aftersales.services.llm_drafter import OpenAICompatibleDrafter
from aftersales.triage.knowledge_base import default_knowledge
from aftersales.triage.replies import Situation, compose

ZH = compose(default_knowledge(), Situation("wrong_item", "zh"))
EN = compose(default_knowledge(), Situation("wrong_item", "en"))


class FakeEndpoint:
    def __init__(self, answer: bytes | Exception) -> None:
        self.answer = answer
        self.calls: list[tuple[str, Mapping[str, str], dict[str, object], float]] = []

    def __call__(self, url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> bytes:
        self.calls.append((url, headers, json.loads(body), timeout))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def chat(content: str) -> bytes:
    return json.dumps({"choices": [{"message": {"content": content}}]}).encode()


def test_the_drafter_asks_the_chat_endpoint_with_the_key_and_returns_the_lead() -> None:
    endpoint = FakeEndpoint(chat("  很抱歉发错了商品，\n我们马上为您处理。 "))
    drafter = OpenAICompatibleDrafter("https://llm.example/v1/", "sk-1", "m", 2.0, post=endpoint)

    lead = drafter.draft_lead("发错货了，我要的是黑色", ZH)

    assert lead == "很抱歉发错了商品， 我们马上为您处理。"
    url, headers, body, timeout = endpoint.calls[0]
    assert url == "https://llm.example/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-1"
    assert body["model"] == "m" and timeout == 2.0
    assert body["messages"][1] == {"role": "user", "content": "发错货了，我要的是黑色"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("answer", "reply"),
    [
        (OSError("connection refused"), ZH),  # unreachable
        (b"<html>502</html>", ZH),  # not JSON
        (json.dumps({"error": "quota"}).encode(), ZH),  # no choices
        (chat(""), EN),  # empty
        (chat("x" * 301), EN),  # too long
        (chat("Sorry about that!"), ZH),  # English for a Chinese reply
        (chat("很抱歉"), EN),  # Chinese for an English reply
    ],
)
def test_any_failure_keeps_the_knowledge_bases_lead(
    answer: bytes | Exception, reply: object
) -> None:
    drafter = OpenAICompatibleDrafter(
        "https://llm.example/v1", None, "m", post=FakeEndpoint(answer)
    )
    assert drafter.draft_lead("text", reply) is None  # type: ignore[arg-type]


def test_a_two_language_reply_is_not_sent_to_the_model() -> None:
    endpoint = FakeEndpoint(chat("hi"))
    both = compose(default_knowledge(), Situation("other", "unknown", needs_human=True))
    drafter = OpenAICompatibleDrafter("https://llm.example/v1", None, "m", post=endpoint)
    assert drafter.draft_lead("???", both) is None
    assert endpoint.calls == []
