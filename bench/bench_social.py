"""Issue 17 figures: the whole social and video catalogue, French and English, on the configured model (the
embedded default unless STUDIO_LLM_BACKEND says otherwise).

For every social item: each network variant's length against its network's limit (as the network counts it).
For every video: the script's spoken time (documented rate, plus 2 s per silent shot) against its target
(within ±10 %). For both: figures not backed by a cited fact. For every script: its SRT and WebVTT, parsed back
with the `srt` and `webvtt-py` libraries, every cue within the reading limits (≤ 2 lines of ≤ 42 characters,
≥ 1 s on screen). Items the drafter refuses (no usable fact for a post; a duration the facts cannot reach) are
counted and named: a refusal is the product's answer, not a variant out of its limit.

Run: .venv/bin/python bench/bench_social.py [--lang fr,en] [--json]"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import srt  # noqa: E402
import webvtt  # noqa: E402

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.catalogue import load_pages  # noqa: E402
from pipeline.corpus.facts import load_filieres  # noqa: E402
from pipeline.corpus.networks import load_networks  # noqa: E402
from pipeline.draft.script import parse as parse_script  # noqa: E402
from pipeline.draft.script import within  # noqa: E402
from pipeline.draft.variants import parse as parse_variants  # noqa: E402
from pipeline.errors import DraftError  # noqa: E402
from pipeline.index.embedding import default_embedder  # noqa: E402
from pipeline.index.ingest import ingest  # noqa: E402
from pipeline.publish.subtitles import LINE, LINES, MIN_S, cues, to_srt, to_vtt  # noqa: E402
from pipeline.wiring import open_drafter  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
SITE = "https://www.oneprovence.example"


def unbacked(rec) -> int:
    return sum(1 for s in rec.check_report["sentences"] for f in s["figures"]
               if f["kind"] != "year" and not f["backed_by"])


def subtitle_problems(text: str, lang: str) -> list[str]:
    items = cues(parse_script(text, lang), lang)
    out = []
    parsed_srt = list(srt.parse(to_srt(items)))
    parsed_vtt = webvtt.read_buffer(io.StringIO(to_vtt(items)))
    if len(parsed_srt) != len(items) or len(parsed_vtt.captions) != len(items):
        out.append("cue count differs once parsed")
    for c in parsed_srt:
        lines = c.content.split("\n")
        if len(lines) > LINES or any(len(x) > LINE for x in lines):
            out.append(f"cue {c.index}: {lines}")
        if (c.end - c.start).total_seconds() < MIN_S - 1e-6:
            out.append(f"cue {c.index}: {(c.end - c.start).total_seconds():.2f} s")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="fr,en")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    langs = args.lang.split(",")
    import os
    os.environ["STUDIO_SITE_URL"] = SITE
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", today_override=TODAY)
    ingest(s, default_embedder())
    specs = [p for p in load_pages(s.corpus_dir, load_filieres(s.corpus_dir)) if p.kind in ("social", "video")]
    networks = load_networks(s.corpus_dir)
    res = {"social": {"posts": 0, "variants": 0, "within_limit": 0, "unbacked_figures": 0, "refused": []},
           "video": {"scripts": 0, "within_10pct": 0, "unbacked_figures": 0, "subtitle_files_valid": 0,
                     "refused": [], "off_target": []},
           "seconds": {}}
    t0 = time.perf_counter()
    with open_drafter(s) as (drafter, _):
        res["model"] = f"{drafter.model.settings.backend} {drafter.model.settings.model}"
        for spec in specs:
            for lang in (x for x in spec.languages if x in langs):
                t = time.perf_counter()
                try:
                    rec = drafter.draft(spec, lang)
                except DraftError as exc:
                    res[spec.kind]["refused"].append(f"{spec.id} [{lang}]: {exc.message}")
                    continue
                res["seconds"][f"{spec.id}.{lang}"] = round(time.perf_counter() - t, 2)
                if spec.kind == "social":
                    res["social"]["posts"] += 1
                    for v in parse_variants(rec.text, networks):
                        res["social"]["variants"] += 1
                        res["social"]["within_limit"] += v.length() <= v.network.limit
                    res["social"]["unbacked_figures"] += unbacked(rec)
                else:
                    script = parse_script(rec.text, lang)
                    spoken = script.seconds(lang) + 2.0 * sum(not x.voice for x in script.shots)
                    res["video"]["scripts"] += 1
                    if within(spoken, spec.duration):
                        res["video"]["within_10pct"] += 1
                    else:
                        res["video"]["off_target"].append(f"{spec.id} [{lang}]: {spoken:.1f} s for {spec.duration} s")
                    res["video"]["unbacked_figures"] += unbacked(rec)
                    problems = subtitle_problems(rec.text, lang)
                    res["video"]["subtitle_files_valid"] += not problems
    res["total_s"] = round(time.perf_counter() - t0, 1)
    shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    so, vi = res["social"], res["video"]
    print(f"model: {res['model']}; {res['total_s']} s in all")
    print(f"social: {so['posts']} posts, {so['variants']} variants, within their network's limit "
          f"{so['within_limit']}/{so['variants']}, unbacked figures {so['unbacked_figures']}, refused {len(so['refused'])}")
    for r in so["refused"]:
        print(f"   refused {r}")
    print(f"video: {vi['scripts']} scripts, within ±10 % of the target {vi['within_10pct']}/{vi['scripts']}, unbacked "
          f"figures {vi['unbacked_figures']}, subtitle files valid and within the reading limits "
          f"{vi['subtitle_files_valid']}/{vi['scripts']}, refused {len(vi['refused'])}")
    for r in vi["refused"] + vi["off_target"]:
        print(f"   {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
