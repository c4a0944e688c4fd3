"""Issue 12 figures: draft the whole catalogue, French and English, and count what an editor could not publish.

Every model answer is recorded as it came (before repair) and checked sentence by sentence; the stored draft (after
repair) is checked again. Counts per finding: sentences in another language, prompt echoes, links not in a cited
fact, stutters, names or perimeters the cited facts do not hold, English drafts quoting French, headings equal to a
retrieval query; figures backed by a cited fact or flagged; pages failed; sections left out; seconds per page.
With --baseline DIR (a checkout of an earlier commit), that commit's bench/bench_drafts.py runs first on the same
machine, for the time per page of both in one run.

Run: .venv/bin/python bench/bench_publishable.py [--limit N] [--lang fr,en] [--baseline DIR]"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.catalogue import load_pages  # noqa: E402
from pipeline.corpus.facts import load_filieres  # noqa: E402
from pipeline.errors import DraftError  # noqa: E402
from pipeline.index.embedding import default_embedder  # noqa: E402
from pipeline.index.ingest import ingest  # noqa: E402
from pipeline.llm.base import llm_settings_from_env  # noqa: E402
from pipeline.llm.factory import make_chat_model  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402
from pipeline.wiring import open_drafter  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
FINDINGS = ("wrong_language", "prompt_echo", "unverified_link", "stutter", "unknown_entity")
FRENCH_QUOTE = re.compile(r"«|»|\(in French\)|en français", re.I)


class Recorder:
    """The configured chat model, with every answer kept as it came, for the 'before repair' counts."""

    def __init__(self, model) -> None:
        self.model, self.settings, self.answers = model, model.settings, []

    def complete(self, system, user, max_tokens=256, stop=None):
        r = self.model.complete(system, user, max_tokens=max_tokens, stop=stop)
        self.answers.append(r.text)
        return r

    def ping(self):
        return self.model.ping()


def findings(report) -> Counter:
    c = Counter(v.status for v in report.sentences if v.status in FINDINGS)
    c["sentences"] = len(report.sentences)
    return c


def baseline_median(checkout: Path, limit: int, langs: str) -> float | None:
    out = Path(tempfile.mkdtemp()) / "drafts.json"
    cmd = [sys.executable, "bench/bench_drafts.py", "--lang", langs, "--out", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    subprocess.run(cmd, cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())["summary"]["median_s_per_page"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="only the first N catalogue items (0: all)")
    ap.add_argument("--lang", default="fr,en")
    ap.add_argument("--baseline", help="a checkout of an earlier commit: its bench_drafts.py median, same run")
    ap.add_argument("--out", default=str(REPO / "bench/results/publishable.json"))
    args = ap.parse_args()
    base = baseline_median(Path(args.baseline), args.limit, args.lang) if args.baseline else None
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", today_override=TODAY)
    ingest(s, default_embedder())
    specs = load_pages(s.corpus_dir, load_filieres(s.corpus_dir))[: args.limit or None]
    model = Recorder(make_chat_model(llm_settings_from_env()))
    store = DraftStore.for_data_dir(s.data_dir)
    before, after, rows, failed = Counter(), Counter(), [], []
    t_all = time.perf_counter()
    with open_drafter(s, model=model, store=store) as (drafter, _):
        for spec in specs:
            queries = {sec.query.strip().lower() for sec in spec.sections}
            for lang in (x for x in args.lang.split(",") if x in spec.languages):
                model.answers.clear()
                try:
                    rec = store.add(drafter.draft(spec, lang))
                except DraftError as exc:
                    failed.append({"page": spec.id, "lang": lang, "reason": exc.message})
                    print(f"{spec.id:<40} {lang} FAILED: {exc.message}", flush=True)
                    continue
                for raw in model.answers:
                    before += findings(drafter.checker.check(raw, lang))
                report = drafter.checker.check(rec.text, lang)
                got = findings(report)
                after += got
                headings = [ln.lstrip("#").strip() for ln in rec.text.splitlines() if ln.startswith("#")]
                row = {"page": spec.id, "lang": lang, "seconds": rec.timings["total_s"],
                       "sentences": got["sentences"], **{k: got[k] for k in FINDINGS},
                       "english_quotes_french": int(lang == "en" and bool(FRENCH_QUOTE.search(rec.text))),
                       "headings_equal_to_query": sum(re.sub(r"\s*\[[^\]]*\]$", "", h).lower() in queries
                                                      for h in headings),
                       "omitted_sections": len(rec.check_report.get("omitted_sections", [])),
                       "figures": sum(len(v.figures) for v in report.sentences),
                       "figures_backed_or_flagged": sum(
                           1 for v in report.sentences for fc in v.figures
                           if (set(fc.backed_by) & set(v.cited)) or not v.ok)}
                rows.append(row)
                print(f"{spec.id:<40} {lang} {row['seconds']:5.1f} s  sentences {row['sentences']:3} "
                      + " ".join(f"{k} {row[k]}" for k in FINDINGS if row[k]), flush=True)
    figs = sum(r["figures"] for r in rows)
    summary = {
        "drafts": len(rows), "failed_pages": len(failed), "wall_s": round(time.perf_counter() - t_all, 1),
        "sentences_before_repair": before["sentences"], "sentences_after_repair": after["sentences"],
        "before_repair": {k: before[k] for k in FINDINGS}, "after_repair": {k: after[k] for k in FINDINGS},
        "english_drafts_quoting_french": sum(r["english_quotes_french"] for r in rows),
        "headings_equal_to_a_query": sum(r["headings_equal_to_query"] for r in rows),
        "sections_left_out": sum(r["omitted_sections"] for r in rows),
        "figures": figs, "figures_backed_or_flagged": round(sum(r["figures_backed_or_flagged"] for r in rows)
                                                            / figs, 4) if figs else 1.0,
        "median_s_per_page": round(statistics.median(r["seconds"] for r in rows), 2) if rows else None,
        "baseline_median_s_per_page": base,
    }
    print(json.dumps(summary, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"summary": summary, "rows": rows, "failed": failed}, indent=2,
                                         ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
