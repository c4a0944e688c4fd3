"""The compass: each territory's scores per dimension from normalised indicators, and the ranks' robustness.

Method (corpus/README.md, "The compass"):
- each indicator of the compass (a dimension, a weight above 0) with a comparison of two territories or more is
  normalised within that comparison, min-max and direction-aware: the best figure scores 100, the worst 0 (all equal:
  50 each); a territory without a figure in the comparison has no score for it (never 0, never filled in);
- a dimension's score is the weighted mean of the territory's indicator scores in that dimension; the overall score
  is the weighted mean of all its indicator scores; coverage is the share of the compass's weight it has figures for;
- territories with coverage of at least MIN_COVERAGE are ranked on the overall score; the others are shown, unranked;
- robustness: every weight is multiplied by an independent uniform draw in [0.5, 1.5] (±50 %), `draws` times; a
  territory's robustness is the share of draws in which it keeps its rank (JRC/OECD composite-indicator handbook,
  uncertainty analysis); `all_kept` is the share of draws in which the whole ranking is unchanged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.barometer.model import IndicatorReport
from pipeline.errors import BarometerError

MIN_COVERAGE = 0.5
SPREAD = 0.5  # weights vary within ±50 %


@dataclass
class Compass:
    weights: dict[str, float]                     # indicator id -> weight used (0: left out)
    dimension_of: dict[str, str]                  # indicator id -> dimension
    names: dict[str, str]                         # territory id -> name
    scores: dict[str, dict[str, float]]           # territory -> indicator -> normalised score (0-100)
    dimensions: dict[str, dict[str, float | None]] = field(default_factory=dict)  # territory -> dimension -> score
    overall: dict[str, float | None] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    robustness: dict[str, float] = field(default_factory=dict)
    all_kept: float | None = None
    draws: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        dims = sorted({d for d in self.dimension_of.values()})
        rows = [{"territory": t, "name": self.names[t], "overall": _r(self.overall.get(t)),
                 "coverage": round(self.coverage.get(t, 0.0), 3), "rank": self.ranks.get(t),
                 "robustness": _r(self.robustness.get(t), 3),
                 "dimensions": {d: _r(self.dimensions.get(t, {}).get(d)) for d in dims},
                 "indicators": {i: round(s, 1) for i, s in sorted(self.scores.get(t, {}).items())}}
                for t in sorted(self.names, key=lambda t: (self.ranks.get(t) or 999, self.names[t]))]
        return {"method": "min-max within the peer group, direction-aware (best 100, worst 0); weighted means; "
                          f"ranked when coverage >= {MIN_COVERAGE}; robustness over {self.draws} draws of weights "
                          f"within ±{int(SPREAD * 100)} %",
                "weights": self.weights, "dimensions": {i: d for i, d in sorted(self.dimension_of.items())},
                "territories": rows, "all_ranks_kept": _r(self.all_kept, 3), "notes": self.notes}


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def check_weights(weights: dict[str, float]) -> None:
    """BarometerError naming the indicator when a weight is negative or not a number, or when all are zero."""
    for iid, w in weights.items():
        if not isinstance(w, (int, float)) or isinstance(w, bool) or not math.isfinite(w):
            raise BarometerError(f"weight of indicator {iid!r} is {w!r}, not a number",
                                 fix="give every weight as a number of 0 or more")
        if w < 0:
            raise BarometerError(f"weight of indicator {iid!r} is negative ({w})",
                                 fix="give every weight as a number of 0 or more (0 leaves the indicator out)")
    if not weights or sum(weights.values()) <= 0:
        raise BarometerError("the compass weights sum to zero: there is nothing to weigh",
                             fix="give at least one indicator of the compass a weight above 0")


def normalised(report: IndicatorReport) -> dict[str, float]:
    """territory -> min-max score (0-100) of its figure in the indicator's comparison, direction-aware."""
    rows = report.comparison.rows if report.comparison else ()
    if len(rows) < 2:
        return {}
    values = [r.point.value for r in rows]
    lo, hi = min(values), max(values)
    out = {}
    for r in rows:
        s = 0.5 if hi == lo else (r.point.value - lo) / (hi - lo)
        out[r.point.territory] = 100.0 * (s if report.indicator.direction == "higher" else 1.0 - s)
    return out


def _ranks(overall: np.ndarray) -> np.ndarray:
    """Competition ranks along the last axis (1 best) of overall scores (higher is better)."""
    return 1 + (overall[..., None, :] > overall[..., :, None]).sum(axis=-1)


def compute_compass(reports: list[IndicatorReport], names: dict[str, str], weights: dict[str, float] | None = None,
                    draws: int = 1000, seed: int = 0) -> Compass:
    """The compass from the indicator reports; `weights` (indicator id -> weight) replace corpus/indicators.yaml's."""
    candidates = [r for r in reports if r.indicator.dimension]
    used = {r.indicator.id: float(r.indicator.weight) for r in candidates}
    if weights:
        unknown = sorted(set(weights) - set(used))
        if unknown:
            raise BarometerError(f"no compass indicator {', '.join(unknown)}",
                                 fix="weigh indicators that have a dimension: " + ", ".join(sorted(used)))
        used.update({k: v for k, v in weights.items()})
    check_weights(used)
    compass = Compass(used, {r.indicator.id: r.indicator.dimension for r in candidates}, {}, {})
    cols = []
    for r in candidates:
        if used[r.indicator.id] <= 0:
            continue
        scores = normalised(r)
        if not scores:
            compass.notes.append(f"{r.indicator.id}: fewer than two territories compared, left out of the compass")
            continue
        cols.append(r.indicator.id)
        for t, s in scores.items():
            compass.scores.setdefault(t, {})[r.indicator.id] = s
            compass.names[t] = names.get(t, t)
    if not cols:
        compass.notes.append("no indicator of the compass has a comparison: no score")
        return compass
    terr = sorted(compass.scores)
    S = np.array([[compass.scores[t].get(i, np.nan) for i in cols] for t in terr])
    M = ~np.isnan(S)
    S0 = np.where(M, S, 0.0)
    w = np.array([used[i] for i in cols])
    total = w.sum()
    for n, t in enumerate(terr):
        compass.coverage[t] = float((w * M[n]).sum() / total)
        compass.overall[t] = float((w * S0[n]).sum() / (w * M[n]).sum())
        compass.dimensions[t] = {}
        for d in sorted(set(compass.dimension_of[i] for i in cols)):
            k = np.array([compass.dimension_of[i] == d for i in cols]) & M[n]
            compass.dimensions[t][d] = float((w * S0[n] * k).sum() / (w * k).sum()) if (w * k).sum() > 0 else None
    ranked = [n for n, t in enumerate(terr) if compass.coverage[t] >= MIN_COVERAGE]
    for t in terr:
        compass.ranks[t] = None
    if not ranked:
        compass.notes.append(f"no territory has figures for {MIN_COVERAGE:.0%} of the compass's weight: none ranked")
        return compass
    Sr, Mr = S0[ranked], M[ranked]
    base = _ranks(np.array([compass.overall[terr[n]] for n in ranked]))
    for n, rk in zip(ranked, base):
        compass.ranks[terr[n]] = int(rk)
    if draws > 0:
        rng = np.random.default_rng(seed)
        W = w * rng.uniform(1 - SPREAD, 1 + SPREAD, size=(draws, len(cols)))
        # in chunks: the rank comparison holds draws x territories² booleans
        kept = np.concatenate([_ranks((c @ Sr.T) / (c @ Mr.T)) == base for c in np.array_split(W, -(-draws // 500))])
        for n, share in zip(ranked, kept.mean(axis=0)):
            compass.robustness[terr[n]] = float(share)
        compass.all_kept = float(kept.all(axis=1).mean())
        compass.draws = draws
    return compass
