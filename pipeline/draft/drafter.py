"""Drafting, grounded by construction: plan (select facts), write (cite them), check, repair, flag what remains.

Composed to be published: every heading is the catalogue's written title; the model is given, and the fallback uses,
each fact's publication wording in the target language (a fact without one is left out, noted as a translation gap);
a section with no usable fact is left out and recorded; a page with fewer than half its sections is refused.
How conflicts are settled and sentences kept: pipeline/draft/compose.py."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from pipeline.corpus.catalogue import PageSpec, Section, title_problems
from pipeline.corpus.relations import conflict_groups
from pipeline.draft.compose import clean_output, complete, recheck, settle, sort_sentences
from pipeline.draft.variants import SocialKit
from pipeline.draft.video import compose as compose_video
from pipeline.errors import DraftError
from pipeline.identity import draft_inputs, inputs_key
from pipeline.llm.pricing import cost
from pipeline.llm.prompts import Prompt, load_prompt
from pipeline.llm.tokens import count_tokens
from pipeline.retrieve.retriever import Retriever
from pipeline.store.record import DraftRecord
from pipeline.types import FactFilter, RetrievedFact
from pipeline.verify.checker import LANG_NAMES, ClaimChecker, cited_ids

# a section is one paragraph: the model stops at its end, or where it would start a heading or the prompt again
PARAGRAPH_END = ["\n\nFacts", "\nFacts:", "###", "\n\n", "\n#"]
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
    omitted: list[dict] = field(default_factory=list)  # [{"title", "reason"}]: catalogue sections left out
    photos: list = field(default_factory=list)  # the library's photos chosen (pipeline/photos/pick.py)

    @property
    def fact_ids(self) -> set[str]:
        return {h.fact.id for s in self.sections for h in s.facts}

    def inputs(self, settings, brand: str) -> dict:
        """Everything that produces the draft: the page's definition, the facts given (with their content hashes),
        the prompt, the brand voice and the model settings. Same inputs, same draft: regeneration skips it."""
        d = draft_inputs(self.spec, self.lang, [h.fact for s in self.sections for h in s.facts],
                         self.prompt.content_hash, brand, settings)
        # a photo's file or sheet changing changes the key (only items with photos have this entry)
        return d | ({"photos": [[p.id, p.sheet_hash] for p in self.photos]} if self.photos else {})

    def inputs_key(self, settings, brand: str) -> str:
        return inputs_key(self.inputs(settings, brand))

    def estimate(self, model_name: str) -> tuple[int, int]:
        """(input tokens, output tokens) expected, counted with tiktoken before any call (a video calls none)."""
        if self.spec.kind == "video":
            return 0, 0
        tin = sum(count_tokens(s.system + "\n\n" + s.user, model_name) for s in self.sections)
        return tin, sum(s.max_tokens for s in self.sections)


class Drafter:
    """Drafts catalogue items from an open retriever with a chat model; stores nothing itself."""

    def __init__(self, retriever: Retriever, checker: ClaimChecker, model, brand: str, log=None,
                 repair_retries: int | None = None, filieres=None, photos=None) -> None:
        self.retriever = retriever
        self.photos = photos  # (spec, lang) -> (photos, notes): the photo library's choice, None without a library
        self.filieres = filieres  # corpus Filieres, for the labels a video's hook says
        self.checker = checker
        self.model = model
        self.brand = brand
        self.log = log
        # asking the 270M model again rarely helps and costs seconds: it goes straight to the fallback
        self.repair_retries = repair_retries if repair_retries is not None else (
            0 if model.settings.backend == "embedded" else 1)
        self._hits: dict[str, list[RetrievedFact]] = {}  # the index does not change while a drafter is open
        self._prompts: dict[str, Prompt] = {}
        self._groups: dict[str, set[str]] | None = None
        self.social_kit: SocialKit | None = None  # networks and hashtags, read on the first social post

    # ------------------------------------------------------------------ plan
    def plan(self, spec: PageSpec, lang: str) -> Plan:
        """Select the facts of every section: verified, current, in the spec's filières, with a wording in `lang`,
        one per conflict group (compose.settle decides which); DraftError when fewer than half the sections can be
        drafted."""
        bad_titles = title_problems(spec)
        if bad_titles:  # a heading readers would see is missing or is the retrieval query
            raise DraftError(f"page {spec.id!r}: " + "; ".join(bad_titles),
                             fix="write the headings in corpus/pages.yaml (format: corpus/README.md, 'Pages')")
        if spec.prompt not in self._prompts:  # read once per drafter, not once per item
            self._prompts[spec.prompt] = load_prompt(spec.prompt)
        prompt = self._prompts[spec.prompt]
        flt = FactFilter(include_retired=False, include_stale=False, include_draft=False)
        chosen, gaps = self._select(spec, lang, flt)
        planned, notes, omitted = [], [], []
        for n, sec in enumerate(spec.sections):
            notes += [g for g in gaps[n] if g not in notes]
            if not chosen[n]:
                reason = ("; ".join(gaps[n]) if gaps[n] else
                          f"no verified, current fact of {', '.join(spec.filieres)} found for {sec.query!r}")
                omitted.append({"title": sec.title(lang), "reason": reason, "query": sec.query,
                                "kind": "translation_gap" if gaps[n] else "no_fact",
                                "facts": [i for g in gaps[n] for i in cited_ids(g)]})
                notes.append(f"section {sec.title(lang)!r} left out: {reason}")
                continue
            facts_text = "\n".join(f"[{c.fact.id}] ({c.fact.year}) {c.fact.wording(lang)}" for c in chosen[n])
            system, user = prompt.render(brand=self.brand, language=LANG_NAMES[lang],
                                         audience=AUDIENCE[lang].get(spec.audience, spec.audience),
                                         title=spec.title(lang), section=sec.title(lang), facts=facts_text,
                                         length=str(sec_length(spec)))
            planned.append(PlannedSection(sec, chosen[n], system, user, section_tokens(prompt, spec)))
        left_out = "; ".join(f"{o['title']!r} ({o['reason']})" for o in omitted)
        if not planned:
            raise DraftError(f"page {spec.id!r} [{lang}]: no verified, current fact in filière(s) "
                             f"{', '.join(spec.filieres)} for any of its sections: {left_out}",
                             fix="add or re-verify facts of that filière (python -m pipeline validate lists stale "
                                 "ones and translation gaps), or change the sections' queries in corpus/pages.yaml")
        if 2 * len(planned) < len(spec.sections):
            raise DraftError(f"page {spec.id!r} [{lang}]: only {len(planned)} of its {len(spec.sections)} sections "
                             f"can be drafted; left out: {left_out}",
                             fix=f"add or re-verify facts for those sections, write their wording_{lang} (python -m "
                                 "pipeline validate lists stale facts and translation gaps), or change or remove the "
                                 "sections in corpus/pages.yaml")
        plan = Plan(spec, lang, prompt, planned, notes, omitted)
        if spec.photos and self.photos is not None:
            plan.photos, photo_notes = self.photos(spec, lang)
            plan.notes += photo_notes
        return plan

    def _select(self, spec: PageSpec, lang: str, flt: FactFilter) -> tuple[dict, dict]:
        """The facts of each section (by index) and the translation gaps met. A fact goes to the section where it
        ranks best; a section left empty then takes what no other section used."""
        hits = [[h for h in self._search(sec.query, flt) if h.fact.filiere in spec.filieres] for sec in spec.sections]
        home: dict[str, tuple[int, int]] = {}  # fact id -> (its best rank, the section where it ranks best)
        for n, section_hits in enumerate(hits):
            for rank, h in enumerate(section_hits):
                home[h.fact.id] = min(home.get(h.fact.id, (rank, n)), (rank, n))
        used: set[str] = set()
        chosen: dict[int, list[RetrievedFact]] = {}
        gaps: dict[int, list[str]] = {}
        for n, sec in enumerate(spec.sections):
            chosen[n], gaps[n] = self._choose(sec, hits[n], lang, used, {i for i, (_, w) in home.items() if w == n})
            used |= {i for c in chosen[n] for i in self._group(c.fact.id)}
        for n, sec in enumerate(spec.sections):
            if not chosen[n]:
                chosen[n], more = self._choose(sec, hits[n], lang, used, None)
                gaps[n] += [g for g in more if g not in gaps[n]]
                used |= {i for c in chosen[n] for i in self._group(c.fact.id)}
        return chosen, gaps

    def _group(self, fid: str) -> set[str]:
        """The conflict group of a fact: every fact linked to it by conflict_with, directly or through others."""
        if self._groups is None:
            self._groups = {i: set(g) for g in conflict_groups(list(self.retriever.snap.facts.values())) for i in g}
        return self._groups.get(fid, {fid})

    def _choose(self, sec: Section, hits: list[RetrievedFact], lang: str, used: set[str],
                mine: set[str] | None) -> tuple[list[RetrievedFact], list[str]]:
        """Up to `sec.facts` facts for one section from its `hits` (those in `mine` only, unless None): the leader of
        each conflict group among the hits, and the translation gaps met (a leading fact without a wording in `lang`
        is left out: another figure of its group would contradict the page in the other language)."""
        chosen: list[RetrievedFact] = []
        gaps: list[str] = []
        settled: set[str] = set()
        for h in hits:
            if len(chosen) >= sec.facts:
                break
            if mine is not None and h.fact.id not in mine:
                continue
            group = self._group(h.fact.id) | {h.fact.id, *h.conflicts}
            if group & (used | settled):
                continue
            settled |= group
            lead = settle([x for x in hits if x.fact.id in group], group)
            if not lead.fact.wording(lang):
                gaps.append(f"translation gap: [{lead.fact.id}] has no wording_{lang}")
                continue
            chosen.append(lead)
        return chosen, gaps

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
        if spec.kind == "video":  # composed from the facts, timed; no model call (pipeline/draft/video.py)
            label = self.filieres.label(spec.filieres[0], lang) if self.filieres else spec.filieres[0].capitalize()
            text, timing = compose_video(spec, lang, [(ps.section, ps.facts) for ps in plan.sections], label)
            rec = self._record(spec, lang, plan, text, [], (0, 0, 0, 0), t0, t_plan, 0.0)
            rec.check_report["video"] = timing
            return rec
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
        variants: list[dict] = []
        if social:  # one variant per network, each within its limit (pipeline/draft/variants.py)
            self.social_kit = self.social_kit or SocialKit.load(filieres=self.filieres)
            text, notes, variants = self.social_kit.compose(spec, lang, " ".join(parts))
            parts, plan.notes = [text.rstrip("\n")], plan.notes + notes
        rec = self._record(spec, lang, plan, "\n\n".join(parts) + "\n", repairs,
                           (tokens_in, tokens_out, tk_in, tk_out), t0, t_plan, gen_s)
        if social:
            rec.check_report["variants"] = variants
            rec.params["inputs"]["social"] = self.social_kit.inputs_hash(spec, lang)  # staleness: networks, hashtags
        return rec

    def _record(self, spec: PageSpec, lang: str, plan: Plan, text: str, repairs: list[str], tokens: tuple,
                t0: float, t_plan: float, gen_s: float) -> DraftRecord:
        """The draft as stored: its text checked sentence by sentence, and everything that produced it."""
        tokens_in, tokens_out, tk_in, tk_out = tokens
        est_in, est_out = plan.estimate(self.model.settings.model)
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
        check["omitted_sections"] = list(plan.omitted)
        check["flagged"] = [v.text for v in report.sentences if not v.ok]
        if plan.photos:
            check["photos"] = self._photos(plan, lang, check)
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

    def _photos(self, plan: Plan, lang: str, check: dict) -> list[dict]:
        """The photos as the draft records them, each caption checked like the text: a caption whose figure is not
        backed by a fact (or contradicts one) is left out of the draft, noted and flagged."""
        from pipeline.photos.pick import DraftPhoto
        out = []
        for p in plan.photos:
            caption, note = p.caption(lang), ""
            if caption:
                bad = [v for v in self.checker.check(caption, lang).sentences
                       if (v.figures or v.status != "uncited") and not v.ok]  # naming a place needs no fact
                if bad:
                    note = f"caption of photo {p.id} left out: {bad[0].status}: {bad[0].reason}"
                    check["notes"].append(note)
                    caption = ""
            out.append(DraftPhoto(p.id, p.sha256, p.sheet_hash, caption, note).to_json())
        return out

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
            r = self.model.complete(system, user, max_tokens=max_tokens, stop=PARAGRAPH_END)
        except LLMError as exc:
            if self.log:
                self.log.record("draft", self.model.settings, system, user, None, error=str(exc),
                                meta={"page_id": spec.id, "lang": lang})
            raise
        if self.log:
            self.log.record("draft", self.model.settings, system, user, r, meta={"page_id": spec.id, "lang": lang})
        return r.text, r

    def _repair(self, raw: str, ps: PlannedSection, lang: str, spec: PageSpec) -> tuple[str, list[str]]:
        """Keep the sentences the checker classes ok that cite only planned facts (a backed but uncited figure gets
        its citation); complete the section with the planned facts' wordings. Returns the text and the repairs."""
        allowed = {h.fact.id for h in ps.facts}
        text = clean_output(raw)
        attempts = 0
        repairs: list[str] = []
        kept: list[str] = []
        while True:
            good, failed = sort_sentences(self.checker, text, lang, allowed,
                                          (ps.section.title(lang), spec.title(lang)))
            kept += [g for g in good if g not in kept]  # what passed in an earlier attempt stays
            repairs += [f"dropped: {t} ({why})" for t, why in failed]
            if not failed or attempts >= self.repair_retries:
                break
            attempts += 1  # ask again, naming what failed
            note = "\n".join(f"- {t} ({why})" for t, why in failed)
            retry_user = ps.user + f"\nThese sentences were wrong; rewrite without them:\n{note}\nText:"
            text = clean_output(self._call(ps.system, retry_user, ps.max_tokens, spec, lang)[0])
            if attempts:
                repairs.append("asked the model again")
        kept, failed = recheck(self.checker, kept, lang)
        repairs += [f"dropped: {t} ({why})" for t, why in failed]
        kept, completed = complete(kept, ps.facts, lang)
        return " ".join(kept), repairs + completed


def fact_snapshot(fact) -> dict:
    """What a draft records of a cited fact, so a later change can be told precisely (value, status, review date)."""
    return {"id": fact.id, "content_hash": fact.content_hash, "year": fact.year, "value": fact.value,
            "unit": fact.unit, "status": fact.status, "review_by": fact.review_by.isoformat()}


def section_tokens(prompt: Prompt, spec: PageSpec) -> int:
    """The tokens a section may take: two per word asked (French and English copy runs 1.3 to 1.6 tokens a word),
    within the prompt's cap. The model stops earlier at the end of its paragraph (see _call)."""
    return min(prompt.max_tokens, sec_length(spec) * 2)


def sec_length(spec: PageSpec) -> int:
    return max(20, spec.length // max(1, len(spec.sections)))
