"""Issue 16 figures: the site's search (build time, index size, latency in Chromium) and propose-facts on seed figures.

1. Site build with N synthetic facts (bench_resource_centre.synthetic) and N/10 approved pages (half French, half
   English, ~1,800 characters each citing three facts), by build_site; the search index's part timed apart
   (site_records + search_files, what build_site runs for it). Sizes 1,000 and 10,000 facts.
2. Search in Debian's headless Chromium on the 10,000-fact site, from disk (file://) and over HTTP (python's
   http.server, which compresses nothing): each query typed on a freshly opened page as soon as its box is shown,
   the browser's cache off, timed from the input event to the first result drawn (a MutationObserver on the result
   list), then typed again on that page; the bytes of every search file the page loaded for that query (the library,
   the word reader, the index parts and blocks), as they are on disk and gzip'd.
3. propose-facts on 20 seed statements (bench/data/facts_evidence.csv: every row whose value is one figure of
   interest, 20 taken evenly), each evidence sentence wrapped between unrelated paragraphs as one "page": the share
   whose figure is proposed with the right value (within 0.5 %), unit (the reader's unit family, or the counted noun)
   and year (from the sentence alone, then with the document's date given as staff give a resource's date), and
   the other proposals per page (from the evidence's other figures and from the unrelated text); the same on every
   other such seed row, apart.

Run: .venv/bin/python bench/bench_search.py [--sizes 1000,10000] [--no-browser]"""
from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_resource_centre import NOW, TODAY, labels, synthetic  # noqa: E402

from pipeline.corpus.facts import load_corpus  # noqa: E402
from pipeline.publish.fact_changes import compare  # noqa: E402
from pipeline.publish.facts_pages import public_fact_base  # noqa: E402
from pipeline.publish.render import SourceRef  # noqa: E402
from pipeline.publish.search import search_files, site_records  # noqa: E402
from pipeline.publish.selection import Approval, PublishedPage  # noqa: E402
from pipeline.publish.site import build_site  # noqa: E402
from pipeline.resources.proposals import propose  # noqa: E402
from pipeline.verify.figures import extract_figures  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "search.json"
EVIDENCE = REPO / "bench" / "data" / "facts_evidence.csv"
QUERIES = {"fr": ["trafic portuaire conteneurs", "etudiants universite", "hélicoptères Marignane", "tournages",
                  "hydrogene", "croisiere escales", "emplois aeronautique", "musees visiteurs"],
           "en": ["port traffic containers", "students university", "helicopters", "film shooting days"]}
UNRELATED = [
    "La rencontre s'est tenue dans la grande salle de l'hôtel de ville, devant un public venu nombreux malgré la "
    "pluie. Les intervenants ont rappelé l'histoire du quartier et remercié les bénévoles de l'association.",
    "Après la pause, un deuxième atelier a réuni les participants autour des questions de mobilité et de logement ; "
    "chacun a pu poser ses questions aux élus présents.",
    "La séance a repris à 14 h 30 en salle 2. Les échanges ont porté sur la manière de mieux faire connaître les "
    "initiatives locales auprès des jeunes et des familles.",
    "La journée s'est conclue par un buffet préparé par un traiteur du quartier et par une visite du jardin "
    "partagé, ouvert à tous les habitants le samedi matin.",
]


# ------------------------------------------------------------------ 1. build
def pages_for(facts: list, n: int) -> list[PublishedPage]:
    ap = Approval("anna", NOW, "approve", "")
    out = []
    for i in range(n):
        lang = "fr" if i % 2 == 0 else "en"
        cited = [facts[(3 * i + k) % len(facts)] for k in range(3)]
        body = " ".join((f.wording(lang) or f.statement_fr) + f" [{f.id}]" for f in cited)
        text = f"# Page {i} {lang}\n\n" + "\n\n".join([body, UNRELATED[i % 4], body, UNRELATED[(i + 1) % 4]] * 2) + "\n"
        out.append(PublishedPage(f"page-{i:04d}", lang, "page", f"Page {i} {lang}", (cited[0].filiere,), 1, i, text,
                                 ap, tuple(SourceRef(f.id, f.source.title, f.source.url, f.year) for f in cited)))
    return out


def index_sizes(folder: Path) -> dict:
    """The index's files per language: how many, their bytes, the largest term part."""
    out = {}
    for lang in ("fr", "en"):
        files = [p for p in (folder / "search" / lang).rglob("*.js")]
        parts = [p.stat().st_size for p in files if p.parent.name == "t"]
        out[lang] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
                     "largest_part_bytes": max(parts, default=0)}
    return out


def build(folder: Path, n: int) -> dict:
    facts = synthetic(n)
    pages = pages_for(facts, n // 10)
    base = public_fact_base(facts, TODAY)
    t0 = time.perf_counter()
    build_site(folder, pages, [], NOW, labels(), "", base, None, compare(None, base))
    t1 = time.perf_counter()
    files = search_files(site_records(pages, base, [], labels()))
    t2 = time.perf_counter()
    return {"facts": n, "pages": len(pages), "build_s": round(t1 - t0, 2), "search_index_s": round(t2 - t1, 3),
            "search_share": round((t2 - t1) / (t1 - t0), 3), "site_bytes": sum(p.stat().st_size for p in
                                                                               folder.rglob("*") if p.is_file()),
            "index": index_sizes(folder), "files": len(files)}


def lunr_prebuilt(n: int) -> dict:
    """The alternative: lunr's own index of the French records, built at publish time in V8 and serialized (what
    lunr.Index.load would read in the browser, whole, for any query): its bytes and gzip'd bytes."""
    from py_mini_racer import MiniRacer

    from pipeline.publish.js_terms import SCRIPTS
    from pipeline.publish.search import docs
    facts = synthetic(n)
    recs = docs(site_records(pages_for(facts, n // 10), public_fact_base(facts, TODAY), [], labels())["fr"], "fr")
    js = MiniRacer()
    js.eval("var window = this;")
    for script in SCRIPTS[:3]:
        js.eval(script.read_text(encoding="utf-8"))
    js.eval("var DOCS = " + json.dumps([{"i": str(k), "n": d.name, "t": d.title, "b": d.text}
                                        for k, d in enumerate(recs)]) + ";")
    t0 = time.perf_counter()
    out = js.eval("JSON.stringify(lunr(function () { this.use(lunr.fr); this.ref('i'); this.field('n', {boost: 6}); "
                  "this.field('t', {boost: 3}); this.field('b'); this.metadataWhitelist = []; "
                  "DOCS.forEach(function (d) { this.add(d); }, this); }))")
    return {"records": len(recs), "build_s": round(time.perf_counter() - t0, 2), "bytes": len(out),
            "gzip_bytes": len(gzip.compress(out.encode("utf-8")))}


def real_corpus(folder: Path) -> dict:
    """The shipped corpus's own facts (all distinct): the index's bytes per fact (the synthetic ones are copies of
    these, which gzip packs far better than distinct texts)."""
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    base = public_fact_base(facts, TODAY)
    build_site(folder, [], [], NOW, labels(), "", base, None, compare(None, base))
    sizes = index_sizes(folder)
    return {"facts": len(base.facts), "index": sizes,
            "per_fact_bytes": {k: round(v["bytes"] / len(base.facts), 1) for k, v in sizes.items()}}


# ------------------------------------------------------------------ 2. browser
TYPE_JS = """
const [q, done] = [arguments[0], arguments[arguments.length - 1]];
const box = document.getElementById('search-q'), list = document.querySelector('#search-results ol');
list.textContent = '';
const t0 = performance.now();
new MutationObserver((_, obs) => { if (list.querySelector('li.hit')) { obs.disconnect();
  done([performance.now() - t0, list.querySelector('li.hit a').textContent]); } })
  .observe(list, {childList: true});
box.value = q; box.dispatchEvent(new Event('input'));
setTimeout(() => done([null, 'no result']), 10000);
"""  # ms from the input event to the first result drawn
SHOWN_JS = """
const done = arguments[arguments.length - 1];
(function wait() { const f = document.querySelector('form.search');
  if (f && !f.hidden) done(performance.now()); else setTimeout(wait, 1); })();
"""  # the box is shown (search.js ran): a reader can type
LOADED_JS = "return [...document.querySelectorAll('script[src]')].map(e => e.src).filter(n => /search|vendor/.test(n))"


def browser_runs(site: Path) -> list[dict]:
    """Each query typed on a freshly opened page as soon as its box is shown (nothing of the index loaded yet, nothing
    in the browser's memory cache: a new page, the cache disabled), then the same query again on that page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ["SE_OFFLINE"] = "true"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"):
        opts.add_argument(arg)
    d = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    d.set_script_timeout(60)
    rows = []
    try:
        for mode, root in (("file", site.resolve().as_uri() + "/"),
                           ("http", f"http://127.0.0.1:{server.server_address[1]}/")):
            for lang, page in (("fr", "fr/faits/index.html"), ("en", "en/faits/index.html")):
                cold, warm, loaded, gz, firsts = [], [], [], [], []
                for q in QUERIES[lang]:
                    d.get("about:blank")
                    d.get(root + page)
                    d.execute_async_script(SHOWN_JS)
                    ms, first = d.execute_async_script(TYPE_JS, q)
                    cold.append(ms)
                    firsts.append(first)
                    names = {urllib.parse.unquote(n.split("?")[0][len(root):]) for n in d.execute_script(LOADED_JS)
                             if n.startswith(root)}
                    loaded.append(sum((site / n).stat().st_size for n in names))
                    gz.append(sum(len(gzip.compress((site / n).read_bytes())) for n in names))
                    warm.append(d.execute_async_script(TYPE_JS, q)[0])
                ok = [x for x in cold if x is not None]
                rows.append({"mode": mode, "lang": lang, "queries": len(cold), "no_result": len(cold) - len(ok),
                             "first_result_ms_cold_median": round(statistics.median(ok), 1) if ok else None,
                             "first_result_ms_cold_max": round(max(ok), 1) if ok else None,
                             "first_result_ms_again_median": round(statistics.median(
                                 [x for x in warm if x is not None]), 1),
                             "bytes_loaded_per_query_max": max(loaded),
                             "bytes_loaded_per_query_median": round(statistics.median(loaded)),
                             "bytes_gzip_per_query_max": max(gz), "cold_ms": [round(x or -1) for x in cold],
                             "first_titles": firsts[:3]})
                print(json.dumps(rows[-1], ensure_ascii=False))
    finally:
        d.quit()
        server.shutdown()
    return rows


# ------------------------------------------------------------------ 3. proposals
def seed_rows(n: int = 20, rest: bool = False) -> list[dict]:
    """The n rows the issue names (every row whose value is one figure of interest, taken evenly), or with rest=True
    every other such row (a check that what was tuned on the n holds on the rest)."""
    rows = []
    for r in csv.DictReader(EVIDENCE.open(encoding="utf-8")):
        figs = [g for g in extract_figures(f"{r['value']} {r['unit']}", "fr")
                if g.kind in ("number", "percent", "money")]
        if len(figs) == 1 and r["evidence"].strip() and r["year"].isdigit():
            rows.append((r, figs[0]))
    step = len(rows) / n
    chosen = [rows[int(i * step)] for i in range(n)]
    return [r for r in rows if r not in chosen] if rest else chosen


def right_unit(p, seed) -> bool:
    if seed.unit or p.unit_family in ("percent", "eur", "usd"):
        return (p.unit_family or None) == seed.unit
    return bool(p.unit_family) and bool(seed.noun) and bool(set(p.unit_family.split("|")) & set(seed.noun.split("|")))


def proposals_bench(rest: bool = False) -> dict:
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    rows, per_page = [], []
    for n, (r, seed) in enumerate(seed_rows(rest=rest)):
        text = "\n\n".join([UNRELATED[n % 4], UNRELATED[(n + 1) % 4], r["evidence"], UNRELATED[(n + 2) % 4]])
        for with_date in (False, True):
            found = propose(text, "fr", f"page-{n}.md", facts, "bench", "", int(r["year"]) if with_date else None)
            hit = [p for p in found if abs(p.amount - seed.value) <= 0.005 * max(abs(seed.value), 1e-9)]
            good = [p for p in hit if right_unit(p, seed) and p.year == int(r["year"])]
            if not with_date:
                in_evidence = [p for p in found if p.evidence in " ".join(r["evidence"].split()) and p not in hit]
                per_page.append({"other_from_evidence": len(in_evidence),
                                 "other_from_unrelated": len(found) - len(hit) - len(in_evidence)})
            rows.append({"id": r["id"], "with_date": with_date, "value": bool(hit),
                         "unit": any(right_unit(p, seed) for p in hit), "year": bool(good),
                         "proposed": [f"{p.value} {p.unit} ({p.year}, {p.unit_family})" for p in found],
                         "seed": f"{r['value']} {r['unit']} ({r['year']})"})
    out = {}
    for with_date in (False, True):
        mine = [x for x in rows if x["with_date"] == with_date]
        out["with_document_date" if with_date else "sentence_only"] = {
            "right_value": sum(x["value"] for x in mine),
            "right_value_unit": sum(x["value"] and x["unit"] for x in mine),
            "right_value_unit_year": sum(x["year"] for x in mine), "of": len(mine)}
    out["other_per_page"] = {k: round(statistics.mean(p[k] for p in per_page), 2) for k in per_page[0]}
    out["misses"] = [x for x in rows if x["with_date"] and not x["year"]]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    result: dict = {"run_on": date.today().isoformat(), "builds": [], "browser": []}
    result["proposals"] = proposals_bench()
    print(json.dumps({k: v for k, v in result["proposals"].items() if k != "misses"}, ensure_ascii=False))
    result["proposals_other_rows"] = proposals_bench(rest=True)
    print("other rows:", json.dumps({k: v for k, v in result["proposals_other_rows"].items() if k != "misses"}))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "real").mkdir()
        result["real_corpus"] = real_corpus(Path(tmp) / "real")
        print(json.dumps(result["real_corpus"]))
        for n in [int(x) for x in args.sizes.split(",")]:
            folder = Path(tmp) / f"site-{n}"
            folder.mkdir()
            result["builds"].append(build(folder, n))
            print(json.dumps(result["builds"][-1]))
        result["lunr_prebuilt"] = lunr_prebuilt(int(args.sizes.split(",")[-1]))
        print("lunr's own index, prebuilt:", json.dumps(result["lunr_prebuilt"]))
        if not args.no_browser:
            result["browser"] = browser_runs(Path(tmp) / f"site-{args.sizes.split(',')[-1]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
