"""An optional drafter of friendlier first replies through an OpenAI-compatible chat endpoint.

Off by default (``AFTERSALES_LLM_URL`` empty). When on, it only rewrites the opening sentence
of the reply the knowledge base chose; the steps are always the base's own, so whether a reply
carries a concrete step never depends on what a model wrote. Any failure — no answer within the
timeout, an error status, an answer that is empty, too long or in the wrong language — keeps
the base's sentence: the case opens either way, and its consumer gets a reply either way.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from aftersales.triage.replies import Reply

__all__ = ["OpenAICompatibleDrafter", "Post"]

log = logging.getLogger("aftersales.replies")

# (url, headers, body, timeout in seconds) → the response body; raises on any failure.
Post = Callable[[str, Mapping[str, str], bytes, float], bytes]

_MAX_CHARS = 300
_HAN = re.compile(r"[\u4e00-\u9fff]")
_INSTRUCTIONS = {
    "zh": "你是电商平台的售后客服。用一到两句简体中文，礼貌地回应顾客的问题描述，"  # noqa: RUF001
    "表达理解并说明平台已在处理。不要给出任何步骤、承诺、金额或时限，不要编造事实。",  # noqa: RUF001
    "en": "You are an after-sales service agent of a marketplace. In one or two English sentences,"
    " answer the customer's description politely, show you understand, and say the platform"
    " is on it. Give no steps, promises, amounts or deadlines, and invent no facts.",
}


def urllib_post(url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        data: bytes = answer.read(64 * 1024)
        return data


class OpenAICompatibleDrafter:
    """Drafts the opening sentence with ``POST {url}/chat/completions``."""

    def __init__(
        self,
        url: str,
        api_key: str | None,
        model: str,
        timeout: float = 3.0,
        post: Post = urllib_post,
    ) -> None:
        self._endpoint = url.rstrip("/") + "/chat/completions"
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._model = model
        self._timeout = timeout
        self._post = post

    def draft_lead(self, complaint: str, reply: Reply) -> str | None:
        """A friendlier first sentence for a one-language reply, or None to keep the base's."""
        if reply.language not in _INSTRUCTIONS:
            return None
        try:
            body = self._body(complaint, reply)
            answer = self._post(self._endpoint, self._headers, body, self._timeout)
            return _checked(_content(json.loads(answer)), reply.language)
        except Exception as exc:  # any failure keeps the knowledge base's sentence
            log.warning("reply drafter failed (%s); the knowledge base's lead is kept", exc)
            return None

    def _body(self, complaint: str, reply: Reply) -> bytes:
        messages = [
            {"role": "system", "content": _INSTRUCTIONS[reply.language]},
            {"role": "user", "content": complaint[:2000]},
        ]
        doc: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "temperature": 0.2,
            "max_tokens": 160,
        }
        return json.dumps(doc, ensure_ascii=False).encode()


def _content(doc: Any) -> str:
    return str(doc["choices"][0]["message"]["content"])


def _checked(text: str, language: str) -> str | None:
    text = " ".join(text.split())
    if not text or len(text) > _MAX_CHARS:
        return None
    if (language == "zh") != bool(_HAN.search(text)):
        return None  # the wrong language: the consumer would not read it
    return text
