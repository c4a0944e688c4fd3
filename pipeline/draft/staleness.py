"""Why a stored draft no longer matches what would produce it today (the one staleness judge).

A cited fact changed, was retired or passed its review date; the prompt, the brand voice, the page's definition or
the model settings changed.
Computed from the provenance every draft records (facts with content hashes, prompt hash, model, inputs)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.config import PROMPTS_DIR
from pipeline.corpus.relations import superseded_map
from pipeline.errors import PromptError, StudioError
from pipeline.identity import brand_hash, page_hash
from pipeline.llm.prompts import load_prompt
from pipeline.store.record import DraftRecord
from pipeline.types import Fact


@dataclass(frozen=True)
class Staleness:
    kind: str   # fact, prompt, model, brand, page, photo, social
    item: str   # the fact id, prompt name, model name or page id
    what: str   # what changed, in words

    def render(self) -> str:
        return f"[{self.item}] {self.what}" if self.kind == "fact" else f"{self.kind} {self.item}: {self.what}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "item": self.item, "what": self.what}


class StalenessJudge:
    """Compares drafts' recorded inputs with the current fact base, prompts, brand voice, catalogue and model."""

    def __init__(self, facts: dict[str, Fact], today: date, llm=None, brand: str | None = None,
                 specs: dict | None = None, prompts_dir: Path = PROMPTS_DIR, photos: dict | None = None,
                 social=None) -> None:
        self.facts = facts
        self.social = social      # the SocialKit now (networks, hashtags), or None to leave posts' shape out
        self.photos = photos      # photo id -> Photo of the library now, or None to leave photos out
        self.today = today
        self.llm = llm            # LLMSettings now configured, or None to leave the model out
        self.brand_hash = brand_hash(brand) if brand is not None else None
        self.specs = specs        # page id -> PageSpec, or None to leave the catalogue out
        self.prompts_dir = prompts_dir
        self._superseded = superseded_map(list(facts.values()))
        self._hashes = {i: f.content_hash for i, f in facts.items()}  # computed once, not per draft
        self._prompts: dict[str, str | None] = {}

    def reasons(self, rec: DraftRecord) -> list[Staleness]:
        """What changed since `rec` (a draft, or anything with its provenance fields) was made; empty if nothing."""
        out = [r for f in rec.facts for r in self._fact(f)]
        out += self._prompt(rec)
        inputs = (rec.params or {}).get("inputs") or {}
        if self.llm is not None:
            out += self._model(rec)
        if self.brand_hash is not None and inputs.get("brand") and inputs["brand"] != self.brand_hash:
            out.append(Staleness("brand", "corpus/brand.md", "the brand voice changed since the draft"))
        if self.photos is not None:
            out += self._photos(inputs.get("photos") or [])
        if self.specs is not None:
            spec = self.specs.get(rec.page_id)
            if spec is None:
                out.append(Staleness("page", rec.page_id, "no longer in the catalogue (corpus/pages.yaml)"))
            elif inputs.get("page") and inputs["page"] != page_hash(spec):
                out.append(Staleness("page", rec.page_id, "its definition in corpus/pages.yaml changed"))
            if spec is not None and self.social is not None and inputs.get("social"):
                out += self._social(spec, rec.lang, inputs["social"])
        return out

    def _social(self, spec, lang: str, recorded: str) -> list[Staleness]:
        try:
            now = self.social.inputs_hash(spec, lang)
        except StudioError as exc:  # a network or the hashtags it used are gone
            return [Staleness("social", spec.id, exc.message)]
        if now == recorded:
            return []
        return [Staleness("social", spec.id, "its networks (corpus/networks.yaml), hashtags (corpus/hashtags.yaml) "
                                             "or linked page changed since the draft")]

    def _fact(self, snap: dict) -> list[Staleness]:
        fid = snap["id"]
        cur = self.facts.get(fid)
        if cur is None:
            return [Staleness("fact", fid, "no longer exists in the fact base")]
        if cur.status == "retired":
            return [Staleness("fact", fid, "was retired")]
        out = []
        if fid in self._superseded:
            out.append(Staleness("fact", fid, "is superseded by " + ", ".join(self._superseded[fid])))
        if self._hashes[fid] != snap.get("content_hash"):
            out.append(Staleness("fact", fid, _what_changed(snap, cur)))
        if cur.is_stale(self.today):
            out.append(Staleness("fact", fid, f"is past its review date ({cur.review_by.isoformat()})"))
        return out

    def _photos(self, recorded: list) -> list[Staleness]:
        from pipeline.photos.model import rights
        out = []
        for pid, sheet in recorded:
            cur = self.photos.get(pid)
            if cur is None:
                out.append(Staleness("photo", pid, "is no longer in the photo library"))
            elif cur.sheet_hash != sheet:
                out.append(Staleness("photo", pid, "its file, metadata or reviews changed since the draft"))
            elif not rights(cur, self.today).usable:
                out.append(Staleness("photo", pid, f"its rights are {rights(cur, self.today).state}"))
        return out

    def _prompt(self, rec: DraftRecord) -> list[Staleness]:
        if rec.prompt_name not in self._prompts:
            try:
                self._prompts[rec.prompt_name] = load_prompt(rec.prompt_name, self.prompts_dir).content_hash
            except PromptError:
                self._prompts[rec.prompt_name] = None
        now = self._prompts[rec.prompt_name]
        if now is None:
            return [Staleness("prompt", rec.prompt_name, f"prompts/{rec.prompt_name}.yaml is gone or unreadable")]
        if now != rec.prompt_hash:
            return [Staleness("prompt", rec.prompt_name, f"prompts/{rec.prompt_name}.yaml changed since the draft")]
        return []

    def _model(self, rec: DraftRecord) -> list[Staleness]:
        then_t = (rec.params or {}).get("temperature")
        if (rec.backend, rec.model) != (self.llm.backend, self.llm.model):
            return [Staleness("model", rec.model, f"drafted with {rec.backend} {rec.model!r}, now configured: "
                                                  f"{self.llm.backend} {self.llm.model!r}")]
        if then_t is not None and float(then_t) != float(self.llm.temperature):
            return [Staleness("model", rec.model, f"temperature {then_t} then, {self.llm.temperature} now")]
        return []


def _what_changed(snap: dict, cur: Fact) -> str:
    """The difference between the fact a draft cited and the fact now, as precisely as the draft recorded it."""
    parts = []
    if "value" in snap and (snap.get("value"), snap.get("unit")) != (cur.value, cur.unit):
        parts.append(f"value {snap.get('value')} {snap.get('unit') or ''}".rstrip() + " → "
                     + f"{cur.value} {cur.unit or ''}".rstrip())
    if snap.get("year") is not None and snap["year"] != cur.year:
        parts.append(f"year {snap['year']} → {cur.year}")
    if "status" in snap and snap["status"] != cur.status:
        parts.append(f"status {snap['status']} → {cur.status}")
    if "review_by" in snap and snap["review_by"] != cur.review_by.isoformat():
        parts.append(f"review date {snap['review_by']} → {cur.review_by.isoformat()}")
    return "changed: " + "; ".join(parts) if parts else "changed (statement, source or verification)"
