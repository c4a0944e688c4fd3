"""Several workers on one regeneration run, on one machine or several sharing the drafts database (PostgreSQL).

`regenerate --workers N` prepares the run as usual (plans, estimate, items recorded pending), starts N - 1 local
workers (`regenerate worker --run ID`) and works as the N-th; `regenerate worker` started on another machine with the
same DATABASE_URL, CHROMA_HOST and model settings joins the running run. The run keeps each item's plan (the facts
of each section, the prompt given); a worker rebuilds it on its own fact base and drafts only the items whose inputs
key it then computes equal to the run's (a worker whose model setting differs is refused before that: it would draft
under another inputs key). Items are claimed one at a time for a lease
(store/claims.py) that the worker renews while it lives; a killed worker's item is taken by another once its lease
has run out. The run's summary is read back from its items, so it is the same whoever drafted them."""
from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.draft.kept_plans import load_plans, plan_to_json
from pipeline.draft.regenerate import Batch, Item, Regenerator, RunSummary
from pipeline.draft.runs import check_budget
from pipeline.errors import RegenerationError, StoreError, StudioError
from pipeline.store.claims import DatabaseError, LostClaim, RunStopped, unreachable
from pipeline.store.database import DraftStore

DEFAULT_LEASE = 60.0   # seconds an item stays a worker's without news from it
DB_GRACE = 60.0        # seconds a worker waits for an unreachable database before it stops


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def require_postgres(store: DraftStore) -> None:
    if not store.url.startswith("postgresql"):
        raise RegenerationError(
            "several regeneration workers need the drafts database on PostgreSQL; this one is a SQLite file, which "
            "other machines cannot share",
            fix="set DATABASE_URL=postgresql://… (and CHROMA_HOST for the index) on every machine, or drop --workers "
                "and use --concurrency N to draft several items at once on this machine")


def check_model(run: dict, llm) -> None:
    """Refuse a worker whose model settings differ from the run's: its drafts would carry another inputs key."""
    differ = [f"{what} {mine!r} here, {theirs!r} in the run" for what, mine, theirs in (
        ("backend", llm.backend, run["backend"]), ("model", llm.model, run["model"]),
        ("temperature", llm.temperature, run["temperature"])) if theirs is not None and mine != theirs]
    if differ:
        raise RegenerationError(
            f"this worker's model settings differ from run #{run['id']}'s ({'; '.join(differ)}): it would draft "
            "under another inputs key, so it does not join",
            fix=f"start it with the run's model settings: STUDIO_LLM_BACKEND={run['backend']} "
                f"STUDIO_LLM_MODEL={run['model']}, as on the machine that started the run")


@dataclass
class WorkerReport:
    worker: str
    run_id: int
    done: int = 0
    failed: int = 0
    lost: int = 0                    # drafted, but the lease had run out and another worker had taken the item
    other_inputs: list[str] = field(default_factory=list)   # items this machine plans under other inputs
    plan_s: float = 0.0              # how long this worker took to plan the run's open items

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def _db(what: str, call: Callable, grace: float = DB_GRACE):
    """`call()`, tried again while the database is unreachable, for up to `grace` seconds; StoreError after. Safe to
    repeat: a claim or a store is one transaction, and storing an item already stored raises LostClaim."""
    deadline = time.monotonic() + grace
    while True:
        try:
            return call()
        except DatabaseError as exc:
            if not unreachable(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreError(f"the drafts database stopped answering for {grace:.0f} s when the worker {what} "
                                 f"({str(exc.orig)[:160]}); nothing half-done was kept: every item not stored is "
                                 "still to be drafted",
                                 fix="bring PostgreSQL back (check DATABASE_URL), then run the same 'python -m "
                                     "pipeline regenerate' again: it resumes the run") from exc
            time.sleep(1.0)


class Worker:
    """Claims the run's items it has plans for, drafts and stores each; `concurrency` at once."""

    def __init__(self, regen: Regenerator, run_id: int, items: list[Item], name: str | None = None,
                 lease_s: float = DEFAULT_LEASE, concurrency: int = 1, on_item: Callable[[], None] | None = None,
                 db_grace: float = DB_GRACE) -> None:
        self.regen, self.store, self.run_id = regen, regen.store, run_id
        self.items = {i.key: i for i in items if i.key}
        self.name = name or worker_name()
        self.lease_s, self.concurrency, self.on_item, self.db_grace = lease_s, max(1, concurrency), on_item, db_grace
        self.report = WorkerReport(self.name, run_id)
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self._lock = threading.Lock()

    def work(self) -> WorkerReport:
        """Until no item of the run is left open (or the run stops); raises what stopped a thread (StoreError)."""
        beat = threading.Thread(target=self._heartbeat, daemon=True)
        beat.start()
        threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(self.concurrency)]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
        finally:
            self.stop.set()
        if self.error is not None:
            raise self.error
        return self.report

    def _heartbeat(self) -> None:
        while not self.stop.wait(self.lease_s / 3):
            try:
                self.store.renew(self.run_id, self.name, self.lease_s)
            except Exception:  # noqa: BLE001 - unreachable for now: the next beat tries again
                pass

    def _loop(self) -> None:
        keys, poll = list(self.items), min(1.0, self.lease_s / 5)
        try:
            while not self.stop.is_set():
                got = _db("claimed an item", lambda: self.store.claim(self.run_id, self.name, keys, self.lease_s),
                          self.db_grace)
                if got is None:
                    if _db("counted the open items", lambda: self.store.count_open(self.run_id), self.db_grace) == 0:
                        return
                    self.stop.wait(poll)  # items are claimed by others: one may die and its lease run out
                    continue
                self._one(got, self.items[got["inputs_key"]])
        except RunStopped:  # finished by its process, or interrupted
            return
        except BaseException as exc:  # noqa: BLE001 - handed to work()
            self.error = exc
            self.stop.set()

    def _one(self, got: dict, item: Item) -> None:
        t1 = time.perf_counter()
        try:
            rec, spent = self.regen.draft_item(item)
        except DatabaseError:  # the model call's log could not be written: wait for the database, give the item back
            _db("logged a model call", lambda: self.store.count_open(self.run_id), self.db_grace)
            self.store.release(self.run_id, got["id"], self.name)
            return
        except Exception as exc:  # one item's failure is recorded and the run goes on
            reason = exc.message if isinstance(exc, StudioError) else f"{type(exc).__name__}: {exc}"
            self._finish(lambda: self.store.fail_claimed(self.run_id, got["id"], self.name, reason,
                                                          time.perf_counter() - t1), "failed")
            return
        self._finish(lambda: self.store.add_claimed_draft(rec, self.run_id, got["id"], self.name,
                                                          tokens=rec.tokens_in + rec.tokens_out, cost=spent,
                                                          started=t1), "done")

    def _finish(self, store_it: Callable, outcome: str) -> None:
        try:
            _db("stored an item", store_it, self.db_grace)
        except RunStopped:
            raise
        except LostClaim:  # the lease ran out and another worker took the item: nothing stored
            outcome = "lost"
        with self._lock:
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        if self.on_item:
            self.on_item()


# ---------------------------------------------------------------------------------------------- the run's side
def summary_from_items(store: DraftStore, run_id: int, status: str, seconds: float) -> RunSummary:
    """The run's summary as the one-process run makes it, read back from its items (whoever drafted them)."""
    s = RunSummary(run_id, status, seconds=seconds)
    for r in store.run_items(run_id):
        name = f"{r['page_id']} [{r['lang']}]"
        if r["state"] == "done":
            s.done.append((name, r["draft_id"]))
            s.tokens += r["tokens"] or 0
            s.cost += r["cost"] or 0.0
            s.model_seconds += (r["timings"] or {}).get("generate_s", 0.0)
            s.by_worker[r["claimed_by"] or "?"] = s.by_worker.get(r["claimed_by"] or "?", 0) + 1
        elif r["state"] in ("skipped", "carried"):
            s.skipped += 1
        elif r["state"] == "failed":
            s.failed.append((name, r["reason"]))
        elif r["state"] == "not_started":
            s.not_started.append(name)
    return s


class LocalWorkers:
    """`n` local `regenerate worker` processes, started by the run's process before it plans (their start-up, the
    libraries and the model's client, overlaps its planning; they join the run as soon as it is recorded), each in
    its own session and logging to the data folder; stopped when the run ends."""

    def __init__(self, settings, n: int, concurrency: int = 1, lease_s: float = DEFAULT_LEASE) -> None:
        self.settings, self.n, self.concurrency, self.lease_s = settings, n, concurrency, lease_s
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def __enter__(self) -> "LocalWorkers":
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for k in range(1, self.n + 1):
            log = self.settings.data_dir / f"worker-{stamp}-{k}.log"
            with open(log, "w") as fh:
                proc = subprocess.Popen([sys.executable, "-m", "pipeline", "regenerate", "worker", "--wait", "900",
                                         "--concurrency", str(self.concurrency), "--lease", f"{self.lease_s:g}"],
                                        stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
            self.procs.append((proc, log))
        return self

    def __exit__(self, *exc) -> None:
        for proc, _ in self.procs:
            _stop(proc)


def run_with_workers(regen: Regenerator, batch: Batch, workers: int, concurrency: int = 1,
                     budget: float | None = None, lease_s: float = DEFAULT_LEASE,
                     progress: Callable[[int, int, str], None] | None = None) -> RunSummary:
    """The batch as a run that `workers` workers share: this process, the LocalWorkers started beside it and any
    that join from other machines. Returns when no item is left open (or on the first error: the run is then
    interrupted, for the next regenerate to resume)."""
    require_postgres(regen.store)
    check_budget(budget)
    todo, left = batch.within(budget)
    t0 = time.perf_counter()
    run_id = regen._start(batch, todo, left, budget, workers=workers, plan_json=plan_to_json)
    total, status = len(todo), "done"
    me = Worker(regen, run_id, todo, lease_s=lease_s, concurrency=concurrency)
    thread = threading.Thread(target=lambda: _catch(me), daemon=True)
    shown = [-1]
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.5)
            if progress:
                _report(regen.store, run_id, total, progress, shown)
        if me.error is not None:
            raise me.error
    except BaseException:  # Ctrl-C, or the database gone: the next run resumes this one
        status = "interrupted"
        me.stop.set()
        raise
    finally:
        if left and status == "done":
            status = "budget"
        summary = summary_from_items(regen.store, run_id, status, time.perf_counter() - t0)
        try:
            regen._finish(run_id, status, summary)
        except DatabaseError:
            pass  # the database is gone: the run stays 'running' and the next regenerate marks it interrupted
    return summary


def _catch(worker: Worker) -> None:
    try:
        worker.work()
    except BaseException as exc:  # noqa: BLE001 - read by run_with_workers
        worker.error = exc


def _report(store: DraftStore, run_id: int, total: int, progress, shown: list[int]) -> None:
    """The run's progress, whoever finished the items, when it moved."""
    try:
        finished = total - store.count_open(run_id)
    except DatabaseError:
        return
    if finished != shown[0]:
        shown[0] = finished
        progress(finished, total, "finished")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            proc.wait(timeout=3)  # it sees nothing open and leaves by itself
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# ---------------------------------------------------------------------------------------------- a joining worker
def wait_for_run(store: DraftStore, run_id: int | None = None, wait_s: float = 0.0) -> dict:
    """The running run to join (or run `run_id`), waiting up to `wait_s` seconds for one; RegenerationError when
    there is none, or when it was started without --workers."""
    require_postgres(store)
    deadline = time.monotonic() + wait_s
    while True:
        run = store.run(run_id) if run_id else store.running_run()
        if run is not None and run["status"] == "running":
            break
        if time.monotonic() >= deadline:
            what = f"run #{run_id} is {run['status']}" if run else (
                f"there is no run #{run_id}" if run_id else "no regeneration is running")
            raise RegenerationError(f"{what}: this worker has nothing to join",
                                    fix="start one on any machine sharing DATABASE_URL: python -m pipeline regenerate "
                                        "--all --workers N (or give --wait SECONDS to wait for it)")
        time.sleep(0.25)
    if run["workers"] is None:
        raise RegenerationError(f"run #{run['id']} was started without --workers: it drafts in one process and "
                                "takes no workers", fix="start the next run with --workers N, then join it")
    return run


def join(regen: Regenerator, specs, run: dict, concurrency: int = 1, lease_s: float = DEFAULT_LEASE,
         on_item: Callable[[], None] | None = None) -> WorkerReport:
    """Rebuild the run's kept plans here and draft the open items whose inputs key this machine computes equal to
    the run's, until none is left open; RegenerationError when it would draft none of them."""
    store = regen.store
    rows = store.open_items(run["id"])
    recorded = {(r["page_id"], r["lang"]): r["inputs_key"] for r in rows}
    t0 = time.perf_counter()
    planned = load_plans(regen, specs, rows)
    mine = [i for i in planned if i.action == "draft" and i.key == recorded[(i.spec.id, i.lang)]]
    report = WorkerReport(worker_name(), run["id"], plan_s=round(time.perf_counter() - t0, 3))
    report.other_inputs = sorted(f"{p} [{lang}]" for p, lang in set(recorded) - {(i.spec.id, i.lang) for i in mine})
    if recorded and not mine:
        raise RegenerationError(
            f"this machine plans all {len(recorded)} open item(s) of run #{run['id']} under other inputs than the run "
            f"(first: {report.other_inputs[0]}): its corpus, prompts, brand voice or index differ from the machine "
            "that started it", fix="run the worker on the same corpus and prompts (same checkout, STUDIO_CORPUS_DIR) "
                                   "and the same index (CHROMA_HOST), or let the other workers finish")
    w = Worker(regen, run["id"], mine, report.worker, lease_s, concurrency, on_item)
    w.report = report
    return w.work()
