"""Issue 6 figures: the review queue with 1,000 drafts and the draft view of a 1,500-word draft, each rendered
headless in Streamlit's AppTest (target ≤ 1 s). Builds a fresh corpus copy, its real index and a drafts database of
1,000 pages in review (about 1,400 versions, texts made of the facts' statements, real check reports), then times
full script runs: the first run (cold caches: index read, checker built) apart, then the median of the next ones.
Run: .venv/bin/python bench/bench_review.py [--drafts 1000] [--runs 7]"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.catalogue import load_pages  # noqa: E402
from pipeline.corpus.facts import load_corpus, load_filieres  # noqa: E402
from pipeline.index.embedding import default_embedder  # noqa: E402
from pipeline.index.ingest import ingest  # noqa: E402
from pipeline.review.desk import FactSnapshot, ReviewDesk, latest_drafts  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402
from pipeline.store.record import DraftRecord  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
TARGET_S = 1.0
STATUSES = ["draft"] * 50 + ["in_review"] * 15 + ["changes_requested"] * 10 + ["approved"] * 15 + ["rejected"] * 10


def text_of(facts: list, words: int, rnd: random.Random, wrong: bool = False) -> tuple[str, list]:
    """A draft made of fact statements with their citations, about `words` long; `wrong` alters one figure."""
    parts, cited, n = ["# Brouillon\n\n"], [], 0
    while n < words:
        f = rnd.choice(facts)
        sentence = f.statement_fr.rstrip(". ") + f" [{f.id}]. "
        parts.append(sentence + ("\n\n" if rnd.random() < 0.2 else ""))
        cited.append(f)
        n += len(sentence.split())
    text = "".join(parts)
    if wrong:
        text = text.replace(" 2024 ", " 2019 ", 1)
    return text, [{"id": f.id, "content_hash": f.content_hash} for f in dict.fromkeys(cited)]


def build(settings: Settings, n_drafts: int, rnd: random.Random) -> tuple[DraftStore, int]:
    """The drafts database: n_drafts (page, language) pairs, some with older versions; returns the 1,500-word id."""
    facts, _ = load_corpus(settings.corpus_dir, TODAY)
    current = [f for f in facts if f.status == "verified" and not f.is_stale(TODAY)]
    snap = FactSnapshot(facts, TODAY)
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    store = DraftStore.for_data_dir(settings.data_dir)
    pairs = [(s.id, lang) for s in specs for lang in s.languages]
    k = 0
    while len(pairs) < n_drafts:  # campaign variants of catalogue pages: listed "hors catalogue"
        s = specs[k % len(specs)]
        pairs.append((f"{s.id}--variante-{k // len(specs) + 1}", s.languages[k % len(s.languages)]))
        k += 1
    for page_id, lang in pairs[:n_drafts]:
        for v in range(rnd.choice((1, 1, 1, 2, 3))):
            text, cited = text_of(current, rnd.choice((120, 180, 220, 300, 450)), rnd, wrong=rnd.random() < 0.15)
            rec = DraftRecord(page_id=page_id, lang=lang, title=page_id.replace("-", " ").capitalize(), text=text,
                              facts=cited, prompt_name="page", prompt_hash="0" * 64, backend="llama-cpp",
                              model="gemma-3-270m-it", params={"temperature": 0.2}, tokens_in=900, tokens_out=400,
                              tokens_estimated=1300, cost_estimate=0.0, timings={"total_s": 4.2},
                              check_report=snap.report(text, lang), status=rnd.choice(STATUSES))
            store.add(rec)
    text, cited = text_of(current, 1500, rnd, wrong=True)
    long = store.add(replace(rec, page_id="dossier-de-presse-1500-mots", lang="fr", title="Dossier de presse",
                             text=text, facts=cited, check_report=snap.report(text, "fr"), status="draft", id=None,
                             version=None))
    return store, long.id


def timed(at, runs: int) -> tuple[float, list[float]]:
    """(first run, the next `runs` runs), in seconds."""
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        if at.exception:
            raise SystemExit(f"the app raised: {at.exception[0].value}")
    return times[0], times[1:]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drafts", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", default=str(REPO / "bench/results/review.json"))
    args = ap.parse_args()
    rnd = random.Random(6)
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", today_override=TODAY)
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(STUDIO_CORPUS_DIR=str(s.corpus_dir), STUDIO_DATA_DIR=str(s.data_dir),
                      STUDIO_TODAY=TODAY.isoformat())
    t = time.perf_counter()
    ingest(s, default_embedder())
    store, long_id = build(s, args.drafts, rnd)
    print(f"setup (index + {args.drafts} drafts): {time.perf_counter() - t:.0f} s", flush=True)
    rows = store.latest()
    words = len(store.get(long_id).text.split())
    print(f"{len(rows)} drafts in the queue, {len(store.list())} versions stored; long draft: {words} words")

    t = time.perf_counter()
    store.latest()
    light = time.perf_counter() - t
    t = time.perf_counter()
    latest_drafts(store)
    heavy = time.perf_counter() - t
    print(f"queue query: store.latest() {light * 1000:.0f} ms vs every version with its text {heavy * 1000:.0f} ms")

    from streamlit.testing.v1 import AppTest
    user = ReviewDesk(store).add_user("bench", "approver", "bench password 1")[0]
    results = {"drafts_in_queue": len(rows), "versions": len(store.list()), "long_draft_words": words,
               "query_light_s": light, "query_all_versions_s": heavy, "target_s": TARGET_S}
    # AppTest's own cost for a fresh session (it scans installed packages for components on its first run; a
    # server does that once at start): measured on a one-line script, so the app's share can be told apart
    blank = []
    for _ in range(3):
        at = AppTest.from_string("import streamlit as st\nst.write('x')", default_timeout=120)
        t = time.perf_counter()
        at.run()
        blank.append(time.perf_counter() - t)
    results["apptest_first_run_blank_script_s"] = blank
    print("AppTest first run of a one-line script (harness overhead), 3 fresh sessions: "
          + ", ".join(f"{b:.2f} s" for b in blank))
    cases = [("queue, default filters", {}, None),
             ("queue, all 1,000 drafts listed", {}, ["draft", "in_review", "changes_requested", "approved",
                                                     "rejected", "stale"]),
             ("draft view, 1,500 words", {"draft_id": long_id}, None)]
    for name, state, statuses in cases:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.session_state["user"] = user
        for k, v in state.items():
            at.session_state[k] = v
        if statuses:
            at.run()
            at.multiselect(key="queue_status").set_value(statuses)
        first, rest = timed(at, args.runs)
        med = statistics.median(rest)
        shown = len(at.dataframe[0].value) if at.dataframe and "draft_id" not in state else None
        print(f"{name:<32} first run {first:.2f} s · median of {len(rest)} {med:.3f} s (min {min(rest):.3f}, "
              f"max {max(rest):.3f}) → {med / TARGET_S:.2f} of the 1 s target"
              + (f" · {shown} rows" if shown is not None else ""), flush=True)
        results[name] = {"first_s": first, "median_s": med, "min_s": min(rest), "max_s": max(rest),
                         "runs": rest, "ratio_to_target": med / TARGET_S, "rows": shown}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written to {args.out}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
