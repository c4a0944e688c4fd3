"""What the claim checker says of a text: a verdict per sentence, per figure, and the report of them all."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pipeline.verify.figures import Figure

STATUSES = ("supported", "connective", "contradicted", "unsupported", "dangling_citation", "unknown_entity",
            "uncited", "wrong_language", "prompt_echo", "unverified_link", "stutter")
OK_STATUSES = ("supported", "connective")  # backed by the cited facts, or a short link between sentences
SEMANTIC_THRESHOLD = 0.80


class SentenceEmbedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...
    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...


@dataclass
class FigureCheck:
    figure: Figure
    backed_by: list[str] = field(default_factory=list)
    contradicted_by: list[tuple[str, str]] = field(default_factory=list)  # (fact id, what the fact says)

    def to_json(self) -> dict:
        d = self.figure.to_json()
        d["backed_by"] = self.backed_by
        d["contradicted_by"] = [{"id": i, "fact_says": s} for i, s in self.contradicted_by]
        return d


@dataclass
class SentenceVerdict:
    text: str
    start: int
    end: int
    status: str
    figure_status: str              # supported | contradicted | unsupported | none (no figure)
    reason: str
    cited: list[str]
    fact_ids: list[str]             # the facts that back the sentence (cited or found)
    figures: list[FigureCheck]
    names: list[str]
    entity_ok: bool | None          # do the backing facts mention the entities the sentence names?
    similarity: float | None = None  # embedding similarity to the best backing fact, when computed
    notes: list[str] = field(default_factory=list)
    judge: bool | None = None       # a language model's opinion (check --judge), when asked
    entity_problem: str | None = None  # a name or perimeter the backing facts do not hold

    @property
    def ok(self) -> bool:
        """Publishable as it is: backed by what it cites, or a short connective."""
        return self.status in OK_STATUSES

    @property
    def semantic_ok(self) -> bool:
        if self.entity_ok is False or self.judge is False:
            return False
        return self.similarity is None or self.similarity >= SEMANTIC_THRESHOLD

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "status": self.status,
                "figure_status": self.figure_status, "reason": self.reason, "cited": self.cited,
                "fact_ids": self.fact_ids, "figures": [f.to_json() for f in self.figures],
                "names": self.names, "semantic": {"entity_ok": self.entity_ok, "similarity": self.similarity,
                                                  "judge": self.judge, "supported": self.semantic_ok},
                "notes": self.notes}


@dataclass
class CheckReport:
    sentences: list[SentenceVerdict]
    lang: str
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sentences)

    def counts(self) -> dict[str, int]:
        return {st: sum(s.status == st for s in self.sentences) for st in STATUSES}

    def to_json(self) -> dict:
        return {"ok": self.ok, "lang": self.lang, "counts": self.counts(), "notes": self.notes,
                "sentences": [s.to_json() for s in self.sentences]}
