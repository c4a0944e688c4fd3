"""Measure the claim checker on a labelled set: flagging precision and recall per kind and language."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.corpus.facts import read_csv_rows
from pipeline.verify.checker import ClaimChecker

FALSE_KINDS = ("changed_figure", "wrong_year", "wrong_unit", "moved_entity", "invented_figure")


@dataclass(frozen=True)
class LabelledClaim:
    id: str
    lang: str
    text: str
    label: bool
    kind: str


def read_claims(path: Path) -> list[LabelledClaim]:
    """Rows of a labelled set (columns id, lang, text, label, kind)."""
    rows = read_csv_rows(path, {"id", "lang", "text", "label", "kind"}, "a labelled claims CSV",
                         "columns: id, lang, text, label (true/false), kind")
    return [LabelledClaim(r["id"], r["lang"], r["text"], r["label"].strip().lower() == "true", r["kind"])
            for r in rows]


def _pr(tp: int, fp: int, fn: int) -> dict:
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None, "tp": tp, "fp": fp, "fn": fn}


def evaluate_claims(checker: ClaimChecker, claims: list[LabelledClaim]) -> dict:
    """Flags per signal: the figure check alone; the claim check (a figure contradicted or unsupported, or a name or
    perimeter its facts do not hold: what makes the claim false, whatever the facts' review dates); the semantic
    signal; any status that is not ok (which also counts stale citations and wording findings)."""
    fig_flag, claim_flag, sem_flag, any_flag = {}, {}, {}, {}
    for c in claims:
        report = checker.check(c.text, c.lang)
        fig_flag[c.id] = any(s.figure_status in ("contradicted", "unsupported") for s in report.sentences)
        claim_flag[c.id] = any(s.entity_problem or s.figure_status in ("contradicted", "unsupported")
                               for s in report.sentences)
        sem_flag[c.id] = any(not s.semantic_ok for s in report.sentences)
        any_flag[c.id] = not report.ok
    out: dict = {"n": len(claims), "true": sum(c.label for c in claims), "false": sum(not c.label for c in claims)}
    for name, flags in (("figure_check", fig_flag), ("claim_check", claim_flag), ("semantic", sem_flag),
                        ("any_status", any_flag)):
        false = [c for c in claims if not c.label]
        true = [c for c in claims if c.label]
        tp = sum(flags[c.id] for c in false)
        fp = sum(flags[c.id] for c in true)
        block = {"overall": _pr(tp, fp, len(false) - tp),
                 "caught": round(tp / len(false), 4) if false else None,
                 "false_flags_on_true": round(fp / len(true), 4) if true else None,
                 "by_kind": {}, "by_lang": {}}
        kinds = defaultdict(list)
        for c in false:
            kinds[c.kind].append(c)
        for kind in sorted(kinds, key=lambda k: (k not in FALSE_KINDS, k)):
            caught = sum(flags[c.id] for c in kinds[kind])
            block["by_kind"][kind] = {"n": len(kinds[kind]), "caught": caught,
                                      "recall": round(caught / len(kinds[kind]), 4)}
        for lang in sorted({c.lang for c in claims}):
            lf = [c for c in false if c.lang == lang]
            lt = [c for c in true if c.lang == lang]
            ltp = sum(flags[c.id] for c in lf)
            lfp = sum(flags[c.id] for c in lt)
            block["by_lang"][lang] = {**_pr(ltp, lfp, len(lf) - ltp),
                                      "false_flags_on_true": round(lfp / len(lt), 4) if lt else None}
        out[name] = block
    out["missed"] = [c.id for c in claims if not c.label and not claim_flag[c.id]]
    out["false_flags"] = [c.id for c in claims if c.label and claim_flag[c.id]]
    return out
