"""Issue 5 figures: draft the whole catalogue in both languages with the configured model (embedded by default)
and measure grounding, time and tokens. Run: .venv/bin/python bench/bench_drafts.py [--limit N] [--lang fr,en]"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.catalogue import load_pages  # noqa: E402
from pipeline.corpus.facts import load_filieres  # noqa: E402
from pipeline.errors import DraftError  # noqa: E402
from pipeline.index.embedding import default_embedder  # noqa: E402
from pipeline.index.ingest import ingest  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402
from pipeline.wiring import open_drafter  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="draft only the first N items (0: all)")
    ap.add_argument("--lang", default="fr,en")
    ap.add_argument("--out", default=str(REPO / "bench/results/drafts.json"))
    args = ap.parse_args()
    langs = args.lang.split(",")
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", today_override=TODAY)
    ingest(s, default_embedder())
    specs = load_pages(s.corpus_dir, load_filieres(s.corpus_dir))
    if args.limit:
        specs = specs[: args.limit]
    rows, refused = [], []
    store = DraftStore.for_data_dir(s.data_dir)
    t_all = time.perf_counter()
    with open_drafter(s, store=store) as (drafter, _):
        facts = drafter.retriever.snap.facts
        for spec in specs:
            for lang in langs:
                if lang not in spec.languages:
                    continue
                try:
                    rec = store.add(drafter.draft(spec, lang))
                except DraftError as exc:  # refused: no verified, current fact for it (nothing stored)
                    refused.append({"page": spec.id, "lang": lang, "reason": exc.message})
                    print(f"{spec.id:<40} {lang} REFUSED: {exc.message}", flush=True)
                    continue
                report = drafter.checker.check(rec.text, lang)
                cited = {i for v in report.sentences for i in v.cited}
                figures = backed = flagged = 0
                for v in report.sentences:
                    for fc in v.figures:
                        figures += 1
                        if set(fc.backed_by) & set(v.cited):
                            backed += 1
                        elif not v.ok:
                            flagged += 1
                unknown = sorted(i for i in cited if i not in facts)
                unusable = sorted(i for i in cited if i in facts and drafter.checker.problem(i))
                t = rec.timings
                rows.append({"page": spec.id, "lang": lang, "kind": spec.kind, "seconds": t["total_s"],
                             "tokens_in": rec.tokens_in, "tokens_out": rec.tokens_out,
                             "estimate_in": t["estimate_in"], "estimate_out": t["estimate_out"],
                             "tiktoken_in": t["tiktoken_in"], "tiktoken_out": t["tiktoken_out"],
                             "figures": figures, "backed": backed, "flagged": flagged, "unknown_ids": unknown,
                             "stale_or_retired_used": unusable, "repairs": len(rec.check_report["repairs"])})
                print(f"{spec.id:<40} {lang} {t['total_s']:6.1f} s  figures {figures:3} backed {backed:3} "
                      f"flagged {flagged}  repairs {rows[-1]['repairs']}", flush=True)
    figs = sum(r["figures"] for r in rows)
    ok = sum(r["backed"] + r["flagged"] for r in rows)
    est_in = sum(r["estimate_in"] for r in rows)
    tk_in = sum(r["tiktoken_in"] for r in rows)
    est_tot = est_in + sum(r["estimate_out"] for r in rows)
    tk_tot = tk_in + sum(r["tiktoken_out"] for r in rows)
    summary = {
        "drafts": len(rows), "refused": len(refused), "wall_s": round(time.perf_counter() - t_all, 1),
        "figures": figs, "figures_backed_or_flagged": round(ok / figs, 4) if figs else 1.0,
        "figures_backed": round(sum(r["backed"] for r in rows) / figs, 4) if figs else 1.0,
        "unknown_ids_cited": sum(len(r["unknown_ids"]) for r in rows),
        "stale_or_retired_facts_used": sum(len(r["stale_or_retired_used"]) for r in rows),
        "median_s_per_page": round(statistics.median(r["seconds"] for r in rows), 2),
        "p95_s_per_page": round(sorted(r["seconds"] for r in rows)[int(0.95 * (len(rows) - 1))], 2),
        "median_tokens_per_page": statistics.median(r["tokens_in"] + r["tokens_out"] for r in rows),
        "estimate_vs_tiktoken_prompt_tokens": round(est_in / tk_in, 4) if tk_in else None,
        "estimate_vs_tiktoken_total_tokens": round(est_tot / tk_tot, 4) if tk_tot else None,
        "backend_vs_tiktoken_prompt_tokens": round(sum(r["tokens_in"] for r in rows) / tk_in, 4) if tk_in else None,
    }
    print(json.dumps(summary, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows, "refused": refused}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
