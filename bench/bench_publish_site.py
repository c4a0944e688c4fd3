"""Issue 13 figure: publish of the whole catalogue (every page approved in French and English, documents included).

Each catalogue item and language gets an approved text made from its filières' fact wordings with their citations
(approved through the real review desk, so the audit log holds the hashes publish checks). The catalogue is then
copied k times under new ids (k = 1, 2, 4 by default) to see how the publish grows with pages. Each size is
published --repeat times into a new folder; the median is kept, with the time spent making the PDFs.

Run: .venv/bin/python bench/bench_publish_site.py [--scales 1,2,4] [--repeat 3] [--keep DIR]
(--keep DIR leaves the scale-1 site in DIR, for a look in a browser.)"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.catalogue import load_pages  # noqa: E402
from pipeline.corpus.facts import load_filieres  # noqa: E402
from pipeline.publish import pdf as pdf_module  # noqa: E402
from pipeline.publish import site as site_module  # noqa: E402
from pipeline.retrieve.fact_base import current_facts  # noqa: E402
from pipeline.review.desk import ReviewDesk  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402
from pipeline.store.record import DraftRecord  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "publish_site.json"


def page_text(spec, lang: str, by_filiere: dict) -> tuple[str, list]:
    """A text as the drafter writes them: the title, then per section a paragraph of cited wordings."""
    pool = [f for fil in spec.filieres for f in by_filiere.get(fil, []) if f.wording(lang)]
    lines, used = [f"# {spec.title(lang)}", ""], []
    for n, sec in enumerate(spec.sections or ()):
        picked = pool[n * 2:n * 2 + 2] or pool[:2]
        if picked:
            lines += [f"## {sec.title(lang)}", "", " ".join(f"{f.wording(lang).rstrip('.')} [{f.id}]." for f in picked), ""]
            used += picked
    if not used and pool:
        lines += [f"{pool[0].wording(lang).rstrip('.')} [{pool[0].id}].", ""]
        used.append(pool[0])
    return "\n".join(lines), used


def approve_catalogue(root: Path, scale: int) -> tuple[Settings, DraftStore, list, int]:
    """A data folder with every catalogue item (copied `scale` times) approved in each of its languages."""
    settings = Settings(corpus_dir=REPO / "corpus", data_dir=root / "data")
    settings.data_dir.mkdir(parents=True)
    store = DraftStore(f"sqlite:///{settings.data_dir / 'studio.sqlite'}")
    desk = ReviewDesk(store)
    approver = desk.add_user("bench", "approver", "correct horse battery staple")[0]
    facts = [f for f in current_facts(settings) if f.status == "verified"]
    by_filiere: dict = {}
    for f in facts:
        by_filiere.setdefault(f.filiere, []).append(f)
    base = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir), check_titles=False)
    specs = [s if k == 0 else replace(s, id=f"{s.id}-{k + 1}") for k in range(scale) for s in base]
    n = 0
    for spec in specs:
        for lang in spec.languages:
            text, used = page_text(spec, lang, by_filiere)
            rec = store.add(DraftRecord(
                page_id=spec.id, lang=lang, title=spec.title(lang), text=text,
                facts=[{"id": f.id, "content_hash": f.content_hash, "value": f.value} for f in used],
                prompt_name="page", prompt_hash="bench", backend="bench", model="bench", params={}, tokens_in=0,
                tokens_out=0, tokens_estimated=0, cost_estimate=0.0, timings={},
                check_report={"sentences": [], "flagged": []}))
            desk.approve(approver, rec.id, rec.version)
            n += 1
    return settings, store, specs, n


def measure(scale: int, repeat: int, keep: Path | None) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"bench-publish-{scale}-"))
    try:
        settings, store, specs, n = approve_catalogue(root, scale)
        facts, filieres = current_facts(settings), load_filieres(settings.corpus_dir)
        pdf_seconds: list[float] = []
        real_write_pdf = pdf_module.write_pdf

        def timed_pdf(*a, **k):
            t = time.perf_counter()
            try:
                return real_write_pdf(*a, **k)
            finally:
                pdf_seconds.append(time.perf_counter() - t)
        site_module.write_pdf = timed_pdf
        runs, pdf_runs, files = [], [], 0
        for r in range(repeat):
            out = root / f"site-{r}"
            pdf_seconds.clear()
            t = time.perf_counter()
            report = site_module.publish(out, store, facts, specs, settings.today(), filieres=filieres,
                                         now=datetime.now(timezone.utc))
            runs.append(time.perf_counter() - t)
            pdf_runs.append(sum(pdf_seconds))
            files = sum(1 for p in out.rglob("*") if p.is_file())
        site_module.write_pdf = real_write_pdf
        if keep and scale == 1:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(root / "site-0", keep)
        return {"scale": scale, "approved_pages": n, "published_pages": len(report.pages),
                "documents": [d["path"] for d in report.documents], "files": files,
                "seconds_median": round(statistics.median(runs), 2), "seconds_runs": [round(x, 2) for x in runs],
                "pdf_seconds_median": round(statistics.median(pdf_runs), 2),
                "ms_per_page_without_pdf": round(1000 * (statistics.median(runs) - statistics.median(pdf_runs)) / n, 1)}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,2,4")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    rows = []
    for scale in [int(x) for x in args.scales.split(",")]:
        row = measure(scale, args.repeat, args.keep)
        rows.append(row)
        print(f"x{scale}: {row['approved_pages']} approved pages, {row['published_pages']} published, "
              f"{len(row['documents'])} documents, {row['files']} files: {row['seconds_median']} s median "
              f"(runs {row['seconds_runs']}), of which PDFs {row['pdf_seconds_median']} s; "
              f"{row['ms_per_page_without_pdf']} ms per page without the PDFs", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
