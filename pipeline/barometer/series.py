"""Per indicator: the home territory's series over the years and its place among peers for the latest comparable year.

Rules (corpus/README.md, "The barometer"): only verified facts that no other fact supersedes; a fact whose unit is
not the indicator's, whose perimeter is not the indicator's, that has no year or no single number is left out and
listed with the reason (never converted, never compared silently). Several facts for one territory and year: the one
that leads by the drafts' conflict rule is used, the others are shown beside it. The comparison year is the latest
year of the home series for which at least one peer has a figure at most YEAR_TOLERANCE years away; each peer's
closest figure is used (its year gap is marked); a peer with none that close is listed as missing.
"""
from __future__ import annotations

from datetime import date

from pipeline.barometer.model import (
    YEAR_TOLERANCE,
    Comparison,
    IndicatorReport,
    LeftOut,
    Other,
    Placement,
    Point,
    parse_value,
)
from pipeline.corpus.indicators import Indicator, Territories
from pipeline.corpus.preference import fact_preference
from pipeline.corpus.relations import conflict_map, superseded_map
from pipeline.types import Fact


def _left_out(f: Fact, ind: Indicator, superseded: dict[str, tuple[str, ...]]) -> LeftOut | None:
    """Why `f` cannot be a point of `ind`, or None when it can."""
    def out(kind: str, reason: str, fix: str) -> LeftOut:
        return LeftOut(f.id, f.territory, f.year, kind, reason, fix)
    if f.status != "verified" or f.id in superseded:
        why = f"superseded by {', '.join(superseded[f.id])}" if f.id in superseded else f"status {f.status}"
        return out("status", f"{why}: not used", "verify the fact (status: verified) to use it")
    if not ind.accepts_unit(f.unit):
        return out("unit", f"unit {f.unit!r} is not the indicator's {ind.unit!r}: not converted, not compared",
                   f"write the value in {ind.unit!r} (or {ind.unit_fr!r}), or tag the fact with another indicator")
    if f.perimeter != ind.perimeter:
        return out("perimeter", f"measures {f.perimeter or 'an unstated perimeter'!r}, the indicator compares "
                   f"{ind.perimeter!r}: not compared", f"set 'perimeter: {ind.perimeter}' if that is what it measures,"
                   " or tag it with an indicator of its own perimeter")
    if not f.year:
        return out("undated", "the figure has no year: it cannot be placed in a series or a comparison",
                   "give the fact the year its figure refers to")
    if parse_value(f.value) is None:
        return out("value", f"value {f.value!r} is not one number", "keep one figure in 'value' (split the fact in "
                   "two if it holds two)")
    return None


def _cells(facts: list[Fact], ind: Indicator, territories: Territories, today: date,
           conflicts: dict[str, tuple[str, ...]]) -> dict[str, dict[int, Point]]:
    """territory -> year -> the point used (the leading fact of that territory and year, the others beside it)."""
    groups: dict[tuple[str, int], list[Fact]] = {}
    for f in facts:
        groups.setdefault((f.territory, f.year), []).append(f)
    cells: dict[str, dict[int, Point]] = {}
    for (tid, year), fs in sorted(groups.items()):
        ids = {f.id for f in fs}
        lead = max(fs, key=lambda f: (*fact_preference(f, ids), f.id))
        value = parse_value(lead.value)
        others = tuple(Other(f.id, parse_value(f.value), f.value, parse_value(f.value) == value,
                             f.id in conflicts.get(lead.id, ())) for f in sorted(fs, key=lambda f: f.id) if f is not lead)
        cells.setdefault(tid, {})[year] = Point(
            tid, territories.label(tid, "fr", ind.perimeter), year, value, lead.value, lead.unit, lead.id,
            lead.source.title, lead.source.url, lead.is_stale(today), others)
    return cells


def rank(values: list[float], direction: str) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of `values`, best first in `direction` (higher or lower is better)."""
    sign = -1 if direction == "higher" else 1
    return [1 + sum(1 for w in values if sign * w < sign * v) for v in values]


def _closest(years: dict[int, Point], ref: int) -> Point | None:
    near = [y for y in years if abs(y - ref) <= YEAR_TOLERANCE]
    return years[min(near, key=lambda y: (abs(y - ref), -y))] if near else None


def _compare(cells: dict[str, dict[int, Point]], ind: Indicator, territories: Territories,
             notes: list[str]) -> Comparison | None:
    peers = [t for t in cells if t]
    home = cells.get("", {})
    if not peers:
        notes.append(f"one territory only: no peer has a figure for {ind.id} at perimeter {ind.perimeter!r}, so "
                     "there is no comparison (add peer facts tagged with this indicator)")
        return None
    if not home:
        notes.append(f"no figure for {territories.label('', 'fr', ind.perimeter)}: its place is not known "
                     f"(add a fact tagged 'indicator: {ind.id}', 'perimeter: {ind.perimeter}')")
    refs = sorted(home, reverse=True) or sorted({y for t in peers for y in cells[t]}, reverse=True)
    for ref in refs:
        chosen = {t: p for t in cells if (p := _closest(cells[t], ref)) is not None}
        if any(t for t in chosen) and (not home or "" in chosen):
            break
    else:
        notes.append(f"no peer figure within {YEAR_TOLERANCE} year(s) of any year of the home series "
                     f"({', '.join(map(str, sorted(home)))}): not compared")
        return None
    order = sorted(chosen.values(), key=lambda p: (-p.value if ind.direction == "higher" else p.value, p.name))
    ranks = rank([p.value for p in order], ind.direction)
    rows = tuple(Placement(p, r, p.year - ref) for p, r in zip(order, ranks))
    missing = tuple((territories.label(t, "fr", ind.perimeter), max(cells[t])) for t in peers if t not in chosen)
    home_rank = next((r.rank for r in rows if r.point.territory == ""), None)
    return Comparison(ref, rows, home_rank, missing)


def indicator_report(ind: Indicator, facts: list[Fact], territories: Territories, today: date,
                     conflicts: dict[str, tuple[str, ...]] | None = None,
                     superseded: dict[str, tuple[str, ...]] | None = None) -> IndicatorReport:
    """The report of one indicator from the facts tagged with it."""
    conflicts = conflict_map(facts) if conflicts is None else conflicts
    superseded = superseded_map(facts) if superseded is None else superseded
    report = IndicatorReport(ind)
    usable = []
    for f in facts:
        why = _left_out(f, ind, superseded)
        if why is None:
            usable.append(f)
        else:
            report.left_out.append(why)
    cells = _cells(usable, ind, territories, today, conflicts)
    report.series = [cells.get("", {})[y] for y in sorted(cells.get("", {}))]
    for p in (p for years in cells.values() for p in years.values()):
        if any(not o.agrees and not o.declared for o in p.others):
            report.notes.append(f"{p.name} {p.year}: {p.fact_id} and "
                                f"{', '.join(o.fact_id for o in p.others if not o.agrees)} give different figures "
                                f"without conflict_with: {p.fact_id} is used (link them with conflict_with)")
    report.comparison = _compare(cells, ind, territories, report.notes)
    return report
