"""The one place that turns LLM settings into a backend: embedded (llama-cpp) or OpenAI-compatible (langchain)."""
from __future__ import annotations

from pipeline.llm.base import ChatModel, LLMSettings


def make_chat_model(settings: LLMSettings) -> ChatModel:
    """The configured backend (nothing is loaded or contacted until the first call)."""
    if settings.backend == "embedded":
        from pipeline.llm.embedded import EmbeddedChatModel
        return EmbeddedChatModel(settings)
    from pipeline.llm.openai_compat import OpenAIChatModel
    return OpenAIChatModel(settings)
