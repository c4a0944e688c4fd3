"""Facts proposed from a document, kept until a person confirms, edits or discards each.

Every figure the claim checker's figure reader (verify/figures.py) finds in a document (a table's row read as one
number split into its values, a row's label or a shared unit read as what a figure counts: rows.py) is
proposed as a draft fact with the sentence it was read in as evidence, its value, unit and year, the document as
source, and the existing facts it may duplicate (same figure, same year) or contradict (a figure of the same kind
and year, another value, about the same thing).

Proposals are kept in `<data>/proposals.json` (the studio's working state, not the corpus). Nothing enters the
corpus until a person confirms a proposal (`confirm`): it is then appended to `corpus/facts/<filière>.yaml` as
`status: draft`, the evidence and who confirmed it in its notes, and the corpus is read back (a fact that would
not validate is not written). A person may also edit it while confirming, or discard it."""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import yaml

from pipeline.errors import CorpusError, StudioError
from pipeline.resources.rows import layout_units, split_rows
from pipeline.types import Fact
from pipeline.verify.checker import fact_texts, split_sentences
from pipeline.verify.entities import word_stems
from pipeline.verify.figure_index import FigureIndex
from pipeline.verify.figures import Figure, comparable, extract_figures, matches

FILE = "proposals.json"
OF_INTEREST = ("number", "percent", "money")
_NUM = re.compile(r"^[\d\u00a0\u202f ,.]+")
# "71.000", "3.173 km2": in French a point between digits groups thousands (the decimal mark is the comma), as press
# texts write it; the figure reader takes it for a decimal point, so such a number is read with a space instead
_DOT_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:\.\d{3})+)(?![\d]|[.,]\d)")
_CLOCK = re.compile(r"\b\d{1,2}\s?h\s?\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?h\b(?=\s*(?:du matin|du soir|$|[,.;]))")


class ProposalError(StudioError):
    exit_code = 2


@dataclass
class Proposal:
    id: str
    document: str          # the document's file name (or resource id)
    lang: str
    evidence: str          # the sentence the figure was read in
    raw: str               # the figure as written
    value: str             # the number as written ("70,5")
    unit: str              # the words after it ("millions de tonnes"), for a person to correct
    kind: str              # number | percent | money
    year: int | None       # a year in the sentence, else the document's year, else None
    year_from: str         # "sentence" | "document" | ""
    source_title: str
    source_url: str
    duplicates: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    status: str = "proposed"   # proposed | confirmed | discarded
    decided_by: str = ""
    decided_on: str = ""
    fact_id: str = ""
    amount: float = 0.0      # the figure's value as the reader read it (scale applied: 70,5 millions -> 70500000)
    unit_family: str = ""    # the reader's unit or currency ("tonne", "eur", "percent"), or the noun counted

    def line(self) -> str:
        flags = (f"  duplicates {', '.join(self.duplicates)}" if self.duplicates else "") + (
            f"  contradicts {', '.join(self.contradicts)}" if self.contradicts else "")
        year = f"{self.year} ({self.year_from})" if self.year else "year ?"
        return f"{self.id} [{self.status}] {self.value} {self.unit} · {year}{flags}\n    « {self.evidence} »"


_STOP = set("dont pour les le la et en a à au aux sur par avec qui que soit contre ont sont est était selon dans "
            "and for the in on with by to which that was were is are from at as while".split())


def _unit_words(sentence: str, fig: Figure, n: int = 4) -> str:
    """The words after the number: its scale and unit as written ("millions de tonnes", "km2", "%"), up to the first
    word that is not part of them."""
    rest = _NUM.sub("", sentence[fig.start:fig.end]).strip() + " " + sentence[fig.end:]
    out: list[str] = []
    for w in re.findall(r"%|€|\$|[^\W\d_][\w'’²³-]*", rest):
        if w.lower() in _STOP or len(out) >= n:
            break
        out.append(w)
        if w in ("%", "€", "$"):
            break
    while out and out[-1].lower() in ("de", "d'", "des", "du", "of"):
        out.pop()
    return " ".join(out)


def _interesting(fig: Figure) -> bool:
    if fig.kind not in OF_INTEREST:
        return False
    return not (fig.kind == "number" and fig.unit is None and fig.noun is None and abs(fig.value) < 10)


def _names(text: str) -> set[str]:
    """Stems of the capitalised words of a text (names: Marseille, Airbus, Fos)."""
    return {w for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-ZÉÈÀ][\w'’-]+", text) for w in word_stems(m.group(0))}


def _pid(document: str, sentence: str, raw: str, start: int) -> str:
    return "P-" + hashlib.sha1(f"{document}\n{sentence}\n{raw}\n{start}".encode()).hexdigest()[:8]


class Matcher:
    """The corpus's figures, to find what a proposed figure may duplicate or contradict."""

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = {f.id: f for f in facts if f.status != "retired" and not f.territory}  # the home's facts
        figs = {fid: [g for text, lang in fact_texts(f) for g in extract_figures(text, lang)]
                for fid, f in self.facts.items()}
        self.index = FigureIndex(figs)
        self.stems = {fid: set().union(*(word_stems(t) for t, _ in fact_texts(f))) for fid, f in self.facts.items()}
        self.names = {fid: _names(" ".join(t for t, _ in fact_texts(f))) for fid, f in self.facts.items()}

    def relate(self, fig: Figure, year: int | None, sentence: str) -> tuple[list[str], list[str]]:
        mine, names = word_stems(sentence), _names(sentence)
        dup, contra = [], []
        for fid, g in self.index.near(fig):
            f = self.facts[fid]
            same_year = year is None or not f.year or f.year == year
            overlap = len(mine & self.stems[fid])
            if matches(fig, g) and same_year and overlap >= 2 and fid not in dup:
                dup.append(fid)
        for fid, f in self.facts.items():
            if fid in dup or year is None or f.year != year or len(mine & self.stems[fid]) < 3 \
                    or len(names & self.names[fid]) < 2:  # about the same thing: two names in common
                continue
            figs = [g for t, lang in fact_texts(f) for g in extract_figures(t, lang) if g.kind == fig.kind]
            if figs and any(comparable(fig, g) for g in figs) and not any(matches(fig, g) for g in figs):
                contra.append(fid)
        return dup, contra


def propose(text: str, lang: str, document: str, facts: list[Fact], source_title: str, source_url: str = "",
            doc_year: int | None = None) -> list[Proposal]:
    """Every figure of interest of the text as a proposal, in reading order."""
    matcher = Matcher(facts)
    out = []
    for a, b in split_sentences(text):
        written = " ".join(text[a:b].split())
        sentence = _DOT_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(".", " "), written) \
            if lang == "fr" else written  # same length: the figures' places hold in both
        figs = split_rows(extract_figures(sentence, lang))
        years = [g for g in figs if g.kind == "year"]
        clocks = [m.span() for m in _CLOCK.finditer(sentence)]  # a time of day ("14 h 30") is no figure of interest
        layout = layout_units(sentence, figs, lang)
        words = [_unit_words(sentence, g) for g in figs]
        for n, g in enumerate(figs):
            if n in layout:  # a row's label, or the unit of the figure before (rows.py)
                words[n] = layout[n].words or words[n - 1]
                g = replace(g, unit=layout[n].family, noun=None)
            if not _interesting(g) or any(a <= g.start < b for a, b in clocks):
                continue
            before = [y for y in years if y.start < g.start]
            y = (before[-1] if before else years[0]) if years else None
            year, year_from = (int(y.value), "sentence") if y else ((doc_year, "document") if doc_year else (None, ""))
            dup, contra = matcher.relate(g, year, sentence)
            value = _NUM.match(g.raw).group(0).strip() if _NUM.match(g.raw) else g.raw
            out.append(Proposal(_pid(document, written, g.raw, g.start), document, lang, written, g.raw, value,
                                words[n], g.kind, year, year_from, source_title, source_url, dup,
                                contra, amount=g.value, unit_family=g.unit or g.noun or ""))
    return out


# ------------------------------------------------------------------ the proposals file
def load(data_dir: Path) -> dict[str, Proposal]:
    path = Path(data_dir) / FILE
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {r["id"]: Proposal(**r) for r in rows.get("proposals", [])}


def save(data_dir: Path, proposals: dict[str, Proposal]) -> None:
    path = Path(data_dir) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"proposals": [asdict(p) for p in proposals.values()]}, ensure_ascii=False, indent=1)
                   + "\n", encoding="utf-8")
    os.replace(tmp, path)


def record(data_dir: Path, new: list[Proposal]) -> tuple[int, int]:
    """Add the new proposals to the file (one already there, decided or not, is kept as it is): (added, known)."""
    have = load(data_dir)
    added = 0
    for p in new:
        if p.id not in have:
            have[p.id] = p
            added += 1
    save(data_dir, have)
    return added, len(new) - added


def discard(data_dir: Path, pid: str, by: str, today: date) -> Proposal:
    have = load(data_dir)
    p = _pending(have, pid)
    p.status, p.decided_by, p.decided_on = "discarded", by, today.isoformat()
    save(data_dir, have)
    return p


def _pending(have: dict[str, Proposal], pid: str) -> Proposal:
    p = have.get(pid)
    if p is None:
        raise ProposalError(f"no proposal {pid}", fix="list them with: python -m pipeline propose-facts --list")
    if p.status != "proposed":
        raise ProposalError(f"proposal {pid} from {p.document} was already {p.status} by {p.decided_by} on "
                            f"{p.decided_on}" + (f" (fact {p.fact_id})" if p.fact_id else ""),
                            fix="propose the document again for a new proposal, or edit the corpus by hand")
    return p


def _next_id(path: Path, filiere: str) -> str:
    ids = re.findall(r"^- id: ([A-Z][A-Z0-9]{1,9})-(\d+)\s*$", path.read_text(encoding="utf-8") if path.exists()
                     else "", re.M)
    prefix = ids[0][0] if ids else re.sub(r"[^A-Z]", "", filiere.upper())[:3] or "DOC"
    return f"{prefix}-{max([int(n) for p, n in ids if p == prefix] or [0]) + 1:03d}"


def confirm(corpus_dir: Path, data_dir: Path, pid: str, *, filiere: str, by: str, today: date,
            value: str | None = None, unit: str | None = None, year: int | None = None, statement: str | None = None,
            source_url: str | None = None, not_duplicate: bool = False) -> tuple[Proposal, str]:
    """Write the proposal into the corpus as a draft fact (edited by the person's values); (proposal, fact id)."""
    have = load(data_dir)
    p = _pending(have, pid)
    if p.duplicates and not not_duplicate:
        raise ProposalError(f"proposal {pid} from {p.document} ({p.value} {p.unit}, {p.year}) duplicates "
                            f"{', '.join(p.duplicates)} already in the corpus; nothing was written",
                            fix=f"discard it (--discard {pid}), or confirm with --not-duplicate if it is another "
                                "figure")
    year = year or p.year
    url = source_url or p.source_url
    if not year:
        raise ProposalError(f"proposal {pid} from {p.document} has no year", fix="give it with --year YYYY")
    if not re.match(r"^https?://\S+$", url or ""):
        raise ProposalError(f"proposal {pid} from {p.document} has no source address (a fact's source needs one)",
                            fix="give the document's public address with --source-url https://… (or set "
                                "STUDIO_SITE_URL before proposing, for a resource of the site)")
    text = statement or (p.evidence if p.lang == "fr" else "")
    if not text:
        raise ProposalError(f"proposal {pid} from {p.document} is in English: the corpus's statement is French",
                            fix="give the French statement with --statement \"…\"")
    path = Path(corpus_dir) / "facts" / f"{filiere}.yaml"
    if not path.exists():
        raise ProposalError(f"no fact file for filière {filiere!r} ({path})",
                            fix="use a filière of corpus/filieres.yaml (its file in corpus/facts/)")
    fid = _next_id(path, filiere)
    fact = {"id": fid, "filiere": filiere, "statement_fr": " ".join(text.split()),
            **({"statement_en": p.evidence} if p.lang == "en" and statement else {}),
            "value": value or p.value, "unit": unit if unit is not None else p.unit, "year": int(year),
            "source": {"title": p.source_title, "url": url}, "verified_on": today, "verified_by": by,
            "review_by": today + timedelta(days=365), "status": "draft", "conflict_with": list(p.contradicts),
            "supersedes": [],
            "notes": f"Proposé depuis {p.document} ({pid}), confirmé par {by} le {today.isoformat()} ; extrait : "
                     f"« {p.evidence} »"}
    old = path.read_text(encoding="utf-8")
    block = yaml.safe_dump([fact], allow_unicode=True, sort_keys=False, width=10**6)
    path.write_text(old.rstrip("\n") + "\n\n" + block, encoding="utf-8")
    from pipeline.corpus.facts import read_corpus
    _, issues = read_corpus(Path(corpus_dir), today)
    bad = [i for i in issues if i.level == "error" and (i.fact_id == fid or i.file.endswith(path.name))]
    if bad:
        path.write_text(old, encoding="utf-8")
        raise CorpusError(f"the fact from {pid} would not validate: {bad[0].render()}; nothing was written",
                          fix="correct the value, unit, year or statement with the --value/--unit/--year/"
                              "--statement options")
    p.status, p.decided_by, p.decided_on, p.fact_id = "confirmed", by, today.isoformat(), fid
    save(data_dir, have)
    return p, fid
