"""Territories and indicators (corpus/territories.yaml, corpus/indicators.yaml), and the checks `validate` runs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import CorpusError
from pipeline.types import Fact, ValidationIssue

PERIMETERS = ("city", "metropolis", "departement", "region", "port", "airport", "employment_zone")
DIRECTIONS = ("higher", "lower")
INDICATOR_KEYS = ("id", "name_fr", "name_en", "unit", "unit_fr", "perimeter", "direction", "dimension", "weight")
INDICATORS_FILE, TERRITORIES_FILE = "indicators.yaml", "territories.yaml"


def _fold_unit(unit: str) -> str:
    return " ".join(unit.replace("²", "2").replace("’", "'").lower().split())


@dataclass(frozen=True)
class Territory:
    id: str
    name_fr: str
    name_en: str
    names: dict[str, str] = field(default_factory=dict)  # perimeter -> the territory's name at that perimeter

    def name(self, lang: str = "fr", perimeter: str = "") -> str:
        """Its name in `lang`, or its name at `perimeter` when it has one (the home's région)."""
        return self.names.get(perimeter) or (self.name_en if lang == "en" else self.name_fr)


@dataclass(frozen=True)
class Territories:
    home: str
    items: dict[str, Territory]

    def resolve(self, name: str) -> str | None:
        """The territory a fact's `territory:` names: "" for the home (by its id or one of its names), a peer's id,
        or None when unknown."""
        home = self.items.get(self.home)
        if name in ("", self.home) or (home is not None and name in home.names.values()):
            return ""
        return name if name in self.items else None

    def label(self, tid: str, lang: str = "fr", perimeter: str = "") -> str:
        """A territory's name for people ("" is the home)."""
        t = self.items.get(tid or self.home)
        return t.name(lang, perimeter) if t is not None else (tid or self.home)


@dataclass(frozen=True)
class Indicator:
    id: str
    name_fr: str
    name_en: str
    unit: str
    unit_fr: str
    perimeter: str
    direction: str
    dimension: str
    weight: float

    def name(self, lang: str = "fr") -> str:
        return self.name_en if lang == "en" else self.name_fr

    def accepts_unit(self, unit: str) -> bool:
        """True when `unit` is the indicator's unit, written in English or French (case, spaces, ² aside)."""
        return _fold_unit(unit) in {_fold_unit(self.unit), _fold_unit(self.unit_fr or self.unit)}

    @property
    def in_compass(self) -> bool:
        return bool(self.dimension) and self.weight > 0


def _read(path: Path) -> Any:
    if not path.exists():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc})", fix="fix the YAML syntax at the line shown")


def load_territories(corpus_dir: Path) -> Territories:
    """corpus/territories.yaml; without it, the home is "AMP" and there are no peers (an older corpus)."""
    path = corpus_dir / TERRITORIES_FILE
    raw = _read(path)
    if raw is None:
        return Territories("AMP", {})
    if not isinstance(raw, dict) or not isinstance(raw.get("territories"), list) or not raw.get("home"):
        raise CorpusError(f"{path}: expected 'home: ID' and a list under 'territories:'",
                          fix="see corpus/README.md, 'Territories and indicators'")
    items = {}
    for n, t in enumerate(raw["territories"], start=1):
        if not isinstance(t, dict) or not t.get("id"):
            raise CorpusError(f"{path}: territory {n} has no id", fix="give every territory an id, name_fr, name_en")
        tid = str(t["id"])
        items[tid] = Territory(tid, str(t.get("name_fr") or tid), str(t.get("name_en") or t.get("name_fr") or tid),
                               {str(k): str(v) for k, v in (t.get("names") or {}).items()})
    if str(raw["home"]) not in items:
        raise CorpusError(f"{path}: home {raw['home']!r} is not listed under territories",
                          fix="add the home territory to the list, or correct 'home:'")
    return Territories(str(raw["home"]), items)


def load_indicators(corpus_dir: Path) -> tuple[dict[str, Indicator], list[ValidationIssue]]:
    """corpus/indicators.yaml as indicators by id, with every problem in it (errors: the file is configuration)."""
    path = corpus_dir / INDICATORS_FILE
    rel = f"{corpus_dir.name}/{INDICATORS_FILE}"
    raw = _read(path)
    out: dict[str, Indicator] = {}
    issues: list[ValidationIssue] = []

    def err(iid: str, message: str, fix: str) -> None:
        issues.append(ValidationIssue("error", rel, 0, iid, message, fix))
    if raw is None:
        return out, issues
    if not isinstance(raw, list):
        err("", "expected a list of indicators", "see corpus/README.md, 'Territories and indicators'")
        return out, issues
    for n, r in enumerate(raw, start=1):
        iid = str(r.get("id") or "") if isinstance(r, dict) else ""
        if not iid:
            err("", f"indicator {n} has no id", "give every indicator an id (e.g. 'id: teu')")
            continue
        bad = len(issues)
        for key in r:
            if key not in INDICATOR_KEYS:
                err(iid, f"unknown field {key!r}", "known fields: " + ", ".join(INDICATOR_KEYS))
        for key in ("name_fr", "name_en", "unit", "perimeter", "direction"):
            if not str(r.get(key) or "").strip():
                err(iid, f"missing {key!r}", f"add '{key}: ...' to indicator {iid}")
        if iid in out:
            err(iid, "duplicate indicator id", "give each indicator its own id")
        if r.get("perimeter") and r["perimeter"] not in PERIMETERS:
            err(iid, f"perimeter {r['perimeter']!r} is not one of {', '.join(PERIMETERS)}", "use one of those")
        if r.get("direction") and r["direction"] not in DIRECTIONS:
            err(iid, f"direction {r['direction']!r} is not higher or lower",
                "write 'direction: higher' (more is better) or 'direction: lower' (a rank, a rate of unemployment)")
        weight = r.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            err(iid, f"weight {weight!r} is not a number", "write a weight of 0 or more, e.g. 'weight: 1'")
        elif weight < 0:
            err(iid, f"weight {weight} is negative", "write a weight of 0 or more (0 leaves it out of the compass)")
        if len(issues) > bad:
            continue
        out[iid] = Indicator(iid, str(r["name_fr"]), str(r["name_en"]), str(r["unit"]), str(r.get("unit_fr") or ""),
                             str(r["perimeter"]), str(r["direction"]), str(r.get("dimension") or ""), float(weight))
    if out and not issues and not any(i.in_compass for i in out.values()):
        err("", "every compass weight is zero (or no indicator has a dimension): the compass has nothing to weigh",
            "give at least one indicator with a dimension a weight above 0")
    return out, issues


def place_facts(corpus_dir: Path, facts: list[Fact]) -> tuple[list[Fact], list[ValidationIssue]]:
    """The facts whose barometer fields are valid, and the problems: an unknown territory, indicator or perimeter is
    an error (the fact is left out, as for an unknown filière); a unit or a perimeter that does not match the
    indicator is a warning (the fact stays true; the barometer leaves it out of the comparison and says so)."""
    territories = load_territories(corpus_dir)
    indicators, issues = load_indicators(corpus_dir)
    from pipeline.corpus.agency import load_agency
    try:  # the agency: block (corpus/agency.py): refused at publish and drafting, so an error here
        load_agency(corpus_dir)
    except CorpusError as exc:
        issues.append(ValidationIssue("error", f"{corpus_dir.name}/{TERRITORIES_FILE}", 0, "", exc.message, exc.fix))
    out = []
    for f in facts:
        def note(level: str, message: str, fix: str) -> None:
            issues.append(ValidationIssue(level, f.file, f.line, f.id, message, fix))
        if territories.resolve(f.territory) is None:
            note("error", f"unknown territory {f.territory!r}", "use one of: " + ", ".join(territories.items)
                 + f" (or add it to corpus/{TERRITORIES_FILE}); leave it out for the home territory")
            continue
        if f.perimeter and f.perimeter not in PERIMETERS:
            note("error", f"unknown perimeter {f.perimeter!r}", "use one of: " + ", ".join(PERIMETERS))
            continue
        ind = indicators.get(f.indicator) if f.indicator else None
        if f.indicator and ind is None:
            note("error", f"unknown indicator {f.indicator!r}", "use an id of corpus/indicators.yaml: "
                 + ", ".join(sorted(indicators)) + " (or add the indicator there)")
            continue
        if ind is not None and not ind.accepts_unit(f.unit):
            note("warning", f"unit {f.unit!r} is not the unit of indicator {ind.id} ({ind.unit!r}): "
                 "the barometer leaves the fact out", f"write the value in {ind.unit!r} (or {ind.unit_fr!r}), or "
                 "tag the fact with another indicator")
        if ind is not None and not f.year:
            note("warning", f"no year: the barometer cannot place this {ind.id} figure in a series or a comparison",
                 "give the year the figure refers to (from a source that dates it)")
        if ind is not None and _weak_source(f):
            note("warning", f"weak source for a barometer figure: {f.source.title!r} is a search-results page",
                 "replace it with the page the figure comes from (the official statistics body first)")
        if ind is not None and f.perimeter != ind.perimeter:
            what = f"perimeter {f.perimeter!r}" if f.perimeter else "no perimeter"
            note("warning", f"{what}, but indicator {ind.id} compares {ind.perimeter!r}: the barometer marks the "
                 "fact and does not compare it", f"set 'perimeter: {ind.perimeter}' if the figure measures that, "
                 "or tag it with an indicator of its perimeter")
        out.append(f)
    return out, issues


def _weak_source(f: Fact) -> bool:
    """A figure read on a search engine's results page rather than in its source."""
    return f.source.title.strip().lower() in ("search results", "résultats de recherche") or \
        bool(re.search(r"[?&;](q|query|search)=", f.source.url))


def as_compared(facts: list[Fact], territories: Territories) -> list[Fact]:
    """The facts with their territory resolved for comparison: "" for the home (named or not), a peer's id."""
    out = []
    for f in facts:
        tid = territories.resolve(f.territory)
        out.append(f if tid is None or tid == f.territory else replace(f, territory=tid))
    return out
