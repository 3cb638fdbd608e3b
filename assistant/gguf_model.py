"""A local GGUF model run in-process with ``cyllama`` (optional; never downloads anything).

Two things a bare completion call gets wrong, done right here:

- the prompt is wrapped in the model's own chat template (read from the GGUF metadata and rendered with Jinja the
  way Hugging Face does, or by llama.cpp's built-in templates when that fails), so an instruct model sees a chat
  turn rather than text to continue;
- streamed text is decoded from the generated tokens as a whole and handed on only up to the last complete
  character: a Chinese character split over two tokens arrives whole, never as “��”.

The finish reason is ``length`` when generation stopped at ``max_tokens`` and ``stop`` at an end-of-turn token.
One model in memory serves one request at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, ModelReplyError, ModelUnavailable
from assistant.settings import Settings

from .model_transport import ModelRequest, ReplyPiece

_REPLACEMENT = "\ufffd"


class GGUFTransport:
    """Generation with a GGUF file through cyllama's llama.cpp bindings."""

    def __init__(self, path: Path, context_window: int, temperature: float):
        from cyllama.llama import llama_cpp as cpp

        self._cpp = cpp
        self.path = path
        self.name = f"{path.name}（本地 GGUF）"
        self.context_window = context_window
        self.temperature = temperature
        cpp.disable_logging()  # llama.cpp prints hundreds of loading lines to stderr otherwise
        params = cpp.LlamaModelParams()
        self.model = cpp.LlamaModel(str(path), params)
        self.vocab = self.model.get_vocab()
        self._template = self.model.get_default_chat_template() or ""
        self._architecture = _metadata(self.model, "general.architecture")
        self._lock = threading.Lock()
        self._ctx: Any = None

    @classmethod
    def load(cls, settings: Settings) -> GGUFTransport:
        path = settings.gguf_path
        if path is None or not path.is_file():
            raise ConfigError(
                f"找不到本地模型文件 PE_ASSISTANT_GGUF_PATH={path}；请指向一个已下载的 .gguf 文件。"
            )
        try:
            import cyllama.llama.llama_cpp  # noqa: F401
        except ImportError as exc:
            raise ConfigError(
                "已设置本地 GGUF 模型，但未安装 cyllama。请运行：.venv/bin/pip install cyllama"
                "（预编译版本，无需编译），或取消 PE_ASSISTANT_GGUF_PATH 以使用离线起草。"
            ) from exc
        try:
            return cls(path, settings.llm_context_window, settings.llm_temperature)
        except Exception as exc:  # llama.cpp refuses a file that is not a model it knows
            raise ConfigError(
                f"无法加载本地模型文件 {path.name}（{type(exc).__name__}）：请确认它是完整的 GGUF 文件。"
            ) from exc

    # ---------------------------------------------------------------- prompt

    def chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """``messages`` in the model's chat template, ending where the assistant's turn begins."""
        if self._template:
            try:
                return render_chat_template(
                    self._template, messages, self._token_text("bos"), self._token_text("eos")
                )
            except Exception:  # a template Jinja cannot run: llama.cpp's built-in version of it
                chat = [self._cpp.LlamaChatMessage(role=m["role"], content=m["content"]) for m in messages]
                return self.model.chat_apply_template(self._template, chat, True)
        builtin = builtin_template(self._architecture)
        if builtin:  # no template in the file: llama.cpp's built-in one for the model's family
            chat = [self._cpp.LlamaChatMessage(role=m["role"], content=m["content"]) for m in messages]
            return self.model.chat_apply_template(builtin, chat, True)
        # Otherwise the ChatML layout most instruct models of this size were trained on.
        turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return turns + "<|im_start|>assistant\n"

    def _token_text(self, which: str) -> str:
        token = self.vocab.token_bos() if which == "bos" else self.vocab.token_eos()
        try:
            return self.vocab.token_to_piece(token, special=True) if token >= 0 else ""
        except Exception:
            return ""

    # ---------------------------------------------------------------- generation

    def stream(self, request: ModelRequest, cancel: threading.Event) -> Iterator[ReplyPiece]:
        if not self._lock.acquire(timeout=request.read_timeout):
            raise ModelUnavailable("本地模型正忙")
        try:
            yield from self._generate(request, cancel)
        finally:
            self._lock.release()

    def _generate(self, request: ModelRequest, cancel: threading.Event) -> Iterator[ReplyPiece]:
        cpp = self._cpp
        prompt = self.chat_prompt(request.messages)
        tokens = self.vocab.tokenize(prompt, add_special=False, parse_special=True)
        if len(tokens) + request.max_tokens > self.context_window:
            raise ModelReplyError(
                "提示词超出本地模型的上下文长度",
                f"{len(tokens)} 个词元加上回答上限 {request.max_tokens}，超过 {self.context_window}",
            )
        ctx = self._context()
        sampler = self._sampler()
        batch_size = 512
        for start in range(0, len(tokens), batch_size):
            if cancel.is_set():
                return
            ctx.decode(cpp.llama_batch_get_one(tokens[start : start + batch_size], start))
        decoder = Utf8Stream(self.vocab)
        position = len(tokens)
        finish = "length"
        for _ in range(request.max_tokens):
            if cancel.is_set():
                return
            token = sampler.sample(ctx, -1)
            if self.vocab.is_eog(token):
                finish = "stop"
                break
            text = decoder.push(token)
            if text:
                yield ReplyPiece(text=text)
            ctx.decode(cpp.llama_batch_get_one([token], position))
            position += 1
        rest = decoder.flush()
        if rest:
            yield ReplyPiece(text=rest)
        yield ReplyPiece(finish_reason=finish, prompt_tokens=len(tokens), completion_tokens=decoder.count)

    def _context(self) -> Any:
        cpp = self._cpp
        if self._ctx is None:
            params = cpp.LlamaContextParams()
            params.n_ctx = self.context_window
            params.n_batch = 512
            self._ctx = cpp.LlamaContext(self.model, params)
        else:
            self._ctx.kv_cache_clear()
        return self._ctx

    def _sampler(self) -> Any:
        cpp = self._cpp
        params = cpp.LlamaSamplerChainParams()
        sampler = cpp.LlamaSampler(params)
        if self.temperature <= 0:
            sampler.add_greedy()
            return sampler
        sampler.add_penalties(64, 1.1, 0.0, 0.0)
        sampler.add_top_k(40)
        sampler.add_top_p(0.9, 1)
        sampler.add_temp(self.temperature)
        sampler.add_dist(1234)
        return sampler


class Utf8Stream:
    """Text of a growing token sequence, handed on only up to the last complete character.

    A token may end in the middle of a multi-byte character; decoding tokens one by one turns such characters into
    “��”. Here the sequence is detokenized as a whole and a trailing replacement character is held back until the
    next token completes it.
    """

    def __init__(self, vocab: Any):
        self.vocab = vocab
        self.tokens: list[int] = []
        self.sent = 0

    @property
    def count(self) -> int:
        return len(self.tokens)

    def push(self, token: int) -> str:
        self.tokens.append(token)
        text = self._text()
        end = len(text)
        while end > self.sent and text[end - 1] == _REPLACEMENT:
            end -= 1
        piece = text[self.sent : end]
        self.sent = end
        return piece

    def flush(self) -> str:
        text = self._text()
        piece = text[self.sent :].replace(_REPLACEMENT, "")
        self.sent = len(text)
        return piece

    def _text(self) -> str:
        return self.vocab.detokenize(self.tokens, remove_special=False, unparse_special=False)


BUILTIN_TEMPLATES = {"gemma": "gemma", "phi3": "phi3"}
"""Model families (``general.architecture`` prefix) whose turns are not ChatML, by llama.cpp's name for their
built-in template: a GGUF converted without ``tokenizer.chat_template`` still gets its own turn markers (a Gemma 3
file answered ChatML prompts with endless ``<|im_end|>``)."""


def builtin_template(architecture: str) -> str:
    """llama.cpp's built-in template for a model family, or "" for ChatML."""
    return next((name for prefix, name in BUILTIN_TEMPLATES.items() if architecture.startswith(prefix)), "")


def _metadata(model: Any, key: str) -> str:
    try:
        return str(model.meta_val_str(key) or "")
    except Exception:  # a binding without the lookup, or the key is absent
        return ""


def render_chat_template(template: str, messages: list[dict[str, str]], bos: str, eos: str) -> str:
    """A Hugging Face chat template rendered as ``transformers`` does (sandboxed Jinja, ``raise_exception``)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> str:
        raise jinja2.TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(
        messages=messages, add_generation_prompt=True, bos_token=bos, eos_token=eos
    )
