"""The chat-model protocol every stage uses, its settings and retries; it imports no backend (see llm/factory.py)."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from pipeline.errors import ConfigError, LLMError

BACKENDS = ("embedded", "openai", "openai-compatible")


@dataclass(frozen=True)
class LLMSettings:
    backend: str = "embedded"
    model: str = "gemma-3-270m-q4_k_m"
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 2
    temperature: float = 0.0

    @property
    def prompt_budget(self) -> int:
        """Tokens the facts of a prompt may take: the small embedded context is the tight one."""
        return 1500 if self.backend == "embedded" else 6000

    @property
    def where(self) -> str:
        if self.backend == "embedded":
            return "in-process (llama-cpp)"
        return self.base_url or "https://api.openai.com/v1"

    def describe(self) -> str:
        return f"{self.backend} model {self.model!r} at {self.where}"


def llm_settings_from_env() -> LLMSettings:
    """STUDIO_LLM_BACKEND, STUDIO_LLM_MODEL, STUDIO_LLM_BASE_URL, OPENAI_API_KEY, STUDIO_LLM_TIMEOUT, STUDIO_LLM_RETRIES."""
    env = os.environ
    backend = env.get("STUDIO_LLM_BACKEND", "embedded")
    if backend not in BACKENDS:
        raise ConfigError(f"STUDIO_LLM_BACKEND={backend!r} is not a backend", fix="use one of: " + ", ".join(BACKENDS))
    model = env.get("STUDIO_LLM_MODEL") or {"embedded": "gemma-3-270m-q4_k_m", "openai": "gpt-4o-mini"}.get(backend)
    base_url = env.get("STUDIO_LLM_BASE_URL") or None
    key = env.get("OPENAI_API_KEY") or None
    if backend == "openai-compatible" and not base_url:
        raise ConfigError("the openai-compatible backend needs a server address",
                          fix="set STUDIO_LLM_BASE_URL, e.g. http://127.0.0.1:8080/v1")
    if backend == "openai-compatible" and not model:
        raise ConfigError("the openai-compatible backend needs a model name", fix="set STUDIO_LLM_MODEL")
    if backend == "openai" and not key:
        raise ConfigError("the openai backend needs an API key", fix="set OPENAI_API_KEY")
    try:
        timeout = float(env.get("STUDIO_LLM_TIMEOUT", "60"))
        retries = int(env.get("STUDIO_LLM_RETRIES", "2"))
    except ValueError:
        raise ConfigError("STUDIO_LLM_TIMEOUT / STUDIO_LLM_RETRIES must be numbers", fix="e.g. 60 and 2")
    return LLMSettings(backend, model, base_url, key, timeout, retries)


@dataclass(frozen=True)
class LLMResult:
    text: str
    backend: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float


class ChatModel(Protocol):
    """One prompt in, one completion out. `system` may be empty."""

    settings: LLMSettings

    def complete(self, system: str, user: str, max_tokens: int = 256, stop: list[str] | None = None) -> LLMResult: ...

    def ping(self) -> str: ...


def with_retries(call: Callable[[], LLMResult], settings: LLMSettings, retryable: Callable[[Exception], float | None],
                 describe: Callable[[Exception], tuple[str, str]], sleep: Callable[[float], None] = time.sleep) -> LLMResult:
    """Run `call`; on a retryable error wait (exponential backoff, or what the server asked) and try again."""
    attempt = 0
    while True:
        try:
            return call()
        except Exception as exc:  # backends raise their own types; `retryable` sorts them
            wait = retryable(exc)
            if wait is None or attempt >= settings.max_retries:
                what, fix = describe(exc)
                tries = f" after {attempt + 1} attempt(s)" if attempt else ""
                raise LLMError(f"{settings.describe()}: {what}{tries}", fix=fix) from exc
            sleep(min(wait * (2 ** attempt), 30.0))
            attempt += 1
