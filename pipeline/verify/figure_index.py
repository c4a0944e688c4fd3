"""The facts' figures sorted by value per kind, so a sentence's figure finds its candidate facts by bisection."""
from __future__ import annotations

import bisect

from pipeline.verify.figures import Figure


class FigureIndex:
    """Fact figures sorted by value per kind, so a sentence figure finds its candidates by bisection."""

    def __init__(self, figures: dict[str, list[Figure]]) -> None:
        self.by_kind: dict[str, tuple[list[float], list[tuple[str, Figure]]]] = {}
        rows: dict[str, list[tuple[float, str, Figure]]] = {}
        for fid, figs in figures.items():
            for g in figs:
                kind = "number" if g.kind == "money" else g.kind
                rows.setdefault(kind, []).append((abs(g.value), fid, g))
        for kind, r in rows.items():
            r.sort(key=lambda t: t[0])
            self.by_kind[kind] = ([t[0] for t in r], [(t[1], t[2]) for t in r])

    def near(self, s: Figure) -> list[tuple[str, Figure]]:
        kinds = {"year": ("year", "date", "number"), "date": ("date",), "money": ("number",),
                 "percent": ("percent",), "ordinal": ("ordinal",), "number": ("number",)}[s.kind]
        out = []
        v = abs(s.value)
        lo, hi = (v, v) if s.kind in ("year", "date", "ordinal") else (v / 1.6, v * 1.6)
        for k in kinds:
            if s.kind == "date" and k == "date":
                vals, items = self.by_kind.get(k, ([], []))
                out.extend(items)  # dates compare by day and month; few of them
                continue
            vals, items = self.by_kind.get(k, ([], []))
            out.extend(items[bisect.bisect_left(vals, lo - 1e-9):bisect.bisect_right(vals, hi + 1e-9)])
        return out
