"""Issue 7, kill -9: regenerate killed at random moments and rerun; approved texts, duplicates, completion."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time

from regen_workspace import Workspace, newest_drafts, sha


def approve_some(ws: Workspace, every: int = 2) -> dict[int, str]:
    """Approve every other newest draft with ReviewDesk; returns {draft id: text hash}."""
    from pipeline.errors import ReviewError
    from pipeline.review.desk import ReviewDesk
    from pipeline.store.database import DraftStore
    desk = ReviewDesk(DraftStore.for_data_dir(ws.data))
    user, _ = desk.add_user("bench-approver", "approver")
    approved = {}
    for n, d in enumerate(newest_drafts(ws)):
        if n % every:
            continue
        try:
            desk.approve(user, d["id"], d["version"])
        except ReviewError:
            desk.approve(user, d["id"], d["version"], override_reason="bench: approved as drafted")
        approved[d["id"]] = sha(d["text"])
    return approved


def _wait(p: subprocess.Popen, until, timeout: float = 600):
    t0 = time.perf_counter()
    while p.poll() is None and time.perf_counter() - t0 < timeout:
        got = until()
        if got:
            return got
        time.sleep(0.03)
    return until()


def kill_chain(ws: Workspace, args: list[str], kills: int, rng: random.Random, run_s: float, n_items: int,
               rearm=None) -> dict:
    """`regenerate ARGS` killed with SIGKILL `kills` times in a row at random moments, then run once to completion.
    Kill k: k % 5 == 2 at a random moment of start-up and planning; k % 5 == 4 at a random moment of the drafting
    phase (run_s: how long a whole uninterrupted run of the n_items lasts); otherwise within one item's time after the
    run stored its first draft (so that each run finishes some items and the chain needs every rerun).
    `rearm()` is called when every item has a draft made since the last call, so that work remains to interrupt."""
    log = []
    t_ready = 8.0  # seconds from spawn to the run's start (planning done); learned from each attempt
    item_s = run_s / n_items
    mark = ws.scalar("SELECT MAX(id) FROM drafts")

    def run_row(pid):
        try:
            return ws.rows("SELECT id, total FROM regen_runs WHERE pid = ?", pid)
        except sqlite3.OperationalError:  # the database or its tables are not created yet
            return []

    def stored(run_id):
        return ws.scalar("SELECT COUNT(*) FROM regen_items WHERE run_id = ? AND state = 'done'", run_id)

    for k in range(kills):
        p = ws.spawn("regenerate", *args)
        t0 = time.perf_counter()
        if k % 5 == 2:
            target = rng.uniform(0.3, t_ready)
            _wait(p, lambda: time.perf_counter() - t0 >= target)
            run = run_row(p.pid)
        else:
            run = _wait(p, lambda: run_row(p.pid))
            t_ready = time.perf_counter() - t0
            if run and k % 5 != 4:
                _wait(p, lambda: stored(run[0]["id"]))
                window = item_s
            else:
                window = item_s * (run[0]["total"] if run else 1)
            target = time.perf_counter() + rng.uniform(0, window)
            _wait(p, lambda: time.perf_counter() >= target)
        at = time.perf_counter() - t0
        finished = p.poll() is not None
        if not finished:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        run_id = run[0]["id"] if run else None
        done = stored(run_id) if run_id else 0
        log.append({"kill": k + 1, "at_s": round(at, 2), "phase": "drafting" if run_id else "starting/planning",
                    "run_id": run_id, "items_to_draft": run[0]["total"] if run else None, "done_before_kill": done,
                    "finished_before_kill": finished, "rc": p.returncode})
        covered = ws.scalar("SELECT COUNT(DISTINCT page_id || '/' || lang) FROM drafts WHERE id > ? "
                            "AND author = 'studio'", mark)
        if rearm and covered >= n_items and k < kills - 1:
            rearm()
            mark = ws.scalar("SELECT MAX(id) FROM drafts")
            log[-1]["rearmed"] = True
        print(f"    kill {k + 1}: at {at:5.1f} s ({log[-1]['phase']}), run #{run_id}, "
              f"{done}/{log[-1]['items_to_draft']} done" + (" — had finished" if finished else "")
              + (" — all items drafted: inputs changed again" if log[-1].get("rearmed") else ""), flush=True)
    final = ws.cli("regenerate", *args)
    summary = final.json if final.rc in (0, 9) else None  # 9: finished, some items failed
    return {"kills": log, "final_rc": final.rc,
            "final": {k: summary[k] for k in ("run_id", "status", "skipped", "failed")} | {"done": len(summary["done"])}
            if summary else (final.err[-300:] if final.rc else "nothing left to draft")}


def check_approved(ws: Workspace, approved: dict[int, str]) -> dict:
    lost = changed = audit_bad = 0
    for did, h in approved.items():
        row = ws.rows("SELECT status, text, text_hash FROM drafts WHERE id = ?", did)
        if not row or row[0]["status"] != "approved":
            lost += 1
        elif sha(row[0]["text"]) != h or row[0]["text_hash"] != h:
            changed += 1
        audits = ws.rows("SELECT text_hash FROM audit WHERE draft_id = ? AND action LIKE 'approve%'", did)
        audit_bad += not audits or any(a["text_hash"] != h for a in audits)
    return {"approved": len(approved), "lost": lost, "changed": changed, "audit_mismatch": audit_bad}


def force_chain_drafts(ws: Workspace, first_run: int, items: set[tuple[str, str]]) -> dict:
    """A forced regeneration resumed after each kill is one job: every item drafted exactly once until a run of it
    ends 'done' (a later --force is a new job). Drafts are tied to runs through regen_items."""
    runs = ws.rows("SELECT id, status FROM regen_runs WHERE id >= ? ORDER BY id", first_run)
    jobs, cur = [], []
    for r in runs:
        cur.append(r["id"])
        if r["status"] == "done":
            jobs.append(cur)
            cur = []
    if cur:
        jobs.append(cur)
    out = []
    for job in jobs:
        rows = ws.rows(f"SELECT page_id, lang, COUNT(*) n FROM regen_items WHERE state = 'done' AND run_id IN "
                       f"({','.join('?' * len(job))}) GROUP BY page_id, lang", *job)
        n = {(r["page_id"], r["lang"]): r["n"] for r in rows}
        out.append({"runs": job, "items_drafted_more_than_once": sorted(f"{p} [{lang}] ×{c}" for (p, lang), c in
                                                                        n.items() if c > 1),
                    "extra_drafts": sum(c - 1 for c in n.values()),
                    "items_not_drafted": sorted(f"{p} [{lang}]" for p, lang in items - set(n))})
    return {"jobs": out, "extra_drafts": sum(j["extra_drafts"] for j in out),
            "items_not_drafted_in_a_job": sum(len(j["items_not_drafted"]) for j in out)}


def inputs_chain_drafts(ws: Workspace, after_id: int) -> dict:
    """Without --force, a rerun must never make a second draft with inputs a draft of that item already has."""
    made = ws.scalar("SELECT COUNT(*) FROM drafts WHERE id > ?", after_id)
    same_key = ws.rows("SELECT b.page_id, b.lang, b.id, a.id AS earlier FROM drafts a JOIN drafts b "
                       "ON a.page_id = b.page_id AND a.lang = b.lang AND a.inputs_key = b.inputs_key AND a.id < b.id "
                       "WHERE b.id > ?", after_id)
    return {"drafts_made": made, "drafts_repeating_an_inputs_key": len(same_key),
            "examples": [dict(r) for r in same_key[:5]]}


def fig_kill(base: Workspace, state, delay: float, conc: int, pages: list[str], kills: int,
             rng: random.Random) -> dict:
    ws = base.clone("kill")
    state.delay = delay
    sel = ["--pages", ",".join(pages), "--concurrency", str(conc), "--json"]
    first = ws.cli("regenerate", "--all", *sel)
    run_s = first.json["seconds"]
    items = {(d["page_id"], d["lang"]) for d in newest_drafts(ws)}
    approved = approve_some(ws)
    out = {"pages": pages, "items": len(items), "first_run_rc": first.rc, "first_run_s": run_s, "delay_s": delay,
           "concurrency": conc}

    def dry(*extra):
        return ws.cli("regenerate", "--all", "--pages", ",".join(pages), "--dry-run", "--json", *extra).json

    # A: --force (every item drafted again, approved ones included); a killed run is resumed by the next
    print(f"  A: regenerate --all --force, {kills} kills", flush=True)
    next_run = ws.scalar("SELECT MAX(id) FROM regen_runs") + 1
    a = kill_chain(ws, ["--all", "--force", *sel], kills, rng, run_s, len(items))
    a.update(force_chain_drafts(ws, next_run, items))
    a["dry_run_to_draft_after"] = dry()["to_draft"]
    again = dry("--force")  # the job is finished: a new --force must draft every item, not resume an old run
    a["force_dry_run_after"] = {"to_draft": again["to_draft"], "resumed_from": again["resumed_from"]}
    # B: the brand voice changes (every item's inputs change), plain --all: a rerun skips what is drafted
    print(f"  B: brand voice changed, regenerate --all, {kills} kills", flush=True)
    rearms = [0]

    def rearm():
        rearms[0] += 1
        with open(ws.corpus / "brand.md", "a", encoding="utf-8") as fh:
            fh.write(f"\n- (bench, change {rearms[0]}) Prefer short sentences.\n")

    rearm()
    mark = ws.scalar("SELECT MAX(id) FROM drafts")
    b = kill_chain(ws, ["--all", *sel], kills, rng, run_s, len(items), rearm=rearm)
    b.update(inputs_chain_drafts(ws, mark), brand_changes=rearms[0])
    b["dry_run_to_draft_after"] = dry()["to_draft"]
    out.update(force_chain=a, inputs_chain=b, approved_check=check_approved(ws, approved),
               runs=[dict(r) for r in ws.rows("SELECT id, status, total, message FROM regen_runs ORDER BY id")])
    return out
