"""CLI: python -m pipeline status | regenerate — what is stale, and drafting it again in a batch."""
from __future__ import annotations

import sys
from contextlib import contextmanager

from pipeline.cli.output import print_json
from pipeline.config import Settings
from pipeline.wiring import catalogue_context, regenerator_for, staleness_judge_factory


def add_parsers(sub) -> None:
    st = sub.add_parser("status", help="drafts and approved pages by state; which approved pages are stale, and why")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)

    rg = sub.add_parser("regenerate", help="draft again all items, or only the stale ones, with a cost estimate "
                                           "first; approved text is never replaced")
    rg.add_argument("role", nargs="?", choices=("worker",),
                    help="'worker': join the regeneration running on the shared drafts database (PostgreSQL) and draft "
                         "some of its items on this machine")
    which = rg.add_mutually_exclusive_group()
    which.add_argument("--all", dest="regen_mode", action="store_const", const="all",
                       help="every selected item (unchanged ones are still skipped)")
    which.add_argument("--stale", dest="regen_mode", action="store_const", const="stale",
                       help="only items whose newest draft is stale (a cited fact, the prompt or the model changed)")
    rg.add_argument("--pages", help="page ids, comma-separated (python -m pipeline pages)")
    rg.add_argument("--filiere", help="only the items of this filière")
    rg.add_argument("--lang", default="fr,en", help="fr, en or fr,en (default)")
    rg.add_argument("--concurrency", type=int, default=1,
                    help="items drafted at once against a server (the embedded model runs one at a time)")
    rg.add_argument("--budget", type=float, help="stop before the estimated cost (USD) would exceed this")
    rg.add_argument("--dry-run", action="store_true", help="list what would be drafted, tokens and cost; change nothing")
    rg.add_argument("--force", action="store_true", help="draft again even items whose inputs did not change")
    rg.add_argument("--workers", type=int, metavar="N",
                    help="share the run between N workers: this process and N-1 it starts (needs PostgreSQL; more may "
                         "join from other machines with 'regenerate worker')")
    rg.add_argument("--lease", type=float, default=60.0, metavar="SECONDS",
                    help="with workers: how long an item stays a silent worker's before another takes it (default 60)")
    rg.add_argument("--run", type=int, metavar="ID", help="worker: the run to join (default: the one running)")
    rg.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                    help="worker: wait up to this long for a run to start")
    rg.add_argument("--json", action="store_true")
    rg.set_defaults(func=cmd_regenerate, parser=rg)


def cmd_status(args, s: Settings) -> int:
    from pipeline.draft.runs import latest_run
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.review.desk import newest_versions
    from pipeline.store.database import DraftStore
    store = DraftStore.for_data_dir(s.data_dir)
    specs, _, brand = catalogue_context(s, check_titles=False)  # reads stored drafts: drafts nothing
    judge = staleness_judge_factory(s, specs, brand)({f.id: f for f in current_facts(s)})
    drafts = store.list()  # every version, read once
    newest = newest_versions(drafts)
    approved = [d for d in drafts if d.status == "approved"]
    counts: dict[str, int] = {}
    for d in newest:
        counts[d.status] = counts.get(d.status, 0) + 1
    drafted = {(d.page_id, d.lang) for d in newest}
    never = [f"{p.id} [{lang}]" for p in specs for lang in p.languages if (p.id, lang) not in drafted]
    pub = [{"page_id": d.page_id, "lang": d.lang, "version": d.version, "draft_id": d.id,
            "stale": [r.to_json() | {"text": r.render()} for r in judge.reasons(d)]} for d in approved]
    open_stale = [{"page_id": d.page_id, "lang": d.lang, "version": d.version, "status": d.status, "draft_id": d.id,
                   "stale": [r.render() for r in judge.reasons(d)]}
                  for d in newest if d.status in ("draft", "in_review", "changes_requested")]
    open_stale = [d for d in open_stale if d["stale"]]
    run = latest_run(store)
    if args.json:
        print_json({"items": sum(len(p.languages) for p in specs), "newest_by_status": counts,
                     "approved": pub, "approved_stale": sum(bool(p["stale"]) for p in pub),
                     "open_drafts_stale": open_stale, "never_drafted": never,
                     "last_run": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()}
                     if run else None})
        return 0
    total = sum(len(p.languages) for p in specs)
    print(f"catalogue: {total} texts ({len(specs)} items × languages); drafted {len(drafted)}, never drafted {len(never)}")
    print("newest version of each text: " + (" · ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"))
    stale_pub = [p for p in pub if p["stale"]]
    print(f"approved (published): {len(pub)}, of which stale: {len(stale_pub)}")
    for p in stale_pub:
        print(f"  {p['page_id']} [{p['lang']}] v{p['version']}:")
        for r in p["stale"]:
            print(f"      {r['text']}")
    if open_stale:
        print(f"drafts awaiting review that are already stale: {len(open_stale)}")
        for d in open_stale:
            print(f"  {d['page_id']} [{d['lang']}] v{d['version']} ({d['status']}): {'; '.join(d['stale'])}")
    if run:
        print(f"last regeneration: run #{run['id']} {run['status']} (started {run['started_at']:%Y-%m-%d %H:%M}): "
              + (run["message"] or ", ".join(f"{n} {k}" for k, n in run["counts"].items())))
    if stale_pub or open_stale:
        print("to draft the stale ones again: python -m pipeline regenerate --stale --dry-run (then without --dry-run)")
    return 0


def cmd_regenerate(args, s: Settings) -> int:
    from pipeline.cli.progress import TerminalProgress
    from pipeline.draft.regenerate import Selection
    from pipeline.draft.runs import RunLock, check_budget
    from pipeline.errors import RegenerationError, StoreError
    from pipeline.store.claims import DatabaseError, unreachable
    from pipeline.store.database import DraftStore
    if args.concurrency < 1:
        raise RegenerationError(f"--concurrency {args.concurrency} is not a number of workers", fix="use 1 or more")
    if args.role == "worker":
        return cmd_worker(args, s)
    if args.regen_mode is None:
        args.parser.error("one of the arguments --all --stale is required (or 'worker' to join a running one)")
    if args.workers is not None and args.workers < 1:
        raise RegenerationError(f"--workers {args.workers} is not a number of workers", fix="use 1 or more")
    if args.lease <= 0:
        raise RegenerationError(f"--lease {args.lease:g} is no time at all", fix="give seconds, e.g. --lease 60")
    check_budget(args.budget)  # before planning anything
    sel = Selection(mode=args.regen_mode, pages=tuple(p.strip() for p in (args.pages or "").split(",") if p.strip()),
                    filiere=args.filiere, langs=tuple(x.strip() for x in args.lang.split(",") if x.strip()),
                    force=args.force)
    store = DraftStore.for_data_dir(s.data_dir)
    if args.workers:
        from pipeline.draft.workers import require_postgres
        require_postgres(store)  # said before any planning
    with RunLock(s, store), _local_workers(args, s, sys.stderr if args.json else sys.stdout):
        regen, specs, filieres = regenerator_for(s, store)
        batch = regen.prepare(specs, filieres, sel)
        todo, left = batch.within(args.budget)
        if args.json and args.dry_run:
            print_json({**batch.to_json(), "within_budget": len(todo), "over_budget": [i.name for i in left]})
            return 0
        out = sys.stderr if args.json else sys.stdout
        _print_plan(batch, todo, left, args, out)
        if args.dry_run:
            return 0
        bar = None if args.json else TerminalProgress("regenerate")
        if args.workers:
            from pipeline.draft.workers import run_with_workers
            summary = run_with_workers(regen, batch, args.workers, args.concurrency, args.budget, args.lease,
                                       progress=bar)
        else:
            try:
                summary = regen.run(batch, concurrency=args.concurrency, budget=args.budget, progress=bar)
            except DatabaseError as exc:
                if not unreachable(exc):
                    raise
                raise StoreError(f"the drafts database stopped answering during the run ({str(exc.orig)[:160]}); "
                                 "every draft stored so far is kept with its item, nothing half-done was",
                                 fix="bring the database back (check DATABASE_URL), then run the same command again: "
                                     "it resumes the run and drafts only what is left") from exc
    if args.json:
        print_json(summary.to_json())
    else:
        _print_summary(summary)
    return 0 if not summary.failed else 9  # finished, but some items failed (listed above)


@contextmanager
def _local_workers(args, s: Settings, out):
    """With --workers N (not a dry run): N - 1 local workers started now, so that they are ready when the run is."""
    if not args.workers or args.workers < 2 or args.dry_run:
        yield None
        return
    from pipeline.draft.workers import LocalWorkers
    with LocalWorkers(s, args.workers - 1, args.concurrency, args.lease) as local:
        print(f"{args.workers} worker(s) on this machine: this process"
              + "".join(f", pid {p.pid} (log {log})" for p, log in local.procs)
              + "; another machine joins with 'python -m pipeline regenerate worker'", file=out)
        yield local


def cmd_worker(args, s: Settings) -> int:
    """regenerate worker: join the running run from this machine, draft items until none is left open."""
    from pipeline.errors import RegenerationError
    from pipeline.store.database import DraftStore
    if args.regen_mode or args.workers or args.pages or args.filiere or args.force or args.dry_run or args.budget:
        raise RegenerationError("a worker drafts the items of the run it joins: --all/--stale, --pages, --filiere, "
                                "--force, --budget, --dry-run and --workers belong to the command that starts the run",
                                fix="python -m pipeline regenerate worker [--run ID] [--concurrency N] [--wait S]")
    done = [0]

    def on_item():
        done[0] += 1
        if not args.json:
            print(f"  {done[0]} item(s) finished by this worker", file=sys.stderr, flush=True)
    report = join_run(s, DraftStore.for_data_dir(s.data_dir), args.run, args.wait, args.concurrency, args.lease,
                      on_item=on_item)
    if args.json:
        print_json(report.to_json())
    else:
        print(f"worker {report.worker}, run #{report.run_id}: {report.done} drafted, {report.failed} failed"
              + (f", {report.lost} taken by another worker after this one's lease ran out" if report.lost else "")
              + f" (planned in {report.plan_s:.1f} s)"
              + (f"; {len(report.other_inputs)} item(s) left to others (planned here under other inputs: "
                 f"{', '.join(report.other_inputs[:5])})" if report.other_inputs else ""))
    return 0


def join_run(s: Settings, store, run_id: int | None = None, wait_s: float = 0.0, concurrency: int = 1,
             lease_s: float = 60.0, model=None, embedder=None, on_item=None):
    """`regenerate worker`: join the running run (or run `run_id`) with this machine's model and index; the
    libraries, the embedder and the model's client are made ready while it waits for the run."""
    import dataclasses

    from pipeline.draft.workers import check_model, join, require_postgres, wait_for_run
    from pipeline.index.embedding import default_embedder
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    require_postgres(store)
    llm = model.settings if model is not None else llm_settings_from_env()
    if wait_s:
        import pipeline.index.chroma  # noqa: F401
        model = model or make_chat_model(llm)
        embedder = embedder or default_embedder()
        getattr(model, "warm", lambda: None)()
    run = wait_for_run(store, run_id, wait_s)
    check_model(run, llm)
    if s.lock_timeout < 300 and not s.remote_index:  # local workers take the embedded index in turn
        s = dataclasses.replace(s, lock_timeout=300.0)
    regen, specs, _ = regenerator_for(s, store, model=model, embedder=embedder)
    return join(regen, specs, run, concurrency, lease_s, on_item)


def _print_plan(batch, todo, left, args, out) -> None:
    skipped = [i for i in batch.items if i.action == "skip"]
    cannot = [i for i in batch.items if i.action == "fail"]
    print(f"regenerate ({batch.selection.mode}, {batch.backend} {batch.model!r}): {len(batch.to_draft)} to draft, "
          f"{len(skipped)} skipped, {len(cannot)} cannot be drafted"
          + (f"; resumes interrupted run #{batch.resumed_from} ({sum(i.action == 'carried' for i in batch.items)} "
             "item(s) it finished are kept)" if batch.resumed_from else ""), file=out)
    for i in batch.to_draft:
        print(f"  draft  {i.name:<45} ~{i.est_tokens:>6,} tokens  ${i.est_cost:.4f}  {i.why}", file=out)
    for i in cannot:
        print(f"  FAIL   {i.name:<45} {i.why}", file=out)
    if args.dry_run:
        for i in skipped:
            print(f"  skip   {i.name:<45} {i.why}", file=out)
    free = " (the embedded model costs nothing)" if batch.backend == "embedded" else ""
    print(f"estimate: {batch.est_tokens:,} tokens, ${batch.est_cost:.4f}{free}", file=out)
    if left:
        print(f"budget ${args.budget:g}: {len(todo)} item(s) fit; {len(left)} will not be started: "
              + ", ".join(i.name for i in left[:10]) + (" …" if len(left) > 10 else ""), file=out)
    if args.dry_run:
        print("dry run: nothing was changed", file=out)


def _print_summary(s) -> None:
    print(f"run #{s.run_id} {s.status}: {len(s.done)} drafted, {s.skipped} skipped, {len(s.failed)} failed, "
          f"{len(s.not_started)} not started (budget); {s.tokens:,} tokens, ${s.cost:.4f}, {s.seconds:.1f} s")
    if s.by_worker:
        print("  drafted by " + ", ".join(f"{w}: {n}" for w, n in sorted(s.by_worker.items())))
    for name, reason in s.failed:
        print(f"  FAILED {name}: {reason}")
    if s.done:
        print("new drafts await review in the studio; approved versions stay published until the new ones are approved")

