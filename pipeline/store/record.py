"""A draft as the store keeps it (DraftRecord): its text, what produced it, what it cost, where its review stands."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.identity import text_hash


@dataclass
class DraftRecord:
    page_id: str
    lang: str
    title: str
    text: str
    facts: list[dict]
    prompt_name: str
    prompt_hash: str
    backend: str
    model: str
    params: dict
    tokens_in: int
    tokens_out: int
    tokens_estimated: int
    cost_estimate: float
    timings: dict
    check_report: dict
    author: str = "studio"
    status: str = "draft"
    parent_id: int | None = None
    review_note: str | None = None
    inputs_key: str | None = None  # hash of everything that produced the draft (facts, prompt, model, page)
    id: int | None = None
    version: int | None = None
    created_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    def to_json(self, full: bool = True) -> dict:
        d = {"id": self.id, "page_id": self.page_id, "lang": self.lang, "version": self.version,
             "status": self.status, "title": self.title, "created_at": self.created_at.isoformat()
             if self.created_at else None, "text_hash": self.text_hash, "backend": self.backend, "model": self.model}
        if full:
            d.update(text=self.text, facts=self.facts, prompt_name=self.prompt_name, prompt_hash=self.prompt_hash,
                     params=self.params, tokens_in=self.tokens_in, tokens_out=self.tokens_out,
                     tokens_estimated=self.tokens_estimated, cost_estimate=self.cost_estimate,
                     timings=self.timings, check=self.check_report)
        return d



def record_from_row(row: Any) -> DraftRecord:
    """The DraftRecord of a drafts row (its stored text hash is dropped: the record computes it from the text)."""
    d = dict(row)
    d.pop("text_hash", None)
    return DraftRecord(**{k: v for k, v in d.items() if k in DraftRecord.__dataclass_fields__})
