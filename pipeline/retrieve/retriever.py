"""Retrieval: dense (the index), lexical (BM25) or hybrid (reciprocal-rank fusion), with one filter."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from pipeline.config import Settings
from pipeline.corpus.relations import conflict_map, superseded_map
from pipeline.errors import QueryError
from pipeline.index.embedding import Embedder
from pipeline.index.protocol import FactIndex, IndexedFact
from pipeline.retrieve.lexical import BM25, detect_lang
from pipeline.types import Fact, FactFilter, RetrievedFact

MODES = ("hybrid", "dense", "lexical")
DEFAULT_MODE = "hybrid"
RRF_K = 60
# Weight of the lexical ranking in the fusion (dense counts 1.0). The corpus is French, so for an English
# question words rarely match and only names and numbers carry over: the lexical ranking counts less.
LEXICAL_WEIGHT = {"fr": 0.5, "en": 0.25}
MAX_QUERY_CHARS = 2000


@dataclass
class _Snapshot:
    """What is derived from one version of the index: facts, links and the lexical index."""

    facts: dict[str, Fact]
    conflicts: dict[str, tuple[str, ...]]
    superseded_by: dict[str, tuple[str, ...]]
    bm25: BM25
    comparison: int = 0  # facts naming a territory (the barometer's): a default search leaves them out


_cache: dict[tuple, _Snapshot] = {}
_cache_lock = threading.Lock()


def _snapshot(index: FactIndex) -> _Snapshot:
    key = (index.location, index.version, index.count())
    with _cache_lock:
        snap = _cache.get(key)
        if snap is None:
            items: list[IndexedFact] = index.all_facts()
            facts = [it.fact for it in items]
            snap = _Snapshot({f.id: f for f in facts}, conflict_map(facts), superseded_map(facts),
                             BM25([it.id for it in items], [it.document for it in items]),
                             sum(1 for f in facts if f.territory))
            _cache.clear()
            _cache[key] = snap
    return snap


def check_query(query: str) -> str:
    """The query, stripped; QueryError when it is empty or too long."""
    q = (query or "").strip()
    if not q:
        raise QueryError("the query is empty", fix="type a question or keywords, e.g. 'tonnage du port 2024'")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(q)} characters long (at most {MAX_QUERY_CHARS})",
                         fix="ask a shorter question; search for one thing at a time")
    return q


class Retriever:
    """Finds facts for a query in an open index."""

    def __init__(self, index: FactIndex, embedder: Embedder, today: date, mode: str = DEFAULT_MODE) -> None:
        if mode not in MODES:
            raise QueryError(f"unknown retrieval mode {mode!r}", fix="use one of: " + ", ".join(MODES))
        self.index = index
        self.embedder = embedder
        self.today = today
        self.mode = mode
        self.snap = _snapshot(index)

    @classmethod
    def for_settings(cls, index: FactIndex, embedder: Embedder, settings: Settings,
                     mode: str = DEFAULT_MODE) -> "Retriever":
        return cls(index, embedder, settings.today(), mode)

    def fact(self, fact_id: str) -> Fact | None:
        return self.snap.facts.get(fact_id)

    def _allowed(self, fid: str, flt: FactFilter) -> bool:
        f = self.snap.facts.get(fid)
        return f is not None and flt.matches(f, self.today, superseded=fid in self.snap.superseded_by)

    def search(self, query: str, k: int = 5, flt: FactFilter = FactFilter(), mode: str | None = None) -> list[RetrievedFact]:
        """The `k` best facts for `query` that pass `flt`, best first."""
        q = check_query(query)
        if k < 1:
            raise QueryError(f"k={k} must be at least 1", fix="ask for --k 1 or more")
        mode = mode or self.mode
        pool = max(k * 8, 40)
        # the comparison facts a default filter drops come on top, so they never crowd the others out of the pool
        wide = pool + (0 if flt.include_comparison else self.snap.comparison)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("dense", "hybrid"):
            raw = self.index.query(self.embedder.embed_query(q), wide, filiere=flt.filiere)
            dense = [(i, s) for i, s in raw if self._allowed(i, flt)][:pool]
        if mode in ("lexical", "hybrid"):
            raw = self.snap.bm25.search(q, pool * 4 + wide - pool)
            lexical = [(i, s) for i, s in raw if self._allowed(i, flt)][:pool]
        dense_score = dict(dense)
        lex_score = dict(lexical)
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        else:
            fused: dict[str, float] = {}
            for hits, weight in ((dense, 1.0), (lexical, LEXICAL_WEIGHT[detect_lang(q)])):
                for rank, (fid, _) in enumerate(hits):
                    fused[fid] = fused.get(fid, 0.0) + weight / (RRF_K + rank + 1)
            ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        out = []
        for fid, score in ranked[:k]:
            f = self.snap.facts[fid]
            out.append(RetrievedFact(f, score, dense_score.get(fid), lex_score.get(fid),
                                     self.snap.conflicts.get(fid, ()), self.snap.superseded_by.get(fid, ()),
                                     f.is_stale(self.today)))
        return out
