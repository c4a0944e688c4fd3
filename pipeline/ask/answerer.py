"""Grounded answers to staff questions, with their sources and conflicts, or "not in the base".

Retrieve, decide from evidence (never from the model) whether the base knows, answer from the facts (model text kept
only where the checker backs it), show conflicts and sources."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from pipeline.retrieve.lexical import detect_lang
from pipeline.retrieve.retriever import Retriever, check_query
from pipeline.types import FactFilter, RetrievedFact
from pipeline.verify.checker import ClaimChecker, cited_ids
from pipeline.verify.entities import GENERIC, PLACES, STOP, name_phrases, related, word_stems
from pipeline.verify.figures import fold
from pipeline.verify.units import unit_family, units_compatible

ABSTAIN = {"fr": "La base de faits ne contient pas de réponse vérifiée à cette question.",
           "en": "The fact base holds no verified answer to this question."}
_PERCENT = re.compile(r"\b(taux|rate|pourcentage|percentage|part|share|proportion)\b|%")
_MONEY = re.compile(r"\b(budget|cout\w*|coute|costs?|chiffre d'affaires|revenue|turnover|pib|gdp|euros?|dollars?|"
                    r"prix|price|montant|amount)\b|€|\$|\b(combien d'|how much )invest")
_QUANTITY_CUE = re.compile(r"\b(?:combien|nombre|how many|number of)\s+(?:de\s+|d['’]|des\s+|of\s+)?((?:[\w²'’-]+\s*){1,4})",
                           re.IGNORECASE)
_PREPOSITIONS = {"de", "des", "du", "d", "of", "a", "à", "au", "aux", "in", "at", "on", "sur", "dans", "pour", "for",
                 "did", "does", "do", "is", "are", "was", "were", "has", "have", "ont", "a-t-il", "sont"}
_QUESTION_WORDS = {w[:5] for w in """combien quel quelle quels quelles quand comment pourquoi qui que quoi est sont
ont compte comptait compter how many much what which when where who why does did is are was were the has have
nombre number etaient etait sont-ils est-ce total actuel actuelle current""".split()}


@dataclass
class Needs:
    """What an answer must contain, read from the question."""

    unit: str | None
    kind: str | None   # percent | money | None
    year: int | None
    phrases: list
    stems: set[str]
    keywords: set[frozenset[str]]
    lang: str = "fr"
    aliases: list[list[str]] = field(default_factory=list)


@dataclass
class AskResult:
    question: str
    lang: str
    answer: str
    abstained: bool
    reason: str
    citations: list[dict] = field(default_factory=list)
    conflicts: list[list[str]] = field(default_factory=list)
    generated: bool = False
    latency_s: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0

    def to_json(self) -> dict:
        return {"question": self.question, "lang": self.lang, "answer": self.answer, "abstained": self.abstained,
                "reason": self.reason, "citations": self.citations, "conflicts": self.conflicts,
                "generated": self.generated, "latency_s": round(self.latency_s, 3),
                "tokens": {"in": self.tokens_in, "out": self.tokens_out}}


def strip_aliases(question: str, aliases: dict[str, list[str]]) -> str:
    """The question without its known abbreviations (they are matched through their expansions instead)."""
    for short in aliases:
        question = re.sub(rf"(?<![\w-]){re.escape(short)}(?![\w-])", " ", question)
    return question


def read_needs(question: str, lexicon: set[str], glossary: dict[str, set[str]] | None = None) -> Needs:
    folded = fold(question)
    unit = None
    cue = _QUANTITY_CUE.search(question)
    if cue:  # the head noun after "combien de": "cruise ship calls" counts calls, "athlètes des épreuves" athletes
        for w in re.findall(r"[\w²'’-]+", cue.group(1)):
            bare = re.sub(r"^(d|l)['’]", "", w)
            fam = unit_family(fold(bare))
            if fam:
                unit = fam
            elif fold(bare) in _PREPOSITIONS or bare[:1].isupper():
                break
    kind = "percent" if _PERCENT.search(folded) else "money" if _MONEY.search(folded) else None
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", question)]
    phrases = [p for p in name_phrases(question, lexicon)  # "TEUs" is a unit, not a name
               if not all(unit_family(fold(w)) for w in re.findall(r"\w+", p[2]))]
    stems = word_stems(question)
    name_stems = {s for p, o, _ in phrases for s in p | o}
    lang = detect_lang(question)
    keywords: list[frozenset[str]] = []  # each: the stems any of which would show the fact is on topic
    for w in re.findall(r"[a-z]+", folded):
        st = w[:5]
        if len(w) < 4 or st in name_stems or st in _QUESTION_WORDS or unit_family(w) \
                or w in STOP or w in GENERIC or w in PLACES:
            continue
        if lang == "en":
            french = (glossary or {}).get(w) or (glossary or {}).get(w.rstrip("s"))
            if french:  # an English word the glossary does not know says nothing about French facts
                keywords.append(frozenset(french | {st}))
        else:
            keywords.append(frozenset({st}))
    return Needs(unit, kind, years[0] if years else None, phrases, stems, set(keywords), lang)


class Answerer:
    """Answers questions from an open retriever; `model` and `prompt` are optional (deterministic without)."""

    MIN_DENSE = 0.83  # below this cosine (multilingual-e5-small) a fact is not about the question
    MIN_DENSE_EN = 0.79

    def __init__(self, retriever: Retriever, checker: ClaimChecker, model=None, prompt=None, log=None,
                 aliases: dict[str, list[str]] | None = None, glossary: dict[str, set[str]] | None = None) -> None:
        self.aliases = aliases or {}
        self.glossary = glossary or {}
        self.retriever = retriever
        self.checker = checker
        self.model = model
        self.prompt = prompt
        self.log = log
        self.lexicon = checker.lexicon

    def evidence(self, question: str, needs: Needs, flt: FactFilter,
                 k: int = 8) -> tuple[list[RetrievedFact], list[RetrievedFact]]:
        """(the retrieved facts that answer what the question asks, best first — empty: abstain; all retrieved)."""
        out = []
        hits = self.retriever.search(question, k=k, flt=flt)
        orgs = [o for p, o, _ in needs.phrases if o]
        for hit in hits:
            f = hit.fact
            stems = self.checker.words[f.id]
            figs = self.checker.figures[f.id]
            if any(not o <= stems for o in orgs):  # every name the question uses must be in the fact
                continue
            if not orgs and needs.phrases and not related(needs.phrases, needs.stems, stems):
                continue
            if needs.year and f.year != needs.year and not any(g.kind == "date" and int(g.value) == needs.year
                                                                 for g in figs):
                continue  # the figure must refer to the year asked, not merely mention it
            if needs.unit and not any(g.unit and units_compatible(needs.unit, g.unit) for g in figs):
                continue
            if needs.kind and not any(g.kind == needs.kind for g in figs):
                continue
            text = fold(f.statement_fr + " " + f.statement_en)
            if not all(any(re.search(rf"(?<!\w){re.escape(fold(x))}(?!\w)", text) for x in alts)
                       for alts in needs.aliases):
                continue
            covered = sum(bool(k & stems) for k in needs.keywords)
            counted = needs.unit and any(g.kind == "number" and g.unit and units_compatible(needs.unit, g.unit)
                                         for g in figs)
            if orgs and counted:  # "combien de personnes chez One Provence": the named body, counted in that unit
                on_topic = True
            elif needs.keywords:  # a good share of the question's words (translated for English) must be there
                on_topic = covered >= max(1, round(len(needs.keywords) / 4))
            else:  # nothing to compare word for word: the multilingual embedding decides
                on_topic = (hit.dense_score or 0) >= (self.MIN_DENSE if needs.lang == "fr" else self.MIN_DENSE_EN)
            if not on_topic:
                continue
            out.append(hit)
        if needs.unit:  # "combien d'emplois": a count of jobs answers before a share of jobs
            def counts(h):
                return any(g.kind in ("number", "money") and g.unit and units_compatible(needs.unit, g.unit)
                           for g in self.checker.figures[h.fact.id])
            out.sort(key=lambda h: not counts(h))
        return out, hits

    def ask(self, question: str, lang: str | None = None, flt: FactFilter = FactFilter(),
            use_model: bool = True) -> AskResult:
        t0 = time.perf_counter()
        q = check_query(question)
        lang = lang or detect_lang(q)
        needs = read_needs(strip_aliases(q, self.aliases), self.lexicon, self.glossary)
        needs.aliases = [alts for short, alts in self.aliases.items()
                         if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", q)]
        hits, retrieved = self.evidence(q, needs, flt)
        if not hits:
            return AskResult(q, lang, ABSTAIN[lang], True, "no retrieved fact answers what the question asks",
                             latency_s=time.perf_counter() - t0)
        # a fact that conflicts with the best one answers the same question: let the freshest lead
        partners = [h for h in retrieved if h.fact.id in hits[0].conflicts and h not in hits]
        hits = _order(hits[:1] + partners + hits[1:])[:4]
        result = AskResult(q, lang, "", False, "")
        sentences = None
        if use_model and self.model is not None and self.prompt is not None:
            sentences = self._generate(q, lang, hits, result)
        if sentences:
            # the answer leads with the best evidence fact, whatever the model put first
            lead = _statement_sentence(hits[0], lang, True)
            if hits[0].fact.id not in cited_ids(sentences[0]):
                sentences = [lead] + [x for x in sentences if hits[0].fact.id not in cited_ids(x)]
            result.generated = True
            result.reason = "model answer; every figure checked against the cited facts"
        else:
            main = hits[0]
            others = [h for h in hits[1:] if h.fact.id not in main.conflicts][:2]
            sentences = [_statement_sentence(h, lang, i == 0) for i, h in enumerate([main] + others)]
            result.reason = result.reason + "answer built from the facts' own statements"
        conflict_groups = _conflicts(hits, self.retriever)
        result.answer = self._keep_checked(" ".join(sentences), lang)
        if conflict_groups:  # built from the facts' own fields, each figure with its year and source
            result.answer += "\n\n" + _conflict_note(conflict_groups, self.retriever, self.checker, lang)
        cited = sorted(cited_ids(result.answer))
        result.citations = [_citation(self.retriever.fact(i)) for i in cited if self.retriever.fact(i)]
        result.conflicts = [sorted(g) for g in conflict_groups]
        result.latency_s = time.perf_counter() - t0
        return result

    def _generate(self, q: str, lang: str, hits: list[RetrievedFact], result: AskResult) -> list[str] | None:
        from pipeline.llm.tokens import fit_to_budget
        lines = [f"[{h.fact.id}] ({h.fact.year}) {h.fact.statement(lang)}" for h in hits]
        facts = "\n".join(fit_to_budget(lines, self.model.settings.prompt_budget, self.model.settings.model))
        system, user = self.prompt.render(question=q, language="French" if lang == "fr" else "English", facts=facts)
        try:
            r = self.model.complete(system, user, max_tokens=self.prompt.max_tokens, stop=list(self.prompt.stop))
        except Exception as exc:  # the answer does not need the model: fall back to the statements
            if self.log:
                self.log.record("ask", self.model.settings, system, user, None, error=str(exc))
            result.reason = f"model unavailable ({exc}); "
            return None
        if self.log:
            self.log.record("ask", self.model.settings, system, user, r, meta={"prompt_hash": self.prompt.content_hash})
        result.tokens_in, result.tokens_out = r.prompt_tokens, r.completion_tokens
        allowed = {h.fact.id for h in hits}
        kept = []
        report = self.checker.check(r.text.strip().split("\n\n")[0], lang)
        for s in report.sentences:  # kept only when it cites evidence and passes every sentence check
            words = re.search(r"[^\W\d_]{2,}", re.sub(r"\[[^\]]*\]", " ", s.text))
            if words and s.cited and set(s.cited) <= allowed and s.ok and s.entity_ok is not False:
                kept.append(s.text.strip())
        if not kept:
            return None
        return kept

    def _keep_checked(self, text: str, lang: str) -> str:
        """Drop any sentence whose figures the cited facts do not back (the composed text always passes)."""
        report = self.checker.check(text, lang)
        keep = [s for s in report.sentences if s.figure_status in ("supported", "none") and s.cited]
        paragraphs: list[str] = []
        for para in text.split("\n\n"):
            start = text.index(para)
            kept = [text[s.start:s.end] for s in keep if start <= s.start < start + len(para)]
            if kept:
                paragraphs.append(" ".join(kept))
        return "\n\n".join(paragraphs)


def _order(hits: list[RetrievedFact]) -> list[RetrievedFact]:
    """Relevance order, but within a conflict group the most recent verified, fresh figure comes first."""
    ranked = list(hits)
    first = ranked[0]
    group = [h for h in ranked if h.fact.id == first.fact.id or h.fact.id in first.conflicts]
    best = max(group, key=lambda h: (not h.stale, h.fact.status == "verified", h.fact.year))
    ranked.remove(best)
    return [best] + ranked


def _public(f, lang: str) -> str:
    """The fact's publication wording in `lang` when it has one, else its verified statement."""
    return f.wording(lang) or f.statement(lang)


def _statement_sentence(hit: RetrievedFact, lang: str, lead: bool) -> str:
    f = hit.fact
    stale = {"fr": " (fait à revérifier)", "en": " (fact due for re-verification)"}[lang] if hit.stale else ""
    statement = _public(f, lang).rstrip(".")
    english = f.statement_en or f.wording("en")
    if lang == "en" and not english:  # no English wording yet: quoted, and said so
        prefix = "According to the fact base (in French): " if lead else "Also: "
        return f"{prefix}« {statement} » [{f.id}]{stale}."
    return f"{statement} [{f.id}]{stale}."


def _conflicts(hits: list[RetrievedFact], retriever: Retriever) -> list[set[str]]:
    groups: list[set[str]] = []
    for h in hits:
        if not h.conflicts:
            continue
        g = {h.fact.id, *[c for c in h.conflicts if retriever.fact(c)]}
        joined = [o for o in groups if o & g]  # A↔B and B↔C disagree about one thing: one group
        groups = [o for o in groups if not o & g] + [g.union(*joined)]
    return groups


def _conflict_note(groups: list[set[str]], retriever: Retriever, checker: ClaimChecker, lang: str) -> str:
    parts = []
    for g in groups:
        items = []
        for fid in sorted(g, key=lambda i: -retriever.fact(i).year):
            f = retriever.fact(fid)
            item = f"{f.value} {f.unit} ({f.year}) [{fid}]"
            if checker.check_sentence(item, lang).figure_status != "supported":  # a value field not to read alone
                item = f"{_public(f, lang).rstrip('.')} [{fid}]"  # its wording carries the figure and year
            items.append(item)
        lead = "Les sources divergent : " if lang == "fr" else "Sources disagree: "
        parts.append(lead + " ; ".join(items) + ".")
    return "\n".join(parts)


def _citation(f) -> dict:
    return {"id": f.id, "source_title": f.source.title, "source_url": f.source.url, "year": f.year,
            "statement": f.statement_fr, "status": f.status}
