"""Issue 15 figures: the photo library's import of 12-megapixel photos and its near-copy lookup in 10,000 photos.

1. Import: --n photos of 4,000 × 3,000 px (12 MP) made by the bench with Pillow (a sky-to-ground gradient every
   photo shares, random colour fields, fine detail; EXIF GPS, author, copyright and date), JPEG quality 90, are
   imported with PhotoLibrary.import_folder into a new data folder (SQLite): hash, decode in draft mode, EXIF
   proposals, pHash, near-copy lookup, six renditions (400/800/1,600 px, WebP and JPEG), the original copied, the
   row and its audit entry written. The floor is Pillow alone on the same files: open, draft mode, decode, resize to
   1,600, 800 and 400 px (each from the one above, as the library does), nothing encoded or written. Each phase runs
   in its own process, so its peak memory (ru_maxrss) is its own.
2. Near copies: a library of --library hashes: --queries photos at 1,600 × 1,200 (their hash computed from that
   original, as an import would) and the rest distinct photos rendered at 320 × 240 (real pHashes of real, small
   images, not random bits). Each query photo is resized (to 800 px), re-encoded (JPEG quality 40) and cropped by 5 %
   (a 95 % window at a random place, then resized back): recall is the share of those copies whose original is found
   (pHash and dHash of one view within PHASH_BITS and DHASH_BITS, pipeline/photos/dupes.py). --distinct other
   photos, not in the library, are looked up too: a false match is any photo of the library found for them. Lookup
   time is the index's alone (HashIndex.near), then with the query's hash.

Run: .venv/bin/python bench/bench_photos.py [--n 500] [--library 10000] [--queries 200] [--distinct 1000]
Results: bench/results/photos.json (not versioned, like the other results)."""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.photos import renditions  # noqa: E402
from pipeline.photos.dupes import DHASH_BITS, PHASH_BITS, HashIndex, fingerprints, query_view  # noqa: E402
from pipeline.photos.probe import ARTIST, COPYRIGHT, DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "photos.json"
TODAY = date(2026, 12, 2)
FULL = (4000, 3000)


def photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like image, different for every seed, sharing with every other the light sky above a darker ground
    (real photos' hashes are correlated like that, which makes false matches likelier than for random images)."""
    rng = np.random.default_rng(seed)
    w, h = size
    sky = np.linspace(230, 60, 24)[:, None, None] * np.ones((24, 32, 3))
    fields = Image.fromarray((rng.random((6, 8, 3)) * 255).astype("uint8")).resize((32, 24), Image.Resampling.BICUBIC)
    base = (0.45 * sky + 0.55 * np.asarray(fields, dtype=float)).clip(0, 255).astype("uint8")
    img = Image.fromarray(base).resize(size, Image.Resampling.BICUBIC)
    detail = Image.fromarray((rng.random((h // 40 + 1, w // 40 + 1, 3)) * 255).astype("uint8"))
    return Image.blend(img, detail.resize(size, Image.Resampling.BILINEAR), 0.15)


def exif() -> bytes:
    e = Image.Exif()
    e[ARTIST] = "Jeanne Martin".encode()
    e[COPYRIGHT] = "© Agence d'attractivité".encode()
    e.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2025:06:14 10:30:00"
    g = e.get_ifd(GPS_IFD)
    g[1], g[2], g[3], g[4] = "N", (43.0, 17.0, 48.0), "E", (5.0, 22.0, 12.0)
    return e.tobytes()


def make_files(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tags = exif()
    for i in range(n):
        photo(1_000_000 + i, FULL).save(folder / f"photo-{i:04d}.jpg", "JPEG", quality=90, exif=tags)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_import(folder: Path, data: Path) -> dict:
    from pipeline.photos.library import PhotoLibrary
    from pipeline.store.database import DraftStore
    lib = PhotoLibrary(data, DraftStore.for_data_dir(data), TODAY)
    t0 = time.perf_counter()
    report = lib.import_folder(folder, "bench")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "imported": len(report.of("imported")), "refused": len(report.refused),
            "near": len(report.of("near")), "peak_mb": _peak_mb()}


def phase_floor(folder: Path) -> dict:
    t0 = time.perf_counter()
    n = 0
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as img:
            w, h = img.size
            img.draft("RGB", (w * 1600 // w, h * 1600 // w))
            img.load()
            current = img
            for width in (1600, 800, 400):
                current = current.resize((width, round(h * width / w)), Image.Resampling.LANCZOS)
        n += 1
    return {"seconds": time.perf_counter() - t0, "files": n, "peak_mb": _peak_mb()}


def in_child(phase: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def copies(img: Image.Image, rng) -> dict[str, Image.Image]:
    """The three copies of the issue: resized, re-encoded, cropped by 5 %."""
    import io
    w, h = img.size
    resized = img.resize((800, round(h * 800 / w)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=40)
    reencoded = Image.open(io.BytesIO(buf.getvalue()))
    cw, ch = round(w * 0.95), round(h * 0.95)
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    cropped = img.crop((x, y, x + cw, y + ch)).resize((w, h), Image.Resampling.LANCZOS)
    return {"resized": resized, "reencoded": reencoded, "cropped_5pct": cropped}


def near_copies(library: int, queries: int, distinct: int) -> dict:
    rng = np.random.default_rng(15)
    t0 = time.perf_counter()
    items, originals = [], {}
    for i in range(library):
        if i < queries:
            originals[i] = photo(i, (1600, 1200))
            items.append((f"ph-{i:05d}", fingerprints(originals[i])))
        else:
            items.append((f"ph-{i:05d}", fingerprints(photo(i, (320, 240)))))
    build_s = time.perf_counter() - t0
    index = HashIndex(items)
    found = {k: 0 for k in ("resized", "reencoded", "cropped_5pct")}
    dist = {k: [] for k in found}
    lookup_s, hash_s, n_lookups = [], [], 0
    for i, img in originals.items():
        for kind, copy in copies(img, rng).items():
            t1 = time.perf_counter()
            h = query_view(copy)
            t2 = time.perf_counter()
            matches = index.near(h)
            t3 = time.perf_counter()
            hash_s.append(t2 - t1)
            lookup_s.append(t3 - t2)
            n_lookups += 1
            found[kind] += any(m.photo_id == f"ph-{i:05d}" for m in matches)
            dist[kind].append(min(bin(int(h[:16], 16) ^ int(v[:16], 16)).count("1") for v in items[i][1].split()))
    false_queries, false_pairs, nearest = 0, 0, []
    for j in range(distinct):
        h = query_view(photo(5_000_000 + j, (640, 480)))
        t2 = time.perf_counter()
        matches = index.near(h)
        lookup_s.append(time.perf_counter() - t2)
        false_queries += bool(matches)
        false_pairs += len(matches)
        nearest.append(int(np.min(np.bitwise_count(index._p ^ np.uint64(int(h[:16], 16))))))
    total = queries * 3
    return {"library": library, "views_per_photo": 6, "phash_bits": PHASH_BITS, "dhash_bits": DHASH_BITS,
            "build_s": round(build_s, 1),
            "recall": {k: round(v / queries, 4) for k, v in found.items()},
            "recall_all": round(sum(found.values()) / total, 4),
            "copy_distance_median": {k: statistics.median(v) for k, v in dist.items()},
            "copy_distance_max": {k: max(v) for k, v in dist.items()},
            "false_match_rate_queries": round(false_queries / distinct, 4),
            "false_match_rate_pairs": false_pairs / (distinct * library),
            "distinct_nearest_median": statistics.median(nearest), "distinct_nearest_min": min(nearest),
            "lookup_ms_median": round(statistics.median(lookup_s) * 1000, 3),
            "lookup_ms_max": round(max(lookup_s) * 1000, 3),
            "hash_and_lookup_ms_median": round((statistics.median(hash_s) + statistics.median(lookup_s)) * 1000, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500, help="12 MP photos to import (default 500)")
    ap.add_argument("--library", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--distinct", type=int, default=1000)
    ap.add_argument("--phase", choices=("import", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase == "import":
        print(json.dumps(phase_import(Path(a.args[0]), Path(a.args[1]))))
        return 0
    if a.phase == "floor":
        print(json.dumps(phase_floor(Path(a.args[0]))))
        return 0
    load = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    try:
        t0 = time.perf_counter()
        make_files(root / "in", a.n)
        made_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in (root / "in").iterdir()) / 1e6
        floor = in_child("floor", str(root / "in"))
        imp = in_child("import", str(root / "in"), str(root / "data"))
        renditions_mb = sum(p.stat().st_size for p in (root / "data" / "photos" / "renditions").rglob("*")
                            if p.is_file()) / 1e6
    finally:
        shutil.rmtree(root, ignore_errors=True)
    per = imp["seconds"] / a.n
    floor_per = floor["seconds"] / a.n
    result = {"photos": a.n, "megapixels": FULL[0] * FULL[1] / 1e6, "files_mb": round(size_mb, 1),
              "made_s": round(made_s, 1), "import_s_per_photo": round(per, 3),
              "floor_s_per_photo": round(floor_per, 3), "ratio_to_floor": round(per / floor_per, 2),
              "import_peak_mb": round(imp["peak_mb"]), "floor_peak_mb": round(floor["peak_mb"]),
              "imported": imp["imported"], "refused": imp["refused"], "near_copies_reported": imp["near"],
              "renditions_mb": round(renditions_mb, 1), "widths": list(renditions.WIDTHS),
              "near": near_copies(a.library, a.queries, a.distinct),
              "load_before": [round(x, 2) for x in load], "load_after": [round(x, 2) for x in os.getloadavg()],
              "cpus": os.cpu_count()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
