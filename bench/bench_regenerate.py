"""Issue 7 figures: batch regeneration. Overhead over the model's own time (fake server with a fixed delay, and the
embedded model); `--stale` after one fact changes; kill -9 at random moments and rerun; `--concurrency 8` vs 1.
Run: .venv/bin/python bench/bench_regenerate.py [--quick] [--skip-embedded] [--seed N]

The fake OpenAI-compatible server (tests/fakes/llm_server.py) runs in this process; every `python -m pipeline …`
command runs as a subprocess on a temporary copy of corpus/ and its own data folder, like a user would run it."""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from regen_kill import fig_kill
from regen_workspace import REPO, Workspace, draftable_pages, load, newest_drafts

from tests.fakes.llm_server import serve


# ---------------------------------------------------------------------------------------------------- 1. overhead
def regenerate_in_process(ws: Workspace, pages: list[str] | None, embedded: bool = False) -> dict:
    """`regenerate --all` as the CLI does it (lock, prepare, run), timed from opening the store to the end."""
    from pipeline.config import load_settings
    from pipeline.draft.regenerate import Selection
    from pipeline.draft.runs import RunLock
    from pipeline.store.database import DraftStore
    from pipeline.wiring import regenerator_for
    with ws.environ(embedded):
        s = load_settings()
        t0 = time.perf_counter()
        store = DraftStore.for_data_dir(s.data_dir)
        with RunLock(s, store):
            regen, specs, filieres = regenerator_for(s, store)
            batch = regen.prepare(specs, filieres, Selection(mode="all", pages=tuple(pages or ())))
            t_prep = time.perf_counter() - t0
            summary = regen.run(batch, concurrency=1)
        wall = time.perf_counter() - t0
    return {"wall_s": wall, "prepare_s": t_prep, "run_s": summary.seconds, "summary_model_s": summary.model_seconds,
            "items_planned": len(batch.items), "drafted": len(summary.done), "failed": len(summary.failed)}


def fig_overhead_fake(ws: Workspace, state, delay: float, pages: list[str] | None) -> dict:
    state.delay = delay
    calls0 = state.calls
    r = regenerate_in_process(ws, pages)
    calls = state.calls - calls0
    lat = ws.scalar("SELECT COALESCE(SUM(latency_s), 0) FROM llm_calls")
    n_logged = ws.scalar("SELECT COUNT(*) FROM llm_calls")
    model = calls * delay
    r.update(delay_s=delay, model_calls=calls, calls_logged=n_logged, model_s=model, client_latency_s=lat,
             overhead=(r["wall_s"] - model) / model, overhead_vs_latency=(r["wall_s"] - lat) / lat,
             overhead_run_only=(r["run_s"] - model) / model,
             plan_s_per_item=r["prepare_s"] / max(1, r["items_planned"]),
             client_s_per_call=(r["run_s"] - model) / max(1, calls),
             # the same run with a slower model: the delay per call at which these costs would be 10 %
             delay_for_10pct=(r["wall_s"] - model) / 0.10 / max(1, calls))
    return r


def fig_overhead_embedded(ws: Workspace, pages: list[str]) -> dict:
    from pipeline.llm.base import LLMSettings
    from pipeline.llm.embedded import EmbeddedChatModel
    t0 = time.perf_counter()
    EmbeddedChatModel(LLMSettings())._load()  # the one-time load, measured apart (the run loads it again)
    load_s = time.perf_counter() - t0
    r = regenerate_in_process(ws, pages, embedded=True)
    lat = ws.scalar("SELECT COALESCE(SUM(latency_s), 0) FROM llm_calls")
    calls = ws.scalar("SELECT COUNT(*) FROM llm_calls")
    r.update(model_calls=calls, model_s=lat, model_load_s=load_s, overhead=(r["wall_s"] - lat) / lat,
             overhead_run_only=(r["run_s"] - lat) / lat,
             overhead_without_load=(r["wall_s"] - load_s - lat) / lat)
    return r


# ---------------------------------------------------------------------------------------------------- 2. --stale
def change_fact_value(corpus: Path, fid: str) -> tuple[str, str]:
    """Raise the fact's value by about 10 % in its YAML block (and in its statements); returns (old, new)."""
    for path in sorted((corpus / "facts").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        m = re.search(rf"^- id: {re.escape(fid)}\n(.*?)(?=^- id: |\Z)", text, re.M | re.S)
        if not m:
            continue
        block = m.group(0)
        old = re.search(r'^  value: "?([^"\n]+)"?$', block, re.M).group(1)
        num = float(old.replace(",", "."))
        decimals = len(old.split(",")[1]) if "," in old else 0
        new = f"{num * 1.1:.{decimals}f}".replace(".", ",")
        if new == old:
            new = f"{num + 1:.{decimals}f}".replace(".", ",")
        changed = re.sub(r'^(  value: "?)' + re.escape(old), lambda mm: mm.group(1) + new, block, flags=re.M)
        changed = re.sub(r"^(  statement_(?:fr|en): .*)$", lambda mm: mm.group(1).replace(old, new), changed,
                         flags=re.M)
        path.write_text(text.replace(block, changed), encoding="utf-8")
        return old, new
    raise RuntimeError(f"fact {fid} not found")


def fig_stale(ws: Workspace, state, delay: float, with_all_dry_run: bool, pages: list[str]) -> dict:
    """After `regenerate --all`: change the numeric fact cited by the most drafts, ingest, regenerate --stale."""
    state.delay = delay
    newest = newest_drafts(ws)
    numeric = {}
    for d in newest:
        for f in json.loads(d["facts"]):
            if re.fullmatch(r"\d+(,\d+)?", str(f.get("value", ""))):
                numeric.setdefault(f["id"], set()).add((d["page_id"], d["lang"]))
    fid = max(sorted(numeric), key=lambda k: len(numeric[k]))
    citing = numeric[fid]
    planned = {(d["page_id"], d["lang"]) for d in newest
               if any(f[0] == fid for f in json.loads(d["params"])["inputs"]["facts"])}
    old, new = change_fact_value(ws.corpus, fid)
    ing = ws.cli("ingest", "--json")
    status = ws.cli("status", "--json")
    st = status.json
    stale_open = {(d["page_id"], d["lang"]): d["stale"] for d in st["open_drafts_stale"]}
    max_id = ws.scalar("SELECT MAX(id) FROM drafts")
    calls0 = state.calls
    regen = ws.cli("regenerate", "--stale", "--json", "--concurrency", "4")
    summary = regen.json
    redrafted = {(r["page_id"], r["lang"]) for r in ws.rows("SELECT page_id, lang FROM drafts WHERE id > ?", max_id)}
    after = ws.cli("regenerate", "--stale", "--dry-run", "--json").json
    out = {"fact": fid, "value": f"{old} -> {new}", "ingest_rc": ing.rc, "ingest_s": ing.wall,
           "drafts_newest": len(newest), "citing": len(citing), "planned_with_it": len(planned),
           "status_stale_open": len(stale_open),
           "status_stale_naming_fact": sum(any(f"[{fid}]" in r for r in rs) for rs in stale_open.values()),
           "status_example": next((f"{k[0]} [{k[1]}]: {'; '.join(v)}" for k, v in stale_open.items()), None),
           "regenerate_rc": regen.rc, "regenerate_wall_s": regen.wall, "regenerated": len(redrafted),
           "regenerated_citing": len(redrafted & citing), "regenerated_not_citing": sorted(map(list, redrafted - citing)),
           "citing_not_regenerated": sorted(map(list, citing - redrafted)), "failed": summary.get("failed"),
           "model_calls": state.calls - calls0, "ratio": len(redrafted & citing) / len(citing),
           "stale_after": after["to_draft"]}
    if with_all_dry_run:  # what --all would draft now: items planned with the fact but not citing it, or replanned
        dry = ws.cli("regenerate", "--all", "--pages", ",".join(pages), "--dry-run", "--json").json
        todo = {(i["page_id"], i["lang"]) for i in dry["items"] if i["action"] == "draft"}
        out.update(all_dry_run_to_draft=len(todo), all_dry_run_planned_not_citing=len(todo & (planned - citing)),
                   all_dry_run_items=sorted(f"{p} [{lang}]: {i['why']}" for i in dry["items"]
                                            if i["action"] == "draft" for p, lang in [(i["page_id"], i["lang"])]))
    return out


# ---------------------------------------------------------------------------------------------------- 4. concurrency
def fig_concurrency(base: Workspace, state, delay: float, pages: list[str]) -> dict:
    state.delay = delay
    out = {"delay_s": delay, "pages": pages}
    for conc in (1, 8):
        ws = base.clone(f"conc{conc}")
        state.max_in_flight = 0
        r = ws.cli("regenerate", "--all", "--pages", ",".join(pages), "--concurrency", str(conc), "--json")
        s = r.json
        n = len(s["done"])
        calls = [(datetime.fromisoformat(c["ts"]).timestamp(), c["latency_s"])
                 for c in ws.rows("SELECT ts, latency_s FROM llm_calls")]
        window = max(t for t, _ in calls) - min(t - lat for t, lat in calls)  # first call sent → last answer
        out[f"c{conc}"] = {"rc": r.rc, "items": n, "failed": len(s["failed"]), "calls": len(calls),
                           "run_s": s["seconds"], "command_s": r.wall, "calls_window_s": window,
                           "items_per_s": n / s["seconds"], "items_per_s_command": n / r.wall,
                           "items_per_s_calls_window": n / window, "max_in_flight": state.max_in_flight}
    for k in ("", "_command", "_calls_window"):
        out["ratio" + k] = out["c8"]["items_per_s" + k] / out["c1"]["items_per_s" + k]
    return out


# ---------------------------------------------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer items and kills (about a third of the time)")
    ap.add_argument("--skip-embedded", action="store_true", help="leave out the embedded-model overhead (slow)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the random kill moments")
    ap.add_argument("--out", default=str(REPO / "bench/results/regenerate.json"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    server, state = serve(0, 0.3)
    server.handle_error = lambda request, address: None  # a killed client leaves a broken pipe: expected here
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    tmp = Path(tempfile.mkdtemp(prefix="bench-regen-"))
    base = Workspace(tmp / "base", url)
    shutil.copytree(REPO / "corpus", base.corpus)
    res: dict = {"machine": {"cpus": os.cpu_count(), "load_at_start": load()}, "quick": args.quick,
                 "seed": args.seed, "tmp": str(tmp)}
    t_all = time.perf_counter()
    ing = base.cli("ingest")
    if ing.rc:
        print(ing.err, file=sys.stderr)
        return 1
    res["ingest_s"] = ing.wall
    n_pages = 24 if not args.quick else 8

    print(f"1. overhead, fake server (delay 0.3 s, concurrency 1), {n_pages} pages", flush=True)
    ws1 = base.clone("overhead")
    l0 = load()
    pages1 = draftable_pages(base, n_pages)
    res["overhead_fake"] = fig_overhead_fake(ws1, state, 0.3, pages1)
    res["overhead_fake"]["load"] = [l0, load()]
    print(json.dumps(res["overhead_fake"], indent=1), flush=True)
    n_slow = 8 if not args.quick else 3
    print(f"1c. overhead, fake server (delay 1.0 s, a more usual time for a real model), {n_slow} pages", flush=True)
    l0 = load()
    res["overhead_fake_1s"] = fig_overhead_fake(base.clone("overhead-1s"), state, 1.0, pages1[:n_slow])
    res["overhead_fake_1s"]["load"] = [l0, load()]
    print(json.dumps(res["overhead_fake_1s"], indent=1), flush=True)

    print("2. --stale after one fact changes", flush=True)
    l0 = load()
    res["stale"] = fig_stale(ws1, state, 0.3, with_all_dry_run=not args.quick, pages=pages1)
    res["stale"]["load"] = [l0, load()]
    print(json.dumps(res["stale"], indent=1), flush=True)

    kills = 10 if not args.quick else 3
    print(f"3. kill -9 and rerun, {kills} times in a row (twice: --force, then changed inputs)", flush=True)
    l0 = load()
    res["kill"] = fig_kill(base, state, 0.6, 1, draftable_pages(base, 6 if not args.quick else 3), kills, rng)
    res["kill"]["load"] = [l0, load()]
    print(json.dumps({k: v for k, v in res["kill"].items() if k != "runs"}, indent=1), flush=True)

    n4 = 12 if not args.quick else 6
    print(f"4. concurrency 8 vs 1, fake server delay 0.5 s, {2 * n4} items", flush=True)
    l0 = load()
    res["concurrency"] = fig_concurrency(base, state, 0.5, draftable_pages(base, n4))
    res["concurrency"]["load"] = [l0, load()]
    print(json.dumps(res["concurrency"], indent=1), flush=True)

    if not args.skip_embedded:
        print("1b. overhead, embedded model, 3 pages (6 texts)", flush=True)
        l0 = load()
        res["overhead_embedded"] = fig_overhead_embedded(base.clone("embedded"), draftable_pages(base, 3))
        res["overhead_embedded"]["load"] = [l0, load()]
        print(json.dumps(res["overhead_embedded"], indent=1), flush=True)
    res["wall_s"] = time.perf_counter() - t_all
    res["machine"]["load_at_end"] = load()
    server.shutdown()
    report(res)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    print(f"results: {args.out} (work files in {tmp})")
    return 0


def report(res: dict) -> None:
    rows = []

    def add(name: str, value: str, target: str, ok: bool | None) -> None:
        rows.append((name, value, target, "—" if ok is None else ("PASS" if ok else "FAIL")))

    o = res["overhead_fake"]
    add(f"overhead, fake {o['delay_s']} s × {o['model_calls']} calls ({o['drafted']} texts)",
        f"{o['overhead']:.1%} (wall {o['wall_s']:.1f} s vs {o['model_s']:.1f} s)", "≤ 10 %", o["overhead"] <= 0.10)
    add("  … vs client-measured latency", f"{o['overhead_vs_latency']:.1%} ({o['client_latency_s']:.1f} s)", "", None)
    add("  … drafting phase only (no planning)", f"{o['overhead_run_only']:.1%}", "", None)
    add("  … planning per text / client cost per call", f"{o['plan_s_per_item']:.2f} s / {o['client_s_per_call']:.2f} s",
        "", None)
    add("  … model delay per call at which this run is 10 %", f"{o['delay_for_10pct']:.1f} s", "", None)
    if "overhead_fake_1s" in res:
        o = res["overhead_fake_1s"]
        add(f"overhead, fake {o['delay_s']} s × {o['model_calls']} calls ({o['drafted']} texts)",
            f"{o['overhead']:.1%} (wall {o['wall_s']:.1f} s vs {o['model_s']:.1f} s)", "≤ 10 %", o["overhead"] <= 0.10)
        add("  … drafting phase only (no planning)", f"{o['overhead_run_only']:.1%}", "", None)
    if "overhead_embedded" in res:
        e = res["overhead_embedded"]
        add(f"overhead, embedded ({e['drafted']} texts, {e['model_calls']} calls)",
            f"{e['overhead']:.1%} (wall {e['wall_s']:.1f} s vs {e['model_s']:.1f} s)", "≤ 10 %", e["overhead"] <= 0.10)
        add("  … without the model load / drafting phase only",
            f"{e['overhead_without_load']:.1%} / {e['overhead_run_only']:.1%}", "", None)
    s = res["stale"]
    add(f"--stale after [{s['fact']}] changed", f"{s['regenerated_citing']}/{s['citing']} = {s['ratio']:.2f}, "
        f"{len(s['regenerated_not_citing'])} others", "1.0, 0 others",
        s["ratio"] == 1.0 and not s["regenerated_not_citing"])
    if "all_dry_run_to_draft" in s:
        add("  … then --all (dry run) would draft", f"{s['all_dry_run_to_draft']} (planned with the fact but not "
            f"citing it: {s['all_dry_run_planned_not_citing']})", "0", s["all_dry_run_to_draft"] == 0)
    k = res["kill"]
    fa, fb = k["force_chain"], k["inputs_chain"]
    add(f"kill -9 ×{len(fa['kills'])} + rerun, --force ({k['items']} texts): drafted twice in one job",
        f"{fa['extra_drafts']} extra drafts ({len(fa['jobs'])} job(s))", "0", fa["extra_drafts"] == 0)
    add("  … texts left undrafted by a finished job / to draft after",
        f"{fa['items_not_drafted_in_a_job']} / {fa['dry_run_to_draft_after']}", "0 / 0",
        fa["items_not_drafted_in_a_job"] == 0 and fa["dry_run_to_draft_after"] == 0)
    f = fa["force_dry_run_after"]
    add("  … then a new --force (dry run) would draft", f"{f['to_draft']}/{k['items']} (resumes run "
        f"{f['resumed_from']})", f"{k['items']}, none", f["to_draft"] == k["items"] and not f["resumed_from"])
    add(f"kill -9 ×{len(fb['kills'])} + rerun, inputs changed ×{fb['brand_changes']}: same inputs drafted twice",
        f"{fb['drafts_repeating_an_inputs_key']} (of {fb['drafts_made']} drafts)", "0",
        fb["drafts_repeating_an_inputs_key"] == 0)
    add("  … texts to draft after the last rerun", str(fb["dry_run_to_draft_after"]), "0",
        fb["dry_run_to_draft_after"] == 0)
    a = k["approved_check"]
    add("approved texts lost / changed (audit hash)", f"{a['lost']} / {a['changed']} of {a['approved']} "
        f"({a['audit_mismatch']})", "0 / 0", a["lost"] == 0 and a["changed"] == 0 and a["audit_mismatch"] == 0)
    c = res["concurrency"]
    add(f"throughput --concurrency 8 / 1 (fake {c['delay_s']} s)", f"{c['ratio']:.2f}× ({c['c8']['items_per_s']:.2f} "
        f"vs {c['c1']['items_per_s']:.2f} texts/s)", "≥ 6×", c["ratio"] >= 6)
    add("  … first call sent to last answer (client library loaded)", f"{c['ratio_calls_window']:.2f}×", "", None)
    add("  … whole command (with start-up and planning)", f"{c['ratio_command']:.2f}×", "", None)
    w = max(len(r[0]) for r in rows)
    v = max(len(r[1]) for r in rows)
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:<{v}}  {r[2]:<14} {r[3]}")
    print(f"machine: {res['machine']}; total {res['wall_s']:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
