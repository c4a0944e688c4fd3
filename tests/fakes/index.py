"""An in-memory FactIndex: what retrieval needs of an index, without Chroma (exact cosine over every vector)."""
from __future__ import annotations

import math
from typing import Sequence

from pipeline.index.protocol import IndexedFact
from pipeline.types import Fact


class FakeFactIndex:
    """Holds facts, documents, hashes and vectors in dictionaries; `version` bumps like Chroma's metadata."""

    def __init__(self, embedder_name: str = "", location: str = "memory") -> None:
        self._embedder_name = embedder_name
        self._location = location
        self._version = 0
        self._items: dict[str, IndexedFact] = {}
        self._vectors: dict[str, list[float]] = {}

    @property
    def location(self) -> str:
        return f"{self._location}@{id(self)}"

    @property
    def embedder_name(self) -> str:
        return self._embedder_name

    @property
    def version(self) -> int:
        return self._version

    def count(self) -> int:
        return len(self._items)

    def hashes(self) -> dict[str, tuple[str, str]]:
        return {i: (it.fact_hash, it.embed_hash) for i, it in self._items.items()}

    def all_facts(self) -> list[IndexedFact]:
        return list(self._items.values())

    def query(self, vector: Sequence[float], n: int, filiere: str | None = None) -> list[tuple[str, float]]:
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        scored = []
        for fid, v in self._vectors.items():
            if filiere and self._items[fid].fact.filiere != filiere:
                continue
            vn = math.sqrt(sum(x * x for x in v)) or 1.0
            scored.append((fid, sum(a * b for a, b in zip(vector, v)) / (norm * vn)))
        return sorted(scored, key=lambda kv: -kv[1])[:max(n, 0)]

    def upsert(self, facts: Sequence[Fact], documents: Sequence[str], embed_hashes: Sequence[str],
               vectors: Sequence[Sequence[float]] | None) -> None:
        for i, (f, h) in enumerate(zip(facts, embed_hashes)):
            doc = documents[i] if vectors is not None else self._items[f.id].document
            self._items[f.id] = IndexedFact(f.id, doc, f, f.record_hash, h)
            if vectors is not None:
                self._vectors[f.id] = list(vectors[i])

    def delete(self, ids: Sequence[str]) -> None:
        for i in ids:
            self._items.pop(i, None)
            self._vectors.pop(i, None)

    def bump_version(self) -> None:
        self._version += 1
