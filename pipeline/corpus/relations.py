"""How facts relate to each other: their conflicts (symmetric, and grouped) and what supersedes what."""
from __future__ import annotations

from pipeline.types import Fact


def conflict_map(facts: list[Fact]) -> dict[str, tuple[str, ...]]:
    """Symmetric conflicts: if A lists B, B also conflicts with A."""
    out: dict[str, set[str]] = {f.id: set(f.conflict_with) for f in facts}
    for f in facts:
        for other in f.conflict_with:
            out.setdefault(other, set()).add(f.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def conflict_groups(facts: list[Fact]) -> list[list[str]]:
    """Facts linked by conflict_with, one group per connected set (A↔B and B↔C make one group of three)."""
    parent: dict[str, str] = {}

    def root(i: str) -> str:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i
    for f in facts:
        for other in f.conflict_with:
            parent[root(other)] = root(f.id)
    groups: dict[str, list[str]] = {}
    for i in parent:
        groups.setdefault(root(i), []).append(i)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def superseded_map(facts: list[Fact]) -> dict[str, tuple[str, ...]]:
    """Fact id -> ids of the facts that supersede it."""
    out: dict[str, list[str]] = {}
    for f in facts:
        for old in f.supersedes:
            out.setdefault(old, []).append(f.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}
