"""Derived facts: results the barometer computed, written as facts drafts may cite.

Derived facts: results the barometer computed (a rank, a change) written as facts drafts may cite, each with the
facts it was computed from (`derived_from`: fact id -> the content hash it had then; `barometer cite` writes them).

A derived fact is due for review as soon as one of the facts behind it is: its review date is, at the latest, the
earliest review date among them (on load, whatever the file says). When one of them changed since the result was
computed (another content hash), or is no longer there, verified and current (retired, superseded, draft), the result
may be wrong: it is loaded as due for review (its review date the day before it was verified) with a warning naming
the fact and the fix. Either way its content hash changes, so the drafts citing it are marked stale, like the drafts
citing a fact that changed."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pipeline.types import Fact, ValidationIssue

RECOMPUTE = "recompute it: 'python -m pipeline barometer cite' (then re-check the drafts citing it)"


def check_derived(facts: list[Fact]) -> tuple[list[Fact], list[ValidationIssue]]:
    """The facts, each derived one with its effective review date, and a warning per derived fact gone out of date."""
    by_id = {f.id: f for f in facts}
    superseded = {old for f in facts if f.status != "retired" for old in f.supersedes}
    out, issues = [], []
    for f in facts:
        if not f.derived_from:
            out.append(f)
            continue
        review, why = f.review_by, []
        for fid, recorded in f.derived_from:
            src = by_id.get(fid)
            if src is None:
                why.append(f"{fid} is no longer in the fact base")
            elif src.status != "verified" or fid in superseded:
                why.append(f"{fid} is {'superseded' if fid in superseded else src.status}")
            elif src.content_hash != recorded:
                why.append(f"{fid} changed since (value now {src.value!r})")
            else:
                review = min(review, src.review_by)
        if why:
            review = min(review, f.verified_on - timedelta(days=1))
            issues.append(ValidationIssue("warning", f.file, f.line, f.id, "computed from facts that moved: "
                                          + "; ".join(why) + ": treated as due for review", RECOMPUTE))
        out.append(f if review == f.review_by else replace(f, review_by=review))
    return out, issues
