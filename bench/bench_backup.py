"""Issue 18 — backup of a drafts database of 10,000 drafts while another process writes, then restore.

    .venv/bin/python bench/bench_backup.py [--drafts 10000] [--database-url postgresql://…]

1. A data folder with N drafts (each with an audit entry, as a regeneration writes them), users, and a copy of the
   corpus; SQLite by default, the given PostgreSQL database with --database-url (an empty one).
2. A writer process adds drafts and audit entries without pause (what a regeneration's workers do) while
   `backup` runs; baseline: a plain copy of the database file (cp, not consistent) on SQLite, a bare
   `pg_dump --format=custom` on PostgreSQL (both with the writer stopped).
3. `restore` into an empty folder (an empty database with --database-url … --restore-url …); every draft and audit
   entry of the snapshot is compared with the live database's, `python -m pipeline audit verify` must pass on the
   restored data, then one audit row of it is changed and verify must name that entry.
Results in bench/results/backup.json."""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import text  # noqa: E402

from pipeline.config import Settings  # noqa: E402
from pipeline.store.audit_chain import append  # noqa: E402
from pipeline.store.backup import backup  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402
from pipeline.store.record import DraftRecord  # noqa: E402
from pipeline.store.restore import restore  # noqa: E402


def rec(i: int, who: str = "bench") -> DraftRecord:
    return DraftRecord(page_id=f"page-{i % 500}", lang="fr" if i % 2 else "en", title=f"Titre {i}",
                       text=f"Le port a traité 70,5 Mt en 2023 [MAR-001]. Brouillon {i} de {who}. " * 8,
                       facts=[{"id": "MAR-001", "content_hash": "ab"}], prompt_name="page", prompt_hash="ph",
                       backend="fake", model="m", params={"t": 0}, tokens_in=900, tokens_out=300,
                       tokens_estimated=1200, cost_estimate=0.0, timings={"total_s": 1.0},
                       check_report={"ok": True, "flagged": [], "sentences": []}, author=who)


def add_with_audit(store: DraftStore, conn, r: DraftRecord) -> None:
    """A draft and its audit entry in one transaction, as a regenerated item is stored."""
    from datetime import datetime, timezone
    store._insert_draft(conn, r)
    append(conn, dict(ts=datetime.now(timezone.utc), actor=r.author, action="regenerate_item", draft_id=r.id,
                      page_id=r.page_id, lang=r.lang, version=r.version, text_hash=r.text_hash,
                      detail={"run": 1}))


def fill(store: DraftStore, n: int) -> None:
    for start in range(0, n, 500):
        with store.engine.begin() as conn:
            for i in range(start, min(n, start + 500)):
                add_with_audit(store, conn, rec(i))


def writer(url_or_dir: str, stop_file: str, counter: str) -> None:
    store = DraftStore(url_or_dir)
    i = 0
    while not os.path.exists(stop_file):
        with store.engine.begin() as conn:
            add_with_audit(store, conn, rec(10_000_000 + i, "writer"))
        i += 1
    Path(counter).write_text(str(i))


def rows(store: DraftStore) -> tuple[dict, dict]:
    with store.engine.connect() as conn:
        d = {r[0]: r[1] for r in conn.execute(text("SELECT id, text_hash FROM drafts"))}
        a = {r[0]: r[1] for r in conn.execute(text("SELECT id, entry_hash FROM audit"))}
    return d, a


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=3600)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drafts", type=int, default=10_000)
    ap.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temporary folder)")
    ap.add_argument("--restore-url", help="another empty PostgreSQL database to restore into")
    a = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    data, corpus = root / "data", root / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    if a.database_url:
        os.environ["DATABASE_URL"] = a.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    s = Settings(corpus_dir=corpus, data_dir=data)
    store = DraftStore.for_data_dir(data)
    t = time.perf_counter()
    fill(store, a.drafts)
    fill_s = time.perf_counter() - t
    out: dict = {"drafts": a.drafts, "database": "postgresql" if a.database_url else "sqlite",
                 "fill_s": round(fill_s, 2)}

    if not a.database_url:  # baseline: copying the database file, no consistency
        db = data / "studio.sqlite"
        t = time.perf_counter()
        shutil.copy(db, root / "plain-copy.sqlite")
        out["baseline_cp_s"] = round(time.perf_counter() - t, 3)
        out["db_mb"] = round(db.stat().st_size / 1e6, 1)

    else:  # baseline: pg_dump alone, same format, nothing else
        t = time.perf_counter()
        subprocess.run(["pg_dump", "--format=custom", "--file", str(root / "plain.pgdump"), a.database_url],
                       check=True, capture_output=True)
        out["baseline_pg_dump_s"] = round(time.perf_counter() - t, 3)

    stop, counter = root / "stop", root / "written"
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=writer, args=(store.url, str(stop), str(counter)))
    p.start()
    time.sleep(2.0)  # the writer is going
    t = time.perf_counter()
    rep = backup(s, root / "bk")
    out["backup_s"] = round(time.perf_counter() - t, 3)
    time.sleep(1.0)
    stop.write_text("")
    p.join(120)
    out["writer_drafts_total"] = int(counter.read_text())
    out["backup"] = rep.to_json()
    if "baseline_cp_s" in out:
        out["backup_vs_cp"] = round(out["backup_s"] / max(out["baseline_cp_s"], 1e-6), 1)
    else:
        out["backup_vs_pg_dump"] = round(out["backup_s"] / out["baseline_pg_dump_s"], 2)

    target = s.with_(data_dir=root / "restored", corpus_dir=root / "restored-corpus")
    if a.restore_url:
        os.environ["DATABASE_URL"] = a.restore_url
    t = time.perf_counter()
    got = restore(target, root / "bk")
    out["restore_s"] = round(time.perf_counter() - t, 3)
    restored = DraftStore.for_data_dir(target.data_dir)
    live_d, live_a = rows(store)
    back_d, back_a = rows(restored)
    out["restored"] = {"drafts": len(back_d), "audit": len(back_a),
                       "drafts_as_live": all(live_d.get(k) == v for k, v in back_d.items()),
                       "audit_as_live": all(live_a.get(k) == v for k, v in back_a.items()),
                       "drafts_in_manifest": rep.counts["drafts"], "audit_in_manifest": rep.counts["audit"],
                       "live_drafts_after": len(live_d)}
    env = {"STUDIO_DATA_DIR": str(target.data_dir), "STUDIO_CORPUS_DIR": str(target.corpus_dir)}
    if a.restore_url:
        env["DATABASE_URL"] = a.restore_url
    v = cli(env, "audit", "verify")
    out["verify_after_restore"] = {"exit": v.returncode, "out": v.stdout.strip()[:200]}
    victim = max(back_a) // 2
    with restored.engine.begin() as conn:
        if restored.url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER audit_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
        conn.execute(text("UPDATE audit SET actor = 'mallory' WHERE id = :i"), {"i": victim})
    v = cli(env, "audit", "verify")
    out["verify_one_changed_row"] = {"changed": victim, "exit": v.returncode, "out": v.stdout.strip()[:300],
                                     "named": f"entry #{victim} was changed" in v.stdout}
    ok = (got.audit["chain_ok"] and out["restored"]["drafts"] == rep.counts["drafts"]
          and out["restored"]["audit"] == rep.counts["audit"] and out["restored"]["drafts_as_live"]
          and out["restored"]["audit_as_live"] and out["verify_after_restore"]["exit"] == 0
          and out["verify_one_changed_row"]["named"] and out["verify_one_changed_row"]["exit"] == 10)
    out["ok"] = ok
    (REPO / "bench" / "results").mkdir(parents=True, exist_ok=True)
    name = "backup_pg.json" if a.database_url else "backup.json"
    (REPO / "bench" / "results" / name).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out, indent=2, ensure_ascii=False))
    shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
