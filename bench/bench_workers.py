"""Issue 18 figures: several regeneration workers on one run (PostgreSQL, the fake OpenAI-compatible server).
1. Throughput of `regenerate --workers 2` against `--workers 1` (and the one-process run), fake server with a fixed
   delay per call. 2. kill -9 of one worker mid-run, 10 times: duplicate drafts, lost items, runs finished.
Run: .venv/bin/python bench/bench_workers.py [--delay 0.5] [--pages 20] [--kills 10] [--seed 18]

A real PostgreSQL server (tests/conftest.py's PostgresServer) and the fake server run in this process; every
`python -m pipeline …` command runs as a subprocess on a temporary copy of corpus/ and its own data folder, with
DATABASE_URL set, like a user would run it; each figure on its own, new database."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from regen_workspace import REPO, Workspace, draftable_pages, load

from tests.conftest import PostgresServer
from tests.fakes.llm_server import serve


class PgWorkspace(Workspace):
    """A Workspace whose drafts database is a PostgreSQL database (`db`)."""

    def __init__(self, root: Path, llm_url: str, db: str) -> None:
        super().__init__(root, llm_url)
        self.db_url = db

    def env(self, embedded: bool = False) -> dict:
        return {**super().env(embedded), "DATABASE_URL": self.db_url}

    def q(self, sql: str, *params) -> list[tuple]:
        import psycopg
        with psycopg.connect(self.db_url) as conn:
            return conn.execute(sql, params).fetchall()


def fig_throughput(base: Workspace, pg: PostgresServer, state, delay: float, pages: list[str]) -> dict:
    state.delay = delay
    out: dict = {"delay_s": delay, "pages": len(pages)}
    for name, extra in (("one_process", []), ("workers_1", ["--workers", "1"]), ("workers_2", ["--workers", "2"])):
        ws = PgWorkspace(base.root, base.llm_url, pg.new_database())
        calls0, l0 = state.calls, load()
        r = ws.cli("regenerate", "--all", "--pages", ",".join(pages), "--json", *extra)
        s = r.json
        out[name] = {"rc": r.rc, "wall_s": round(r.wall, 2), "run_s": s["seconds"], "drafted": len(s["done"]),
                     "failed": len(s["failed"]), "model_calls": state.calls - calls0,
                     "items_per_s": round(len(s["done"]) / s["seconds"], 3), "by_worker": s.get("by_worker", {}),
                     "tokens": s["tokens"], "load": [l0, load()]}
        print(f"  {name}: {out[name]}", flush=True)
    one, two = out["workers_1"], out["workers_2"]
    out["throughput_ratio_2_vs_1"] = round(two["items_per_s"] / one["items_per_s"], 3)
    out["wall_ratio_2_vs_1"] = round(one["wall_s"] / two["wall_s"], 3)
    out["same_summary"] = all(one[k] == two[k] for k in ("drafted", "failed", "tokens"))
    return out


def _child(ws: PgWorkspace, run_id: int, coordinator: int) -> tuple[int | None, int, int]:
    """The run's other worker (claimed_by 'host:pid'): its pid, the items it holds claimed now and those it finished."""
    rows = ws.q("SELECT claimed_by, COUNT(*) FILTER (WHERE state = 'claimed'), COUNT(*) FILTER (WHERE state = 'done') "
                "FROM regen_items WHERE run_id = %s AND claimed_by IS NOT NULL GROUP BY claimed_by", run_id)
    for who, claimed, done in rows:
        pid = int(who.rsplit(":", 1)[1])
        if pid != coordinator:
            return pid, claimed, done
    return None, 0, 0


def fig_kill(base: Workspace, pg: PostgresServer, state, delay: float, pages: list[str], kills: int, lease: float,
             rng: random.Random) -> dict:
    """Each round: `regenerate --all --force --workers 2`, the other worker killed with SIGKILL at a random moment
    of one of its items, after it finished 0 to 3 of them (drawn per round); the run must end done with every item
    drafted exactly once."""
    state.delay = delay
    ws = PgWorkspace(base.root, base.llm_url, pg.new_database())
    args = ["regenerate", "--all", "--force", "--pages", ",".join(pages), "--workers", "2", "--lease", f"{lease:g}",
            "--json"]
    first = ws.cli("regenerate", "--all", "--pages", ",".join(pages), "--json")  # every item drafted once first
    n_items = len(first.json["done"])
    rounds = []
    for k in range(kills):
        mark = ws.q("SELECT COALESCE(MAX(id), 0) FROM drafts")[0][0]
        p = ws.spawn(*args)
        t0 = time.perf_counter()
        run_id = child = None
        after = rng.randint(0, 3)
        while time.perf_counter() - t0 < 300 and p.poll() is None:
            rows = ws.q("SELECT id FROM regen_runs WHERE pid = %s", p.pid)
            if rows:
                run_id = rows[0][0]
                child, held, finished = _child(ws, run_id, p.pid)
                if child and held and finished >= after:
                    break
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 2 * delay))  # somewhere inside one of its items
        killed_at, held_now = time.perf_counter() - t0, _child(ws, run_id, p.pid)[1] if run_id else 0
        if child:
            os.kill(child, signal.SIGKILL)
        p.wait(timeout=600)
        runs = ws.q("SELECT status, total FROM regen_runs WHERE id = %s", run_id)
        items = ws.q("SELECT state, claims, claimed_by FROM regen_items WHERE run_id = %s AND state <> 'failed' "
                     "AND inputs_key IS NOT NULL", run_id)
        per_item = ws.q("SELECT page_id, lang, COUNT(*) FROM drafts WHERE id > %s GROUP BY page_id, lang", mark)
        r = {"round": k + 1, "run_id": run_id, "rc": p.returncode, "killed_pid": child,
             "killed_at_s": round(killed_at, 2), "finished_by_it_first": after, "items_held_when_killed": held_now,
             "status": runs[0][0] if runs else None,
             "items": len(items), "done": sum(s == "done" for s, _, _ in items),
             "lost_items": sum(s != "done" for s, _, _ in items),
             "taken_over": sum((c or 0) > 1 for _, c, _ in items),
             "by_killed_worker": sum(bool(w) and w.endswith(f":{child}") for _, _, w in items),
             "drafts_made": sum(n for _, _, n in per_item), "duplicate_drafts": sum(n - 1 for _, _, n in per_item),
             "seconds": round(time.perf_counter() - t0, 2)}
        rounds.append(r)
        print(f"  round {k + 1}: {r}", flush=True)
    return {"delay_s": delay, "lease_s": lease, "items": n_items, "rounds": rounds,
            "duplicate_drafts": sum(r["duplicate_drafts"] for r in rounds),
            "lost_items": sum(r["lost_items"] for r in rounds),
            "runs_done": sum(r["status"] == "done" and r["done"] == n_items for r in rounds),
            "items_taken_over": sum(r["taken_over"] for r in rounds)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--delay", type=float, default=0.5, help="seconds per model call for the throughput figure")
    ap.add_argument("--pages", type=int, default=20, help="catalogue pages for the throughput figure (×2 languages)")
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--out", default=str(REPO / "bench/results/workers.json"))
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the PostgreSQL server is stopped too
    rng = random.Random(args.seed)
    server, state = serve(0, args.delay)
    server.handle_error = lambda request, address: None  # a killed client leaves a broken pipe: expected here
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    tmp = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    base = Workspace(tmp / "base", url)
    shutil.copytree(REPO / "corpus", base.corpus)
    pg = PostgresServer()
    res: dict = {"machine": {"cpus": os.cpu_count(), "load_at_start": load()}, "seed": args.seed, "tmp": str(tmp)}
    t_all = time.perf_counter()
    try:
        ing = base.cli("ingest")
        if ing.rc:
            print(ing.err, file=sys.stderr)
            return 1
        print(f"1. throughput, {args.pages} pages × fr/en, fake server delay {args.delay} s", flush=True)
        res["throughput"] = fig_throughput(base, pg, state, args.delay, draftable_pages(base, args.pages))
        print(json.dumps({k: v for k, v in res["throughput"].items() if "ratio" in k or k == "same_summary"}),
              flush=True)
        print(f"2. kill -9 of one of two workers mid-run, {args.kills} rounds", flush=True)
        res["kill"] = fig_kill(base, pg, state, 0.3, draftable_pages(base, 8), args.kills, 2.0, rng)
        print(json.dumps({k: v for k, v in res["kill"].items() if k != "rounds"}), flush=True)
    finally:
        pg.remove()
        server.shutdown()
    res["total_s"] = round(time.perf_counter() - t_all, 1)
    res["machine"]["load_at_end"] = load()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=1))
    print(f"written to {args.out} ({res['total_s']} s)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
