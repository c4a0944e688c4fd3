"""Which fact leads a conflict group: the one rule drafts and the barometer share (corpus/README.md, "Conflicts")."""
from __future__ import annotations

from pipeline.types import Fact


def fact_preference(f: Fact, group: set[str]) -> tuple:
    """Sort key of a fact within `group` (ids), higher leads: marked preferred, then superseding another fact of the
    group, then a primary source, then the most recent year."""
    return (f.preferred, bool(set(f.supersedes) & (group - {f.id})), f.source.primary is True, f.year)
