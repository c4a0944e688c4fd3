"""Issue 16 figure: the resource centre's part of a publish (fact-base pages, open data, what changed) at 1,000-10,000 facts.

Synthetic facts made by the bench from the shipped corpus's home facts: copies under new ids, spread over the
corpus's filières, about 1 in 10 in conflict with the previous one; the review dates are kept, so the share of stale
facts is the seed's. Each size is built --repeat times into a new folder with build_site (no approved text: only the
homes, the 404 and the resource centre), then once more against the snapshot of the first with 10 % of the values
changed and 5 % of the facts retired, for the "what changed" page. Medians are kept.

Run: .venv/bin/python bench/bench_resource_centre.py [--sizes 1000,10000] [--repeat 3]"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.corpus.facts import load_corpus, load_filieres  # noqa: E402
from pipeline.publish.fact_changes import compare, read_snapshot  # noqa: E402
from pipeline.publish.facts_pages import public_fact_base  # noqa: E402
from pipeline.publish.site import build_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "resource_centre.json"
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def synthetic(n: int) -> list:
    """`n` home facts: the corpus's own, copied under new ids, one in ten in conflict with the one before."""
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    home = [f for f in facts if not f.territory and f.status == "verified"]
    out = []
    for i in range(n):
        f = home[i % len(home)]
        fid = f"SYN-{i:05d}"
        out.append(replace(f, id=fid, conflict_with=(f"SYN-{i - 1:05d}",) if i and i % 10 == 0 else (),
                           supersedes=()))
    return out


def labels() -> dict:
    fil = load_filieres(REPO / "corpus")
    return {"fr": {f.id: f.label_fr for f in fil.items.values()}, "en": {f.id: f.label_en for f in fil.items.values()}}


def build(folder: Path, facts: list, previous: dict | None) -> dict:
    """One build: seconds for the selection, the comparison and the pages and files; the site's size."""
    t0 = time.perf_counter()
    base = public_fact_base(facts, TODAY)
    t1 = time.perf_counter()
    changes = compare(previous, base)
    t2 = time.perf_counter()
    build_site(folder, [], [], NOW, labels(), "", base, None, changes)
    t3 = time.perf_counter()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    pages = sum(1 for _ in (folder / "fr" / "faits").glob("*.html")) + sum(1 for _ in (folder / "en" / "faits").glob("*.html"))
    return {"select_s": t1 - t0, "compare_s": t2 - t1, "write_s": t3 - t2, "total_s": t3 - t0, "bytes": size,
            "fact_pages": pages, "changes": {k: len(v) for k, v in changes.to_json().items() if k != "since"}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        facts = synthetic(n)
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(args.repeat):
                folder = Path(tmp) / f"site-{r}"
                folder.mkdir()
                runs.append(build(folder, facts, None))
            previous = read_snapshot(Path(tmp) / "site-0")
            edited = [replace(f, value=f.value + "0") if i % 10 == 1 else
                      replace(f, status="retired") if i % 20 == 2 else f for i, f in enumerate(facts)]
            folder = Path(tmp) / "site-again"
            folder.mkdir()
            again = build(folder, edited, previous)
        med = {k: statistics.median(r[k] for r in runs) for k in ("select_s", "write_s", "total_s")}
        rows.append({"facts": n, **{k: round(v, 3) for k, v in med.items()}, "bytes": runs[0]["bytes"],
                     "fact_pages": runs[0]["fact_pages"], "second_publish_total_s": round(again["total_s"], 3),
                     "compare_s": round(again["compare_s"], 3), "changes": again["changes"]})
        print(json.dumps(rows[-1], ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"run_on": date.today().isoformat(), "repeat": args.repeat, "sizes": rows},
                                  ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
