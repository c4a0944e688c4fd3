"""The claim checker: every figure and named claim of a text checked against the facts it cites.

Used by `check`, and by `ask`, drafting and the review screen. Deterministic: it never asks a model.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pipeline.config import PROMPTS_DIR
from pipeline.corpus.indicators import load_territories
from pipeline.corpus.names import load_aliases, load_glossary
from pipeline.corpus.relations import superseded_map
from pipeline.retrieve.lexical import detect_lang
from pipeline.types import Fact
from pipeline.verify.association import misattributed
from pipeline.verify.entities import (
    TERRITORY,
    alias_stems,
    entity_lexicon,
    home_words,
    name_phrases,
    organisations,
    related,
    stem,
    unknown_names,
    word_stems,
)
from pipeline.verify.figure_index import FigureIndex
from pipeline.verify.figures import Figure, comparable, extract_figures, matches
from pipeline.verify.sentences import (
    echo,
    other_language,
    perimeter_mismatch,
    prompt_grams,
    script_structure,
    stutter,
    unverified_links,
)
from pipeline.verify.verdict import OK_STATUSES, CheckReport, FigureCheck, SentenceEmbedder, SentenceVerdict

MAX_CONNECTIVE_WORDS = 25
_ID = r"[A-Za-z][A-Za-z0-9]{1,9}-\d{1,6}"
CITATION = re.compile(rf"\[\[?\s*({_ID}(?:\s*[,;]\s*{_ID})*)\s*\]\]?")
_HASHTAG = re.compile(r"(?<![\w&#/])#(?=\w)[\w-]+")  # #OneProvence, #Paris2024; not "# Titre", not a URL's #part
_MALFORMED = re.compile(r"\[{1,2}\s*[A-Za-z][A-Za-z0-9]{0,9}-?\d*(?![\w\]-])")
_SENT_END = re.compile(r"(?:(?<=[.!?…])[\"»”)]*\s+|(?<=[\u2600-\u27bf\U0001F300-\U0001FAFF])\ufe0f?\s+)"
                       r"(?=[«\"“(*_]*[A-ZÀ-ÝÉ0-9])")
_END_THEN_CITATION = re.compile(r"[.!?…][\"»”)]*\s*\[\[?[^\]\[]{1,80}\]\]?\s+(?=[«\"“(*_]*[A-ZÀ-ÝÉ0-9])")
_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)")
_MD_MARKS = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_MD_LINK = re.compile(r"\[([^\]\[]*)\]\((?:[^)]*)\)")
_URL = re.compile(r"https?://\S+")
LANG_NAMES = {"fr": "French", "en": "English"}


def fact_texts(f: Fact) -> list[tuple[str, str]]:
    """(text, language) of every text a fact holds: its statements, then its publication wordings."""
    return [(t, lang) for t, lang in ((f.statement_fr, "fr"), (f.statement_en, "en"), (f.wording_fr, "fr"),
                                      (f.wording_en, "en")) if t]


def cited_ids(text: str) -> list[str]:
    """Every fact id cited in a text ([ID], [ID; ID], [[ID]]), upper-cased, in order of first citation."""
    out: dict[str, None] = {}
    for m in CITATION.finditer(text):
        for i in re.split(r"[,;]", m.group(1)):
            out[i.strip().upper()] = None
    return list(out)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a Markdown text: lines are blocks, then sentence ends; a lone citation joins the previous."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start = 0
        cuts = sorted({m.end() for m in _SENT_END.finditer(body)} | {m.end() for m in _END_THEN_CITATION.finditer(body)})
        for cut in cuts + [len(body)]:
            seg = body[start:cut]
            if seg.strip():
                a = pos + start + (len(seg) - len(seg.lstrip()))
                b = pos + start + len(seg.rstrip())
                if spans and not re.search(r"[^\W\d_]", CITATION.sub("", text[a:b])) and spans[-1][1] <= a:
                    spans[-1] = (spans[-1][0], b)  # "... 2024. [MAR-001]" belongs to the sentence before
                else:
                    spans.append((a, b))
            start = cut
        pos += len(line)
    return spans


def _clean(sentence: str) -> str:
    """Markdown and URLs blanked out (same length), so figures are read from the words only."""
    s = _MD_LINK.sub(lambda m: " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1), sentence)
    s = _URL.sub(lambda m: " " * len(m.group(0)), s)
    s = _MD_PREFIX.sub(lambda m: " " * len(m.group(0)), s)
    return _MD_MARKS.sub(lambda m: " " * len(m.group(0)), s)


def _home_names(corpus_dir: Path, territories) -> list[str]:
    """The home territory's names and the agency's short ones (territories.yaml): "Aix-Marseille-Provence",
    "Provence"."""
    from pipeline.corpus.agency import load_agency
    home = territories.items.get(territories.home)
    agency = load_agency(corpus_dir)
    return [home.name_fr, home.name_en, agency.short_fr, agency.short_en] if home else [agency.short_fr]


class ClaimChecker:
    """Checks texts against a fixed set of facts."""

    def __init__(self, facts: list[Fact], today: date, embedder: SentenceEmbedder | None = None,
                 prompts_dir: Path | None = PROMPTS_DIR, aliases: dict[str, list[str]] | None = None,
                 glossary: dict[str, set[str]] | None = None, peers: set[str] | None = None,
                 home_names: list[str] | None = None) -> None:
        self.facts = {f.id: f for f in facts}
        # the home territory's names (territories.yaml, the agency's): place words, and context rather than a claim
        self.places, home_stems = home_words(home_names or [])
        self.territory = TERRITORY | home_stems
        self.peers = peers or set()  # ids of facts about another territory (the barometer's peers)
        self.lang_texts = {f.id: fact_texts(f) for f in facts}
        self.texts = {fid: [t for t, _ in texts] for fid, texts in self.lang_texts.items()}
        self.echo_grams = prompt_grams(prompts_dir) if prompts_dir else set()
        self.today = today
        self.embedder = embedder
        self.superseded = superseded_map(facts)
        self.figures = {f.id: [g for t, lang in self.lang_texts[f.id] for g in extract_figures(t, lang)]
                        + [Figure(str(f.year), float(f.year), "year", None, None, 1.0, -1, -1)] for f in facts}
        # the aliases name the home territory's things ("port" is the GPMM): not what a peer's fact is about
        self.words = {f.id: word_stems(" ".join(self.texts[f.id]))
                      | (set() if f.id in self.peers else alias_stems(self.texts[f.id], aliases or {})) for f in facts}
        self.source_words = {f.id: word_stems(f.source.title) for f in facts}  # "selon l'Insee": the source's name
        self.glossary = {stem(k): v for k, v in (glossary or {}).items()}  # English name word -> French stems
        self.lexicon = entity_lexicon([t for ts in self.texts.values() for t in ts])
        self.frozen_lexicon = frozenset(self.lexicon)
        self.index = FigureIndex(self.figures)
        self._vectors: dict[str, list[float]] = {}

    @classmethod
    def for_corpus(cls, facts: list[Fact], settings, embedder: SentenceEmbedder | None = None) -> "ClaimChecker":
        """The checker as every entry point builds it: the corpus's aliases and glossary, the shipped prompts."""
        return cls.for_corpus_dir(facts, settings.today(), settings.corpus_dir, embedder)

    @classmethod
    def for_corpus_dir(cls, facts: list[Fact], today: date, corpus_dir: Path,
                       embedder: SentenceEmbedder | None = None) -> "ClaimChecker":
        """The same, from a corpus folder: its aliases and glossary, which facts are about another territory, the
        home territory's names."""
        territories = load_territories(corpus_dir)
        return cls(facts, today, embedder, aliases=load_aliases(corpus_dir), glossary=load_glossary(corpus_dir),
                   peers={f.id for f in facts if territories.resolve(f.territory) != ""},
                   home_names=_home_names(corpus_dir, territories))

    def problem(self, fid: str) -> str | None:
        """Why citing `fid` is not enough to back a figure, or None."""
        f = self.facts.get(fid)
        if f is None:
            return f"{fid} does not exist in the fact base"
        if f.status == "retired":
            return f"{fid} is retired"
        if fid in self.superseded:
            return f"{fid} is superseded by {', '.join(self.superseded[fid])}"
        if f.status == "draft":
            return f"{fid} is a draft, not yet verified"
        if f.is_stale(self.today):
            return f"{fid} is stale (review_by {f.review_by.isoformat()} has passed)"
        return None

    # ------------------------------------------------------------ one text
    def check(self, text: str, lang: str | None = None) -> CheckReport:
        """A verdict for every sentence of `text` (a video script's shot headings and crew notes are not claims)."""
        lang = lang or detect_lang(text[:5000])
        report = CheckReport([], lang)
        if not text.strip():
            report.notes.append("empty text: nothing to check")
            return report
        report.sentences = [self.check_sentence(text[a:b], lang, a) for a, b in split_sentences(text)
                            if not script_structure(text[a:b])]
        if len(text) > 200 and not re.search(r"\b(le|la|les|des|est|the|and|of|is)\b", text[:5000], re.I):
            report.notes.append("the text does not look French or English; figures were still checked")
        return report

    def check_sentence(self, sentence: str, lang: str, offset: int = 0) -> SentenceVerdict:
        clean = _clean(sentence)
        cited = cited_ids(clean)
        notes = []
        if "[[" in clean:
            notes.append("double brackets around a citation: write [ID]")
        bare = CITATION.sub(lambda m: " " * len(m.group(0)), clean)
        for m in _MALFORMED.finditer(bare):
            notes.append(f"malformed citation {m.group(0).strip()!r}: write [ID], e.g. [MAR-001]")
        bare = _MALFORMED.sub(lambda m: " " * len(m.group(0)), bare).replace("[", " ").replace("]", " ")
        bare = _HASHTAG.sub(lambda m: " " * len(m.group(0)), bare)  # a post's #Tags claim nothing
        heading = sentence.lstrip().startswith("#")
        figs = [FigureCheck(f) for f in extract_figures(bare, lang)]
        phrases = name_phrases(bare, self.lexicon, self.places)
        v = SentenceVerdict(sentence, offset, offset + len(sentence), "supported", "none", "", cited, [], figs,
                            organisations(phrases), None, notes=notes)
        own = (phrases, word_stems(bare))  # this sentence's names and stems (no state kept on self: thread-safe)
        problems = [p for p in (self.problem(i) for i in cited) if p]
        if cited:
            pool = [i for i in cited if i in self.facts]
            self._back(v, pool, uncited=False)
        elif figs:
            self._back(v, self._candidates(v, own), uncited=True)
        self._decide(v, problems, own, heading)
        v.entity_problem = self._entity(v, bare, lang)
        if v.status in OK_STATUSES:
            self._read(v, sentence, bare, lang, heading)
        if self.embedder is not None and v.fact_ids:
            v.similarity = self._similarity(bare, v.fact_ids)
        return v

    # ------------------------------------------------------------ backing
    def _candidates(self, v: SentenceVerdict, own: tuple) -> list[str]:
        seen: dict[str, bool] = {}
        for fc in v.figures:
            for fid, g in self.index.near(fc.figure):
                if fid not in seen:
                    seen[fid] = self.facts[fid].status != "retired" and related(*own, self.words[fid])
        return [fid for fid, ok in seen.items() if ok]

    def _back(self, v: SentenceVerdict, pool: list[str], uncited: bool) -> None:
        """Fill backed_by / contradicted_by for every figure from the facts in `pool`."""
        non_year = [fc for fc in v.figures if fc.figure.kind != "year"]
        for fc in non_year:
            fc.backed_by = [fid for fid in pool if any(matches(fc.figure, g) for g in self.figures[fid])]
        anchor = {fid for fc in non_year for fid in fc.backed_by}
        for fc in v.figures:
            if fc.figure.kind != "year":
                continue
            where = sorted(anchor) if (uncited and anchor) else pool
            fc.backed_by = [fid for fid in where if any(matches(fc.figure, g) for g in self.figures[fid])]
        for fc in v.figures:
            if fc.backed_by:
                continue
            for fid in (sorted(anchor) or pool) if uncited else pool:
                fc.contradicted_by.extend(self._disagreement(fc.figure, fid))
            if not uncited:
                for fid in pool:  # the figure may come from a fact that conflicts with the cited one
                    for other in self.facts[fid].conflict_with:
                        if other in self.facts and any(matches(fc.figure, g) for g in self.figures[other]):
                            fc.contradicted_by.append((other, f"{fc.figure.raw} is the figure of {other}, which "
                                                       f"conflicts with the cited {fid}"))
        v.fact_ids = sorted({fid for fc in v.figures for fid in fc.backed_by})

    def _disagreement(self, s: Figure, fid: str) -> list[tuple[str, str]]:
        """What fact `fid` says instead of `s`: each of its figures once (its wordings repeat the statement's)."""
        out, seen = [], set()
        for g in self.figures[fid]:
            if (key := (g.kind, g.value, g.unit, g.start < 0)) in seen:
                continue
            seen.add(key)
            if s.kind == "year":
                if g.kind == "year" and g.start < 0:
                    out.append((fid, f"refers to {int(g.value)}"))
            elif s.kind == "date" and g.kind == "date":
                out.append((fid, g.raw))
            elif comparable(s, g) and s.kind == g.kind and (s.unit is None) == (g.unit is None):
                out.append((fid, g.raw))  # a figure with no unit contradicts only a figure with no unit
            elif s.kind in ("number", "money") and g.kind == s.kind and s.unit and g.unit and s.unit != g.unit \
                    and abs(s.value - g.value) <= 0.02 * max(abs(g.value), 1):
                out.append((fid, f"{g.raw} ({g.unit}, not {s.unit})"))
        return out[:3]

    def _decide(self, v: SentenceVerdict, problems: list[str], own: tuple, heading: bool = False) -> None:
        if v.figures:
            if all(fc.backed_by for fc in v.figures):
                v.figure_status = "supported"
            elif any(fc.contradicted_by for fc in v.figures if not fc.backed_by):
                v.figure_status = "contradicted"
            else:
                v.figure_status = "unsupported"
        backing = v.fact_ids or [i for i in v.cited if i in self.facts]
        if v.names and backing:
            v.entity_ok = related(*own, set().union(*(self.words[i] for i in backing)))
        unbacked = [fc for fc in v.figures if not fc.backed_by]
        if problems:
            v.status, v.reason = "dangling_citation", "; ".join(problems)
        elif v.figure_status == "contradicted":
            parts = [f"{fc.figure.raw}: " + "; ".join(f"[{i}] says {s}" for i, s in fc.contradicted_by)
                     for fc in unbacked if fc.contradicted_by]
            v.status, v.reason = "contradicted", " | ".join(parts)
        elif v.figure_status == "unsupported":
            where = "the cited facts" if v.cited else "any fact of the base"
            v.status = "unsupported"
            v.reason = ", ".join(fc.figure.raw for fc in unbacked) + f": not found in {where}"
        elif not v.cited and v.figures:
            stale = [p for p in (self.problem(i) for i in v.fact_ids) if p]
            if stale and all(self.problem(i) for i in v.fact_ids):
                v.status, v.reason = "unsupported", "only backed by facts that cannot be used: " + "; ".join(stale)
            else:
                v.reason = "no citation; backed by " + ", ".join(f"[{i}]" for i in v.fact_ids) + ": add the citation"
        elif not v.cited and v.names and not heading:
            v.status, v.reason = "uncited", f"names {', '.join(v.names)} without citing a fact"
        elif not v.figures:
            v.reason = "no figure to back" + ("" if not v.cited else f"; cites {', '.join(v.cited)}")
        else:
            v.reason = "every figure matches " + ", ".join(f"[{i}]" for i in v.fact_ids)

    def _entity(self, v: SentenceVerdict, bare: str, lang: str) -> str | None:
        """A name or a perimeter the sentence gives that the facts backing it do not hold (whatever their dates)."""
        backing = [i for i in (v.fact_ids or v.cited) if i in self.facts]
        if not backing or not (v.figures or v.cited):
            return None
        known = set().union(*(self.words[i] | self.source_words[i] for i in backing))
        # the territory's own names are context, unless every fact backing the sentence is about another territory
        home_context = not all(i in self.peers for i in backing)
        missing = unknown_names(name_phrases(bare, self.lexicon, self.places), known, self.glossary, home_context,
                                self.territory)
        cites = ", ".join(f"[{i}]" for i in backing)
        if missing:
            return f"names {', '.join(missing)}, which {cites} does not mention"
        if v.figures:
            return perimeter_mismatch(bare, [t for i in backing for t in self.texts[i]]) or misattributed(
                bare, lang, v.figures, {i: self.lang_texts[i] for i in backing}, self.frozen_lexicon, v.cited)
        return None

    def _read(self, v: SentenceVerdict, sentence: str, bare: str, lang: str, heading: bool) -> None:
        """The checks beyond figures, on a sentence whose figures passed: language, echo, links, stutter,
        named things and perimeter; a short sentence with none of these is a connective."""
        backing = [i for i in (v.fact_ids or v.cited) if i in self.facts]
        texts = [t for i in backing for t in self.texts[i]]
        sources = [self.facts[i].source.url for i in backing] + [self.facts[i].source.title for i in backing]
        other = other_language(bare, lang)
        if other:
            v.status, v.reason = "wrong_language", f"written in {LANG_NAMES[other]}, not {LANG_NAMES[lang]}"
            return
        why = echo(sentence.strip().lstrip("#*-> "), self.echo_grams)
        if why:
            v.status, v.reason = "prompt_echo", why
            return
        links = unverified_links(sentence, texts + sources)
        if links:
            v.status, v.reason = "unverified_link", f"{', '.join(links)}: in no cited fact or its source"
            return
        rep = stutter(bare)
        if rep:
            v.status, v.reason = "stutter", f"repeats {rep!r}"
            return
        if v.entity_problem:
            v.status, v.reason = "unknown_entity", v.entity_problem
            return
        if not v.cited and not v.figures and not heading:
            named = [t for p, o, t in name_phrases(bare, self.lexicon, self.places) if o or not p <= self.territory]
            if named:
                v.status, v.reason = "uncited", f"names {', '.join(named)} without citing a fact"
            elif len(re.findall(r"\w+", bare)) > MAX_CONNECTIVE_WORDS:
                v.status, v.reason = "uncited", "a long sentence that cites no fact: cite the facts it states"
            else:
                v.status, v.reason = "connective", "a short sentence with no figure and no name to back"

    def _similarity(self, sentence: str, fact_ids: list[str]) -> float:
        q = self.embedder.embed_query(sentence)
        missing = [i for i in fact_ids if i not in self._vectors]
        if missing:
            vecs = self.embedder.embed_passages([self.facts[i].statement_fr for i in missing])
            self._vectors.update(zip(missing, vecs))
        return max(sum(a * b for a, b in zip(q, self._vectors[i])) for i in fact_ids)
