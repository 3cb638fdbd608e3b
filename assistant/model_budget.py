"""Token budgets: how many tokens a prompt may have in the configured context window, and how much ranked
evidence fits.

No tokenizer of the served model is at hand (it may be anything behind an OpenAI-compatible URL), so prompts are
measured with a cautious estimate: one token per Chinese character or full-width sign, one per three other
characters. The tokenizers of the Chinese models people serve (Qwen, DeepSeek, GLM, Yi) spend 0.6–0.9 tokens on a
Chinese character and about 0.3 on an ASCII one, so the estimate errs on the long side; when the server reports
``usage.prompt_tokens`` the client corrects its ratio (:class:`TokenMeter`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

MESSAGE_OVERHEAD = 8
"""Tokens a chat template adds around each message (role markers, separators)."""
SAFETY_MARGIN = 64
"""Tokens kept free besides the reply: the estimate is an estimate."""


def estimate_tokens(text: str) -> int:
    """A cautious token count of ``text`` (see the module docstring)."""
    wide = len(_WIDE.findall(text))
    return wide + (len(text) - wide + 2) // 3


class TokenMeter:
    """Estimates prompt tokens, learning the ratio of real to estimated tokens from the server's usage reports."""

    MIN_RATIO, MAX_RATIO = 0.4, 1.6

    def __init__(self) -> None:
        self._ratio = 1.0
        self._lock = threading.Lock()

    def count(self, messages: list[dict[str, str]]) -> int:
        raw = sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages)
        return int(raw * self._ratio) + 1

    def learn(self, messages: list[dict[str, str]], reported: int) -> None:
        """Move the ratio towards what the server counted (a running average, clamped)."""
        raw = sum(estimate_tokens(m["content"]) + MESSAGE_OVERHEAD for m in messages)
        if raw <= 0 or reported <= 0:
            return
        observed = min(max(reported / raw, self.MIN_RATIO), self.MAX_RATIO)
        with self._lock:
            self._ratio = 0.5 * self._ratio + 0.5 * observed

    @property
    def ratio(self) -> float:
        return self._ratio


def prompt_budget(context_window: int, max_tokens: int) -> int:
    """Tokens left for the prompt when the reply may take ``max_tokens``."""
    return max(context_window - max_tokens - SAFETY_MARGIN, 0)


def fit_items(render: Callable[[int], str], count: int, fits: Callable[[str], bool]) -> tuple[str, int]:
    """The prompt rendered with the most leading items (ranked best first) that still ``fits``.

    ``render(n)`` renders the prompt with the first ``n`` of ``count`` items. Returns ``(prompt, n)``; with
    ``n == 0`` the prompt may still not fit, which the client reports when it is sent.
    """
    if count <= 0 or fits(render(count)):
        return render(max(count, 0)), max(count, 0)
    low, high = 0, count - 1  # render(high + 1) does not fit
    while low < high:
        mid = (low + high + 1) // 2
        if fits(render(mid)):
            low = mid
        else:
            high = mid - 1
    return render(low), low
