"""Issue 14 figures: the barometer over 10,000 synthetic peer facts (target ≤ 1 s) and 10,000 weight draws for the
robustness figure (target ≤ 2 s), plus the shipped corpus's barometer; the published barometer (its pages, SVG charts
and data, and every plotted value read back from the SVG against the facts) and, once, its report (PDF and DOCX). Synthetic facts: 100 territories (the home and
99 peers) × 10 indicators in 5 dimensions × 10 years, each a verified fact with its own id, source and value; 2 % of
them in another unit and 2 % at another perimeter (left out, as in the seed), 1 % a second figure for the same
territory and year (a conflict). Medians of --runs runs, after one warm-up. Writes bench/results/barometer.json.
Run: .venv/bin/python bench/bench_barometer.py [--facts 10000] [--draws 10000] [--runs 5] [--no-report]"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.barometer.build import build_barometer, load_barometer  # noqa: E402
from pipeline.barometer.compass import compute_compass  # noqa: E402
from pipeline.barometer.model import parse_value  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.facts import load_corpus  # noqa: E402
from pipeline.corpus.indicators import Indicator, Territories, Territory  # noqa: E402
from pipeline.publish.barometer import barometer_pages  # noqa: E402
from pipeline.publish.barometer_report import write_reports  # noqa: E402
from pipeline.publish.facts_pages import public_fact_base  # noqa: E402
from pipeline.publish.layout import Site  # noqa: E402
from pipeline.types import Fact, Source  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 2)
DIMENSIONS = ["accessibilité", "investissement", "talents", "tourisme et événements", "rayonnement"]


def synthetic(n_facts: int, seed: int = 14) -> tuple[list[Fact], dict[str, Indicator], Territories]:
    """`n_facts` peer facts over 100 territories, 10 indicators and 10 years (see the module docstring)."""
    rnd = random.Random(seed)
    inds = {f"ind{i}": Indicator(f"ind{i}", f"Indicateur {i}", f"Indicator {i}", "units", "unités",
                                 "metropolis", "lower" if i % 4 == 3 else "higher", DIMENSIONS[i % 5], 1.0 + i % 3)
            for i in range(10)}
    terr = ["HOME"] + [f"T{n:03d}" for n in range(99)]
    territories = Territories("HOME", {t: Territory(t, t, t) for t in terr})
    years = list(range(2015, 2025))
    facts, n = [], 0
    while len(facts) < n_facts:
        t, iid, y = terr[n % 100], f"ind{(n // 100) % 10}", years[(n // 1000) % 10]
        n += 1
        unit, perimeter = "units", "metropolis"
        roll = rnd.random()
        if roll < 0.02:
            unit = "thousand units"
        elif roll < 0.04:
            perimeter = "city"
        value = f"{rnd.uniform(10, 1000):.1f}".replace(".", ",")
        fid = f"SYN-{len(facts) + 1:05d}"
        extra = {}
        if roll > 0.99 and facts:
            extra = {"conflict_with": (facts[-1].id,)}
        facts.append(Fact(id=fid, filiere="territoire", statement_fr=f"{t} {iid} {y}: {value} unités.",
                          source=Source(f"Source {fid}", f"https://example.org/{fid}", rnd.random() < 0.3),
                          year=y, verified_on=TODAY, verified_by="bench", review_by=date(2027, 12, 2),
                          value=value, unit=unit, territory="" if t == "HOME" else t, indicator=iid,
                          perimeter=perimeter, **extra))
    return facts, inds, territories


def median_time(fn, runs: int) -> tuple[float, object]:
    fn()  # warm-up
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def published(b, facts: list[Fact]) -> tuple[list, list]:
    base = public_fact_base(facts, TODAY)
    site = Site(fact_base=True, barometer=True, fact_filiere={f.id: f.filiere for f in base.facts})
    return barometer_pages(site, b, facts)


def unbacked_marks(pages: list, facts: dict[str, Fact]) -> tuple[int, int]:
    """(marks on the published charts, marks whose data-value is not their fact's value) over every page."""
    marks = bad = 0
    for _, page, *_ in pages:
        for m in re.finditer(r"<svg\b.*?</svg>", page, re.S):
            for a in ET.fromstring(m.group(0)).iter("{http://www.w3.org/2000/svg}a"):
                fid = a.get("data-fact")
                if fid:  # compass scores carry no fact
                    marks += 1
                    bad += parse_value(facts[fid].value) != float(a.get("data-value"))
    return marks, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--facts", type=int, default=10_000)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-report", action="store_true", help="leave out the report's timing (about 15 s)")
    args = ap.parse_args()
    facts, inds, territories = synthetic(args.facts)
    compute_s, b = median_time(lambda: build_barometer(facts, inds, territories, TODAY, draws=0), args.runs)
    names = {t: territories.label(t) for t in b.compass.names}
    draws_s, comp = median_time(lambda: compute_compass(b.indicators, names, draws=args.draws), args.runs)
    by_id = {f.id: f for f in facts}
    unbacked = sum(1 for p in b.points() if parse_value(by_id[p.fact_id].value) != p.value)
    shipped = Settings(REPO / "corpus", REPO / "data", today_override=TODAY)
    seed_s, seed = median_time(lambda: load_barometer(shipped), args.runs)
    corpus_facts = load_corpus(shipped.corpus_dir, TODAY)[0]
    corpus = {f.id: f for f in corpus_facts}
    syn_pages_s, (syn_pages, syn_files) = median_time(lambda: published(b, facts), args.runs)
    seed_pages_s, (seed_pages, seed_files) = median_time(lambda: published(seed, corpus_facts), args.runs)
    syn_marks, syn_bad = unbacked_marks(syn_pages, by_id)
    seed_marks, seed_bad = unbacked_marks(seed_pages, corpus)
    report_s = cached_s = None
    if not args.no_report:
        with tempfile.TemporaryDirectory() as tmp:
            seed.report_cache = Path(tmp) / "cache"
            times = []
            for n in range(2):  # made, then copied from the cache (nothing changed)
                t0 = time.perf_counter()
                missing = write_reports(Path(tmp) / f"site{n}", seed, corpus_facts, public_fact_base(corpus_facts, TODAY))
                times.append(round(time.perf_counter() - t0, 2) if not missing else None)
            report_s, cached_s = times
    result = {
        "facts": len(facts), "indicators": len(inds), "territories": len(territories.items),
        "compute_s": round(compute_s, 3), "target_compute_s": 1.0,
        "draws": args.draws, "draws_s": round(draws_s, 3), "target_draws_s": 2.0,
        "points": len(b.points()), "points_without_fact": unbacked,
        "left_out": sum(len(r.left_out) for r in b.indicators),
        "ranked": sum(1 for r in comp.ranks.values() if r), "home_robustness": comp.robustness.get(""),
        "seed_corpus_barometer_s": round(seed_s, 3), "seed_points": len(seed.points()),
        "seed_points_without_fact": sum(1 for p in seed.points() if p.fact_id not in corpus
                                        or parse_value(corpus[p.fact_id].value) != p.value),
        "published_synthetic_s": round(syn_pages_s, 3), "published_synthetic_pages": len(syn_pages),
        "published_synthetic_marks": syn_marks, "published_synthetic_marks_without_fact": syn_bad,
        "published_seed_s": round(seed_pages_s, 3), "published_seed_pages": len(seed_pages),
        "published_seed_marks": seed_marks, "published_seed_marks_without_fact": seed_bad,
        "report_seed_s (fr+en, pdf+docx, one run)": report_s, "report_seed_cached_s (unchanged, one run)": cached_s,
    }
    out = REPO / "bench" / "results" / "barometer.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
