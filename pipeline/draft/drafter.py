"""Drafting, grounded by construction: plan (select facts), write (cite them), check, repair, flag what remains."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

from pipeline.corpus.catalogue import PageSpec, Section
from pipeline.errors import DraftError
from pipeline.identity import draft_inputs, inputs_key
from pipeline.llm.pricing import cost
from pipeline.llm.prompts import Prompt, load_prompt
from pipeline.llm.tokens import count_tokens
from pipeline.retrieve.retriever import Retriever
from pipeline.store.record import DraftRecord
from pipeline.types import FactFilter, RetrievedFact
from pipeline.verify.checker import CITATION, ClaimChecker, cited_ids

LANG_NAME = {"fr": "French", "en": "English"}
AUDIENCE = {"fr": {"investors": "des investisseurs", "talents": "des talents (candidats)", "general": "le grand public"},
            "en": {"investors": "investors", "talents": "talents (job seekers)", "general": "the general public"}}


@dataclass
class PlannedSection:
    section: Section
    facts: list[RetrievedFact]
    system: str
    user: str
    max_tokens: int


@dataclass
class Plan:
    spec: PageSpec
    lang: str
    prompt: Prompt
    sections: list[PlannedSection]
    notes: list[str] = field(default_factory=list)

    @property
    def fact_ids(self) -> set[str]:
        return {h.fact.id for s in self.sections for h in s.facts}

    def inputs(self, settings, brand: str) -> dict:
        """Everything that produces the draft: the page's definition, the facts given (with their content hashes),
        the prompt, the brand voice and the model settings. Same inputs, same draft: regeneration skips it."""
        return draft_inputs(self.spec, self.lang, [h.fact for s in self.sections for h in s.facts],
                            self.prompt.content_hash, brand, settings)

    def inputs_key(self, settings, brand: str) -> str:
        return inputs_key(self.inputs(settings, brand))

    def estimate(self, model_name: str) -> tuple[int, int]:
        """(input tokens, output tokens) expected, counted with tiktoken before any call."""
        tin = sum(count_tokens(s.system + "\n\n" + s.user, model_name) for s in self.sections)
        return tin, sum(s.max_tokens for s in self.sections)


class Drafter:
    """Drafts catalogue items from an open retriever with a chat model; stores nothing itself."""

    def __init__(self, retriever: Retriever, checker: ClaimChecker, model, brand: str, log=None,
                 repair_retries: int | None = None) -> None:
        self.retriever = retriever
        self.checker = checker
        self.model = model
        self.brand = brand
        self.log = log
        # asking the 270M model again rarely helps and costs seconds: it goes straight to the fallback
        self.repair_retries = repair_retries if repair_retries is not None else (
            0 if model.settings.backend == "embedded" else 1)
        self._hits: dict[str, list[RetrievedFact]] = {}  # the index does not change while a drafter is open
        self._prompts: dict[str, Prompt] = {}

    # ------------------------------------------------------------------ plan
    def plan(self, spec: PageSpec, lang: str) -> Plan:
        """Select the facts of every section: verified, current, in the spec's filières, one per conflict group."""
        if spec.prompt not in self._prompts:  # read once per drafter, not once per item
            self._prompts[spec.prompt] = load_prompt(spec.prompt)
        prompt = self._prompts[spec.prompt]
        flt = FactFilter(include_retired=False, include_stale=False, include_draft=False)
        used: set[str] = set()
        planned = []
        notes = []
        for sec in spec.sections:
            hits = [h for h in self._search(sec.query, flt) if h.fact.filiere in spec.filieres]
            chosen: list[RetrievedFact] = []
            for h in hits:
                if len(chosen) >= sec.facts:
                    break
                group = {h.fact.id, *h.conflicts}
                if group & (used | {c.fact.id for c in chosen}):
                    continue
                candidates = [x for x in hits if x.fact.id in group]
                chosen.append(max(candidates, key=lambda x: (x.fact.year, x.score)))  # most recent figure leads
            if not chosen:
                notes.append(f"section {sec.title(lang)!r}: no verified, current fact found for {sec.query!r}")
                continue
            used |= {c.fact.id for c in chosen}
            facts_text = "\n".join(f"[{c.fact.id}] ({c.fact.year}) {c.fact.statement(lang)}" for c in chosen)
            system, user = prompt.render(brand=self.brand, language=LANG_NAME[lang],
                                         audience=AUDIENCE[lang].get(spec.audience, spec.audience),
                                         title=spec.title(lang), section=sec.title(lang), facts=facts_text,
                                         length=str(sec_length(spec)))
            planned.append(PlannedSection(sec, chosen, system, user, min(prompt.max_tokens, sec_length(spec) * 3)))
        if not planned:
            raise DraftError(f"page {spec.id!r}: no verified, current fact in filière(s) {', '.join(spec.filieres)} "
                             "for any of its sections",
                             fix="add or re-verify facts of that filière (python -m pipeline validate lists stale "
                                 "ones), or change the sections' queries in corpus/pages.yaml")
        return Plan(spec, lang, prompt, planned, notes)

    def _search(self, query: str, flt: FactFilter) -> list[RetrievedFact]:
        """Retrieval for a section query, once per drafter: the French and English texts of an item (and items
        sharing a query) plan from the same hits without embedding the query again."""
        if query not in self._hits:
            self._hits[query] = self.retriever.search(query, k=30, flt=flt)
        return self._hits[query]

    # ------------------------------------------------------------------ write, check, repair
    def draft(self, spec: PageSpec, lang: str, progress: Callable[[int, int, str], None] | None = None,
              plan: Plan | None = None) -> DraftRecord:
        """Write, check and repair one item; `plan` when it was made beforehand (a batch plans everything first,
        so the index is not held while the model writes)."""
        t0 = time.perf_counter()
        plan = plan or self.plan(spec, lang)
        t_plan = time.perf_counter() - t0
        est_in, est_out = plan.estimate(self.model.settings.model)
        tokens_in = tokens_out = tk_in = tk_out = 0
        gen_s = 0.0
        social = spec.kind == "social"  # a post is one paragraph: no title or section headings
        parts = [] if social else [self._heading("#", spec.title(lang), lang, plan.fact_ids)]
        repairs: list[str] = []
        for n, ps in enumerate(plan.sections, 1):
            if progress:
                progress(n - 1, len(plan.sections), ps.section.title(lang))
            t1 = time.perf_counter()
            raw, r = self._call(ps.system, ps.user, ps.max_tokens, spec, lang)
            gen_s += time.perf_counter() - t1
            if r is not None:
                tokens_in, tokens_out = tokens_in + r.prompt_tokens, tokens_out + r.completion_tokens
                tk_in += count_tokens(ps.system + "\n\n" + ps.user, self.model.settings.model)
                tk_out += count_tokens(r.text, self.model.settings.model)
            body, fixed = self._repair(raw, ps, lang, spec)
            repairs.extend(f"{ps.section.title(lang)}: {x}" for x in fixed)
            parts.append(body if social else
                         f"{self._heading('##', ps.section.title(lang), lang, plan.fact_ids)}\n\n{body}")
        if progress:
            progress(len(plan.sections), len(plan.sections), "check")
        text = "\n\n".join(parts) + "\n"
        t2 = time.perf_counter()
        report = self.checker.check(text, lang)
        check_s = time.perf_counter() - t2
        cited = sorted({i for s in report.sentences for i in s.cited})
        facts = [fact_snapshot(self.retriever.fact(i)) for i in cited if self.retriever.fact(i)]
        s = self.model.settings
        inputs = plan.inputs(s, self.brand)
        check = report.to_json()
        check["repairs"] = repairs
        check["notes"] = plan.notes + check.get("notes", [])
        check["flagged"] = [v.text for v in report.sentences if v.status != "supported"]
        return DraftRecord(
            page_id=spec.id, lang=lang, title=spec.title(lang), text=text, facts=facts, prompt_name=spec.prompt,
            prompt_hash=plan.prompt.content_hash, backend=s.backend, model=s.model,
            params={"temperature": s.temperature, "max_tokens": [p.max_tokens for p in plan.sections],
                    "base_url": s.base_url, "repair_retries": self.repair_retries, "inputs": inputs},
            inputs_key=plan.inputs_key(s, self.brand),
            tokens_in=tokens_in, tokens_out=tokens_out, tokens_estimated=est_in + est_out,
            cost_estimate=cost(s.backend, s.model, est_in, est_out),
            timings={"plan_s": round(t_plan, 3), "generate_s": round(gen_s, 3), "check_s": round(check_s, 3),
                     "total_s": round(time.perf_counter() - t0, 3), "estimate_in": est_in, "estimate_out": est_out,
                     "tiktoken_in": tk_in, "tiktoken_out": tk_out},
            check_report=check)

    def _heading(self, marks: str, title: str, lang: str, allowed: set[str]) -> str:
        """A heading from the catalogue; a figure in it ("JO 2024") is cited like any other, or left to be flagged."""
        v = self.checker.check_sentence(title, lang)
        backing = [i for i in v.fact_ids if i in allowed]
        if v.figures and v.figure_status == "supported" and not v.cited and backing:
            return f"{marks} {title} [{backing[0]}]"
        return f"{marks} {title}"

    def _call(self, system: str, user: str, max_tokens: int, spec: PageSpec, lang: str):
        from pipeline.errors import LLMError
        try:
            r = self.model.complete(system, user, max_tokens=max_tokens, stop=["\n\nFacts", "\nFacts:", "###",
                                                                                 "\n\n\n", "\n#"])
        except LLMError as exc:
            if self.log:
                self.log.record("draft", self.model.settings, system, user, None, error=str(exc),
                                meta={"page_id": spec.id, "lang": lang})
            raise
        if self.log:
            self.log.record("draft", self.model.settings, system, user, r, meta={"page_id": spec.id, "lang": lang})
        return r.text, r

    def _repair(self, raw: str, ps: PlannedSection, lang: str, spec: PageSpec) -> tuple[str, list[str]]:
        """Keep the sentences the checker backs with planned facts; cite what is backed but uncited; replace the
        rest by the facts' own statements. Returns the section text and what was repaired."""
        allowed = {h.fact.id for h in ps.facts}
        text = _clean_output(raw)
        attempts = 0
        repairs: list[str] = []
        kept: list[str] = []
        while True:
            good, failed = self._sort(text, lang, allowed)
            kept += [g for g in good if g not in kept]  # what passed in an earlier attempt stays
            repairs += [f"dropped: {t} ({why})" for t, why in failed]
            if not failed or attempts >= self.repair_retries:
                break
            attempts += 1  # ask again, naming what failed
            note = "\n".join(f"- {t} ({why})" for t, why in failed)
            retry_user = ps.user + f"\nThese sentences were wrong; rewrite without them:\n{note}\nText:"
            text = _clean_output(self._call(ps.system, retry_user, ps.max_tokens, spec, lang)[0])
            if attempts:
                repairs.append("asked the model again")
        covered = {i for s in kept for i in cited_ids(s)}
        missing = [h for h in ps.facts if h.fact.id not in covered]
        if not kept or len(covered) < min(2, len(ps.facts)):
            for h in missing[: max(1, len(ps.facts) - len(covered))]:
                kept.append(_statement(h, lang))
                repairs.append(f"used the verified statement of [{h.fact.id}]")
        return " ".join(kept), repairs

    def _sort(self, text: str, lang: str, allowed: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
        kept, failed = [], []
        seen: list[set[str]] = []
        for v in self.checker.check(text, lang).sentences:
            s = text[v.start:v.end].strip().strip('"“”«» ')
            words = set(re.findall(r"\w+", CITATION.sub("", s).lower()))
            if words and any(len(words & w) >= 0.8 * min(len(words), len(w)) for w in seen):
                continue  # the small model repeats itself: keep a sentence once
            seen.append(words)
            if v.cited and not set(v.cited) <= allowed:
                failed.append((s, "cites a fact that was not given"))
            elif v.figure_status in ("contradicted", "unsupported"):
                failed.append((s, v.reason))
            elif not v.cited and v.figures:
                backing = [i for i in v.fact_ids if i in allowed]
                if backing and v.figure_status == "supported":
                    kept.append(_add_citation(s, backing))
                else:
                    failed.append((s, "figure without a citation"))
            elif v.status == "uncited" or (v.cited and v.entity_ok is False):
                failed.append((s, v.reason or "names something its facts do not"))
            elif len(s) > 3 and not _looks_like_echo(s):
                kept.append(s)
        return kept, failed


def fact_snapshot(fact) -> dict:
    """What a draft records of a cited fact, so a later change can be told precisely (value, status, review date)."""
    return {"id": fact.id, "content_hash": fact.content_hash, "year": fact.year, "value": fact.value,
            "unit": fact.unit, "status": fact.status, "review_by": fact.review_by.isoformat()}


def sec_length(spec: PageSpec) -> int:
    return max(20, spec.length // max(1, len(spec.sections)))


def _statement(h: RetrievedFact, lang: str) -> str:
    st = h.fact.statement(lang).rstrip(".")
    if lang == "en" and not h.fact.statement_en:
        return f"Key fact (in French): « {st} » [{h.fact.id}]."
    return f"{st} [{h.fact.id}]."


def _add_citation(sentence: str, ids: list[str]) -> str:
    cite = " ".join(f"[{i}]" for i in ids[:2])
    m = re.search(r"([.!?…])\s*$", sentence)
    return (sentence[:m.start()] + f" {cite}" + m.group(1)) if m else f"{sentence} {cite}"


def _looks_like_echo(s: str) -> bool:
    return bool(re.match(r"^(Facts|Text|Write|Brand voice|Use ONLY|Faits|Texte)\b", s.strip()))


def _clean_output(raw: str) -> str:
    """The model's text without prompt echoes, headings it invented, or a trailing half sentence."""
    lines = [ln for ln in raw.strip().splitlines() if ln.strip() and not _looks_like_echo(ln)
             and not re.match(r"^\s*#", ln)]
    text = " ".join(ln.strip() for ln in lines)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\[[A-Z][A-Z0-9]{1,9}-\d{1,6}\])\s*\((?:19|20)\d\d\)", r"\1", text)  # "[ID] (2024)" echoes
    cut = max(text.rfind("."), text.rfind("!"), text.rfind("?"), text.rfind("]"))
    return text[:cut + 1] if cut > 0 else text
