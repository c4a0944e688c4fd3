"""Measure `ask` on a question set: abstention, answer rate, grounding of every figure, latency."""
from __future__ import annotations

from pipeline.ask.answerer import Answerer
from pipeline.retrieve.evaluate import Question
from pipeline.verify.checker import cited_ids


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else 0.0


def evaluate_ask(answerer: Answerer, questions: list[Question]) -> dict:
    """Per question: abstained or not, cited ids, every figure of the answer backed by a cited fact."""
    rows = []
    for q in questions:
        r = answerer.ask(q.question, q.lang or None)
        cited = [c["id"] for c in r.citations]
        report = answerer.checker.check(r.answer, r.lang) if not r.abstained else None
        figures = [fc for s in (report.sentences if report else []) for fc in s.figures]
        grounded = [fc for fc in figures if set(fc.backed_by) & set(cited)]
        ids_in_text = set(cited_ids(r.answer))
        rows.append({"qid": q.qid, "type": q.type, "abstained": r.abstained, "cited": cited,
                     "expected": list(q.fact_ids), "hit": bool(set(cited) & set(q.fact_ids)),
                     "first_cited": (cited_ids(r.answer) or [None])[0],
                     "first_hit": (cited_ids(r.answer) or [None])[0] in q.fact_ids,
                     "figures": len(figures), "grounded_figures": len(grounded),
                     "unknown_ids": sorted(i for i in ids_in_text if answerer.retriever.fact(i) is None),
                     "generated": r.generated, "latency_s": round(r.latency_s, 3)})
    ans = [r for r in rows if r["type"] == "answerable"]
    nib = [r for r in rows if r["type"] == "not_in_base"]
    figs = sum(r["figures"] for r in rows)
    lat = [r["latency_s"] for r in rows]
    return {
        "n": len(rows),
        "answerable_answered": round(sum(not r["abstained"] for r in ans) / len(ans), 4) if ans else None,
        "answerable_with_expected_fact": round(sum(r["hit"] for r in ans if not r["abstained"]) / len(ans), 4)
        if ans else None,
        "answerable_first_citation_expected": round(sum(r["first_hit"] for r in ans if not r["abstained"])
                                                    / len(ans), 4) if ans else None,
        "not_in_base_abstained": round(sum(r["abstained"] for r in nib) / len(nib), 4) if nib else None,
        "figures_in_answers": figs,
        "figures_grounded_in_cited_fact": round(sum(r["grounded_figures"] for r in rows) / figs, 4) if figs else 1.0,
        "cited_ids_unknown": sum(len(r["unknown_ids"]) for r in rows),
        "generated_answers": sum(r["generated"] for r in rows),
        "latency_p50_s": round(_pct(lat, 50), 3), "latency_p95_s": round(_pct(lat, 95), 3),
        "rows": rows,
    }


def render_ask_eval(result: dict, source: str) -> str:
    """The figures as a short text report."""
    lines = [f"{result['n']} questions from {source}",
             f"answerable answered:              {result['answerable_answered']}",
             f"  ... citing an expected fact:    {result['answerable_with_expected_fact']}",
             f"  ... first citation expected:    {result['answerable_first_citation_expected']}",
             f"not_in_base abstained:            {result['not_in_base_abstained']}",
             f"figures grounded in a cited fact: {result['figures_grounded_in_cited_fact']} "
             f"({result['figures_in_answers']} figures)",
             f"cited ids that do not exist:      {result['cited_ids_unknown']}",
             f"answers with model text kept:     {result['generated_answers']}",
             f"latency p50 / p95:                {result['latency_p50_s']} s / {result['latency_p95_s']} s"]
    wrong = [r["qid"] for r in result["rows"] if (r["type"] == "not_in_base") != r["abstained"]]
    lines.append(f"wrong abstention decisions:       {' '.join(wrong) or '-'}")
    return "\n".join(lines)
