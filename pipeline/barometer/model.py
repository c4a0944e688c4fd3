"""The barometer's plain data: points backed by one fact each, comparisons among peers, facts left out and why."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.corpus.indicators import Indicator

YEAR_TOLERANCE = 1  # a peer's figure is compared when its year is at most this far from the reference year


def parse_value(text: str) -> float | None:
    """A fact's `value` as one number ("1911311", "70,5", "11.7", "1 234", "1,234,567"), or None when it is not
    one number ("70,5 / 19,7", "2e")."""
    t = re.sub(r"[\s\u202f\xa0]", "", str(text))
    if re.fullmatch(r"-?\d+", t):
        return float(t)
    if re.fullmatch(r"-?\d+[.,]\d+", t):
        return float(t.replace(",", "."))
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", t):
        return float(t.replace(",", ""))
    return None


@dataclass(frozen=True)
class Other:
    """Another fact for the same territory and year, not the one used."""

    fact_id: str
    value: float
    value_text: str
    agrees: bool       # same number as the fact used
    declared: bool     # linked to it by conflict_with

    def to_json(self) -> dict[str, Any]:
        return {"fact_id": self.fact_id, "value": self.value, "value_text": self.value_text, "agrees": self.agrees,
                "declared_conflict": self.declared}


@dataclass(frozen=True)
class Point:
    """One figure on a chart: a territory's value for a year, exactly one fact's value, with its provenance."""

    territory: str     # "" is the home territory
    name: str          # the territory's name at the indicator's perimeter
    year: int
    value: float
    value_text: str
    unit: str
    fact_id: str
    source_title: str
    source_url: str
    stale: bool
    others: tuple[Other, ...] = ()

    @property
    def conflict(self) -> bool:
        return any(not o.agrees for o in self.others)

    def to_json(self) -> dict[str, Any]:
        return {"territory": self.territory, "name": self.name, "year": self.year, "value": self.value,
                "value_text": self.value_text, "unit": self.unit, "fact_id": self.fact_id,
                "source_title": self.source_title, "source_url": self.source_url, "stale": self.stale,
                "conflict": self.conflict, "others": [o.to_json() for o in self.others]}


@dataclass(frozen=True)
class LeftOut:
    """A fact of the indicator the barometer does not plot or compare, with the reason and the fix."""

    fact_id: str
    territory: str
    year: int
    kind: str          # unit | perimeter | undated | value | status
    reason: str
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {"fact_id": self.fact_id, "territory": self.territory, "year": self.year, "kind": self.kind,
                "reason": self.reason, "fix": self.fix}


@dataclass(frozen=True)
class Placement:
    point: Point
    rank: int          # 1 is best, in the indicator's direction; ties share a rank
    year_gap: int      # the point's year minus the comparison's year (0: same year; marked otherwise)

    def to_json(self) -> dict[str, Any]:
        return {**self.point.to_json(), "rank": self.rank, "year_gap": self.year_gap}


@dataclass(frozen=True)
class Comparison:
    """The territories' places for one year (same indicator, same perimeter, years within the tolerance)."""

    year: int
    rows: tuple[Placement, ...]
    home_rank: int | None
    missing: tuple[tuple[str, int], ...]  # (name, latest year) of peers with no figure close enough to `year`

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "tolerance_years": YEAR_TOLERANCE, "count": len(self.rows),
                "home_rank": self.home_rank, "rows": [r.to_json() for r in self.rows],
                "missing": [{"name": n, "latest_year": y} for n, y in self.missing]}


@dataclass
class IndicatorReport:
    indicator: Indicator
    series: list[Point] = field(default_factory=list)        # the home territory, by year
    comparison: Comparison | None = None
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)           # what is missing, said (never filled in)

    def points(self) -> list[Point]:
        """Every point this indicator shows (series and comparison)."""
        return self.series + ([r.point for r in self.comparison.rows] if self.comparison else [])

    def to_json(self) -> dict[str, Any]:
        ind = self.indicator
        return {"id": ind.id, "name_fr": ind.name_fr, "name_en": ind.name_en, "unit": ind.unit,
                "perimeter": ind.perimeter, "direction": ind.direction, "dimension": ind.dimension,
                "weight": ind.weight, "series": [p.to_json() for p in self.series],
                "comparison": self.comparison.to_json() if self.comparison else None,
                "left_out": [x.to_json() for x in self.left_out], "notes": self.notes}
