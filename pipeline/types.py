"""Plain value types passed between the stages (corpus -> index -> retrieve -> ...)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

STATUSES = ("verified", "draft", "retired")
WORDING_STATUSES = ("seed", "draft", "confirmed")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    # the entity itself or the official statistics body (True), press, encyclopedias, aggregators (False);
    # None: not said
    primary: bool | None = None


@dataclass(frozen=True)
class Fact:
    """One verified (or draft, or retired) statement with its provenance."""

    id: str
    filiere: str
    statement_fr: str
    source: Source
    year: int
    verified_on: date
    verified_by: str
    review_by: date
    status: str = "verified"
    statement_en: str = ""
    value: str = ""
    unit: str = ""
    year_note: str = ""
    conflict_with: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    notes: str = ""
    # publication wording: a plain sentence for the public, per language ("" when not written yet)
    wording_fr: str = ""
    wording_en: str = ""
    wording_status: str = ""   # seed | draft | confirmed ("" when there is no wording)
    preferred: bool = False    # staff chose this fact to lead its conflict group
    # the barometer (issue 14): territory "" is the home (corpus/territories.yaml; a fact naming a territory, even the
    # home's, is a comparison fact); indicator: an id of corpus/indicators.yaml; perimeter: see corpus/indicators.py
    territory: str = ""
    indicator: str = ""
    perimeter: str = ""
    # a result the barometer computed (a rank, a change): the facts it was computed from, each with the content hash it
    # had then (corpus/derived.py marks the result due for review when one of them changes or goes stale)
    derived_from: tuple[tuple[str, str], ...] = ()
    # where the fact lives, for messages; not part of its content
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def is_stale(self, today: date) -> bool:
        """A fact is stale once its review date has passed."""
        return self.review_by < today

    def statement(self, lang: str = "fr") -> str:
        """The verified statement in `lang`, falling back to French (what the fact says, for staff and checks)."""
        if lang == "en" and self.statement_en:
            return self.statement_en
        return self.statement_fr

    def wording(self, lang: str) -> str:
        """The publication wording in `lang`, or "" when there is none (never the other language's)."""
        return {"fr": self.wording_fr, "en": self.wording_en}.get(lang, "")

    def to_dict(self) -> dict[str, Any]:
        """Serialisable content of the fact (without its file location). The optional fields added later (wordings,
        preferred, source.primary) are left out while unset, so a fact that does not use them keeps its content
        hash (and the drafts citing it do not turn stale for nothing)."""
        d = asdict(self)
        d.pop("file"), d.pop("line")
        d["verified_on"] = self.verified_on.isoformat()
        d["review_by"] = self.review_by.isoformat()
        d["conflict_with"] = list(self.conflict_with)
        d["supersedes"] = list(self.supersedes)
        d["derived_from"] = [list(x) for x in self.derived_from]
        for key, unset in _LATER_FIELDS.items():
            if d[key] == unset or (key == "derived_from" and not d[key]):
                d.pop(key)
        if d["source"]["primary"] is None:
            d["source"].pop("primary")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fact":
        """Inverse of `to_dict`."""
        d = dict(d)
        d["source"] = Source(**d["source"])
        d["verified_on"] = date.fromisoformat(d["verified_on"])
        d["review_by"] = date.fromisoformat(d["review_by"])
        d["conflict_with"] = tuple(d.get("conflict_with") or ())
        d["supersedes"] = tuple(d.get("supersedes") or ())
        d["derived_from"] = tuple(tuple(x) for x in d.get("derived_from") or ())
        return cls(**d)

    @property
    def content_hash(self) -> str:
        """Hash of everything a reader of the fact could see; drafts record it. The barometer's classification
        (indicator, perimeter) is left out: tagging a fact for the barometer does not make its drafts stale."""
        d = self.to_dict()
        for key in _CLASSIFICATION:
            d.pop(key, None)
        return _hash(d)

    @property
    def record_hash(self) -> str:
        """Hash of the whole fact as stored (its classification too): the index is up to date when it matches.
        Equal to content_hash for a fact without classification."""
        return _hash(self.to_dict())


_CLASSIFICATION = ("indicator", "perimeter")


def _hash(d: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


_LATER_FIELDS = {"wording_fr": "", "wording_en": "", "wording_status": "", "preferred": False, "territory": "",
                 "indicator": "", "perimeter": "", "derived_from": ()}


@dataclass(frozen=True)
class ValidationIssue:
    level: str  # "error" or "warning"
    file: str
    line: int
    fact_id: str
    message: str
    fix: str

    def render(self) -> str:
        """One human line: where, what, and the fix."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" [{self.fact_id}]" if self.fact_id else ""
        return f"{self.level.upper()} {where}{who}: {self.message} — fix: {self.fix}"


@dataclass(frozen=True)
class FactFilter:
    """The one definition of which facts a query may return, shared by every entry point."""

    filiere: str | None = None
    include_retired: bool = False
    include_stale: bool = True
    include_draft: bool = True
    # comparison facts (a `territory:` named: the peers', and the home's figures gathered beside them for the
    # barometer) only when asked: a Lyon figure never reaches a Marseille page or answer by default
    include_comparison: bool = False

    def matches(self, fact: Fact, today: date, superseded: bool = False) -> bool:
        """True when `fact` passes this filter on `today`."""
        if self.filiere and fact.filiere != self.filiere:
            return False
        if fact.territory and not self.include_comparison:
            return False
        if (fact.status == "retired" or superseded) and not self.include_retired:
            return False
        if fact.status == "draft" and not self.include_draft:
            return False
        if not self.include_stale and fact.is_stale(today):
            return False
        return True


@dataclass(frozen=True)
class RetrievedFact:
    fact: Fact
    score: float
    dense_score: float | None
    lexical_score: float | None
    conflicts: tuple[str, ...]
    superseded_by: tuple[str, ...]
    stale: bool

    def to_json(self, lang: str = "fr") -> dict[str, Any]:
        """The JSON shape printed by `retrieve --json`."""
        f = self.fact
        return {
            "id": f.id,
            "statement": f.statement(lang),
            "statement_lang": "en" if lang == "en" and f.statement_en else "fr",
            "filiere": f.filiere,
            "value": f.value,
            "unit": f.unit,
            "year": f.year,
            "source_title": f.source.title,
            "source_url": f.source.url,
            "status": f.status,
            "stale": self.stale,
            "review_by": f.review_by.isoformat(),
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
            "lexical_score": None if self.lexical_score is None else round(self.lexical_score, 4),
            "conflicts": list(self.conflicts),
            "superseded_by": list(self.superseded_by),
        }


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    reembedded: int = 0
    warnings: list[ValidationIssue] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def summary(self) -> str:
        """What ingest did, in one line."""
        if not self.changed:
            return f"Index up to date: nothing changed ({self.unchanged} facts unchanged)."
        return (
            f"Indexed: {len(self.added)} added, {len(self.updated)} updated "
            f"({self.reembedded} re-embedded), {len(self.deleted)} deleted, {self.unchanged} unchanged."
        )
