"""The chat-model protocol, its factory, the embedded and OpenAI adapters, prompts, tokens, prices."""
