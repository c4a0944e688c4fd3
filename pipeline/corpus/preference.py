"""Which fact leads a conflict group: the one rule drafts and the barometer share (corpus/README.md, "Conflicts")."""
from __future__ import annotations

import re

from pipeline.types import Fact


def fact_preference(f: Fact, group: set[str]) -> tuple:
    """Sort key of a fact within `group` (ids), higher leads: marked preferred, then superseding another fact of the
    group, then a primary source, then the most recent year, then the more exact figure (11 167 485 passengers, the
    airport's count, before "11,7 millions", a rounded restatement of it)."""
    return (f.preferred, bool(set(f.supersedes) & (group - {f.id})), f.source.primary is True, f.year, _digits(f.value))


def _digits(value: str) -> int:
    """How many significant digits a fact's value is written with ("11167485": 8; "11,7": 3)."""
    return len(re.sub(r"\D", "", str(value or "")).strip("0"))
