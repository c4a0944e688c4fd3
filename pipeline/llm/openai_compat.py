"""OpenAI and OpenAI-compatible servers (vLLM, Ollama, llama.cpp) through langchain's ChatOpenAI.
The only module that imports openai or langchain."""
from __future__ import annotations

import threading
import time

from pipeline.llm.base import LLMResult, LLMSettings, with_retries
from pipeline.llm.tokens import count_tokens


class OpenAIChatModel:
    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._clients: dict[tuple, object] = {}  # one client per (max_tokens, stop): connections are kept alive
        self._lock = threading.Lock()

    def _chat(self, max_tokens: int, stop: list[str] | None):
        key = (max_tokens, tuple(stop or ()))
        with self._lock:
            chat = self._clients.get(key)
            if chat is None:
                from langchain_openai import ChatOpenAI
                s = self.settings
                chat = ChatOpenAI(model=s.model, base_url=s.base_url, api_key=s.api_key or "not-needed",
                                  timeout=s.timeout, max_retries=0, temperature=s.temperature, max_tokens=max_tokens,
                                  stop=stop or None,
                                  # llama.cpp's server ignores max_completion_tokens, which ChatOpenAI sends
                                  extra_body={"max_tokens": max_tokens})
                self._clients[key] = chat
        return chat

    def complete(self, system: str, user: str, max_tokens: int = 256, stop: list[str] | None = None) -> LLMResult:
        from langchain_core.messages import HumanMessage, SystemMessage
        messages = ([SystemMessage(system)] if system else []) + [HumanMessage(user)]
        chat = self._chat(max_tokens, stop)

        def call() -> LLMResult:
            t0 = time.perf_counter()
            msg = chat.invoke(messages)
            text = msg.content if isinstance(msg.content, str) else str(msg.content)
            usage = getattr(msg, "usage_metadata", None) or {}
            return LLMResult(text, self.settings.backend, self.settings.model,
                             usage.get("input_tokens") or count_tokens(system + user, self.settings.model),
                             usage.get("output_tokens") or count_tokens(text, self.settings.model),
                             time.perf_counter() - t0)
        return with_retries(call, self.settings, _retryable, self._describe)

    def warm(self) -> None:
        """Load the client library before a batch starts (a second or two, once), so the run's first call does not
        pay for it."""
        self._chat(1, None)

    def ping(self) -> str:
        r = self.complete("", "Reply with the word: ok", max_tokens=4)
        return f"answered in {r.latency_s:.2f} s"

    def _describe(self, exc: Exception) -> tuple[str, str]:
        import openai
        where = self.settings.where
        if isinstance(exc, openai.APITimeoutError):
            return (f"no answer within {self.settings.timeout:.0f} s",
                    "check the server is not overloaded, or raise STUDIO_LLM_TIMEOUT")
        if isinstance(exc, openai.APIConnectionError):
            return (f"cannot connect to {where}", "start the server, or correct STUDIO_LLM_BASE_URL "
                    "(or unset STUDIO_LLM_BACKEND to use the embedded model)")
        if isinstance(exc, openai.AuthenticationError):
            return "the server refused the API key (HTTP 401)", "check OPENAI_API_KEY"
        if isinstance(exc, openai.RateLimitError):
            return "rate limited (HTTP 429)", "wait and retry, lower --concurrency, or raise the account's limits"
        if isinstance(exc, openai.NotFoundError):
            return (f"model {self.settings.model!r} not found (HTTP 404)",
                    "set STUDIO_LLM_MODEL to a model the server serves")
        if isinstance(exc, openai.APIStatusError):
            return f"server error HTTP {exc.status_code}: {str(exc)[:200]}", "look at the server's log"
        return f"{type(exc).__name__}: {str(exc)[:200]}", "look at the server's log"


def _retryable(exc: Exception) -> float | None:
    """Seconds to wait before the next try, or None when retrying cannot help."""
    import openai
    if isinstance(exc, openai.RateLimitError):
        after = exc.response.headers.get("retry-after") if exc.response is not None else None
        try:
            return max(float(after), 0.5) if after else 1.0
        except ValueError:
            return 1.0
    if isinstance(exc, (openai.APITimeoutError, openai.InternalServerError)):
        return 0.5
    if isinstance(exc, openai.APIConnectionError):
        return 0.25
    return None
