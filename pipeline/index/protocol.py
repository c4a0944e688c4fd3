"""What retrieval and ingest need of an index (the FactIndex protocol), so a fake or another backend can stand in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from pipeline.types import Fact


@dataclass(frozen=True)
class IndexedFact:
    """A fact as stored in the index, with the document embedded and the hashes ingest compares."""

    id: str
    document: str
    fact: Fact
    fact_hash: str
    embed_hash: str


class FactIndex(Protocol):
    """Facts with their vectors and content hashes; `version` changes whenever the content does."""

    @property
    def location(self) -> str:
        """Where the index lives (folder or server, and collection): with `version`, what readers cache by."""
        ...

    @property
    def embedder_name(self) -> str: ...

    @property
    def version(self) -> int: ...

    def count(self) -> int: ...

    def hashes(self) -> dict[str, tuple[str, str]]:
        """id -> (fact hash, embedding-text hash) of everything indexed."""
        ...

    def all_facts(self) -> list[IndexedFact]: ...

    def query(self, vector: Sequence[float], n: int, filiere: str | None = None) -> list[tuple[str, float]]:
        """Nearest facts as (id, cosine similarity), best first."""
        ...

    def upsert(self, facts: Sequence[Fact], documents: Sequence[str], embed_hashes: Sequence[str],
               vectors: Sequence[Sequence[float]] | None) -> None:
        """Write facts; without `vectors` only the metadata changes."""
        ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def bump_version(self) -> None: ...
