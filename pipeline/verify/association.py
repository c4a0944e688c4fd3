"""Which thing each figure of a fact is about: a true figure moved to the other thing its fact names is flagged.

A fact often gives two figures for two things ("2 500 personnes dans sa tour de Marseille, sur 34 000 dans le
monde"; "1,83 million d'habitants, contre 1,32 million pour la métropole de Lyon"). Each figure belongs to its
clause (the text between commas, semicolons, brackets and the words that open a second figure: sur, dont, contre,
soit, out of, including, against…). A sentence figure that matches one fact figure is misattributed when the
sentence gives it a perimeter, or names a body, that the fact gives to *another* figure, while the figure's own
clause says something else (another perimeter of the same axis, or another name the sentence does not give)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.verify.entities import name_phrases
from pipeline.verify.figures import Figure, extract_figures, matches
from pipeline.verify.sentences import AXES, GEOGRAPHY, perimeters
from pipeline.verify.units import units_compatible

_PLACE = re.compile(r"\b(?:à|a|in|at)\s+[A-Z][\w'’-]+")  # "à Marignane", "in Marignane": a place of its own
_BREAK = re.compile(r"[,;:()\[\]]|\s[–—-]\s|\s(?:sur|dont|contre|soit|face à|out of|including|against|compared "
                    r"with|versus|vs\.?|whereas|while)\s", re.I)


@dataclass(frozen=True)
class Context:
    """One figure of a text and what its clause names (a clause naming no perimeter of an axis takes the text's
    first clause's: the fact's subject; a clause naming a place, "à Marignane", holds its own geography)."""

    figure: Figure
    perimeters: frozenset[str]
    names: frozenset[frozenset[str]]  # each name phrase as its stems
    text: str


def _clause(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _BREAK.finditer(text, 0, start)), default=0)
    nxt = _BREAK.search(text, end)
    return text[left:nxt.start() if nxt else len(text)]


@lru_cache(maxsize=4096)
def contexts(text: str, lang: str, lexicon: frozenset[str]) -> tuple[Context, ...]:
    """Every figure of `text` (years left out: they date, they do not measure) with its clause's perimeters/names."""
    out = []
    first = _BREAK.search(text)
    subject = perimeters(text[:first.start()] if first else text)
    for g in extract_figures(text, lang):
        if g.kind in ("year", "date") or g.start < 0:
            continue
        clause = _clause(text, g.start, g.end)
        own = set(perimeters(clause))
        if not own & set(GEOGRAPHY) and _PLACE.search(clause):
            own.add("place")
        for axis in AXES:
            if not own & set(axis):
                own |= subject & set(axis)
        names = frozenset(p | o for p, o, _ in name_phrases(clause, set(lexicon)) if o)
        out.append(Context(g, frozenset(own), names, clause))
    return tuple(out)


def _comparable(a: Figure, b: Figure) -> bool:
    """Two figures that could be swapped in a sentence: same kind and a unit of one family."""
    return a.kind == b.kind and (a.unit is None or b.unit is None or units_compatible(a.unit, b.unit))


def misattributed(sentence: str, lang: str, figures: list, fact_texts: dict[str, list[tuple[str, str]]],
                  lexicon: frozenset[str], cited: list[str]) -> str | None:
    """Why a backed figure of `sentence` is about another thing than the sentence says, or None.

    `figures` are the sentence's FigureChecks; `fact_texts` maps each backing fact id to its (text, language)s;
    only the facts the sentence cites are read (an uncited claim is flagged as such already)."""
    own = [fc for fc in figures if fc.figure.kind not in ("year", "date") and set(fc.backed_by) & set(cited)]
    whole = len([fc for fc in figures if fc.figure.kind not in ("year", "date")]) == 1
    for fc in own:
        said = sentence if whole else _clause(sentence, fc.figure.start, fc.figure.end)
        s_per = perimeters(said)
        s_names = [(p | o, raw) for p, o, raw in name_phrases(said, set(lexicon)) if o]
        for fid in (i for i in fc.backed_by if i in cited):
            ctxs = [c for text, tl in fact_texts.get(fid, []) for c in contexts(text, tl, lexicon)]
            mine = [c for c in ctxs if matches(fc.figure, c.figure)]
            others = [c for c in ctxs if not matches(fc.figure, c.figure) and _comparable(fc.figure, c.figure)]
            if not mine or not others:
                continue
            why = _perimeter(fc, fid, s_per, mine, others) or _name(fc, fid, s_names, mine, others)
            if why:
                return why
    return None


def _perimeter(fc, fid: str, said: set[str], mine: list[Context], others: list[Context]) -> str | None:
    own = set().union(*(c.perimeters for c in mine))
    for axis in AXES:
        s_ax = {k for k in axis if k in said}
        if not s_ax or s_ax & own or not own & set(axis + ("place",)):
            continue  # the sentence's perimeter is the figure's own, or the fact does not say the figure's
        elsewhere = [c for c in others if s_ax & c.perimeters and not c.perimeters & own]
        if elsewhere:
            kind = sorted(s_ax)[0]
            own_ax = sorted(k for k in axis if k in own)
            about = f"the {', '.join(own_ax)}" if own_ax else "a named place"
            return (f"{fc.figure.raw} is about {about} in [{fid}]; its figure for the {kind} is "
                    f"{elsewhere[0].figure.raw}")
    return None


def _name(fc, fid: str, said: list[tuple[frozenset[str], str]], mine: list[Context],
          others: list[Context]) -> str | None:
    own = set().union(*(n for c in mine for n in c.names)) if mine else set()
    for name, raw in said:
        if name <= own:
            continue
        elsewhere = [c for c in others if any(name <= n or n <= name for n in c.names)]
        theirs = [n for c in mine for n in c.names if not any(n <= s or s <= n for s, _ in said)]
        if elsewhere and theirs:
            return f"{fc.figure.raw} is not about {raw} in [{fid}]; its figure for {raw} is {elsewhere[0].figure.raw}"
    return None
