"""Regeneration runs: one at a time, what the newest one is doing, and whether its process is still alive.

One run at a time is a named lock (pipeline/locks.py): a file in the data folder with SQLite, a PostgreSQL advisory
lock when the drafts are there, so two machines sharing the database cannot run two at once. What a run is doing is
its items' states in the database (store/runs.py), read by `status` and the review screen."""
from __future__ import annotations

from pipeline.config import Settings
from pipeline.errors import LockBusy, RegenerationError
from pipeline.locks import named_lock
from pipeline.store.database import DraftStore, database_url

LOCK_NAME = "regenerate"


def check_budget(budget: float | None) -> None:
    """A budget must allow something: zero or less is refused before any work."""
    if budget is not None and budget <= 0:
        raise RegenerationError(f"a budget of {budget:g} allows no model call",
                                fix="give a positive amount in USD (e.g. --budget 2.50), or leave --budget out")


class RunLock:
    """One regeneration at a time per drafts database (per data folder with SQLite); earlier runs still marked
    running were interrupted."""

    def __init__(self, settings: Settings, store: DraftStore) -> None:
        self.lock = run_lock(settings, store.url)
        self.store = store

    def __enter__(self) -> "RunLock":
        try:
            self.lock.acquire()
        except LockBusy as busy:
            raise RegenerationError(f"another regeneration is running ({busy.holder})",
                                    fix="wait for it to finish (its progress shows in the review screen and in "
                                        "'python -m pipeline status'), or stop it; a killed run is resumed by the next")
        self.store.interrupt_running_runs()  # we hold the lock: whatever says "running" was killed
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()


def run_lock(settings: Settings, url: str):
    return named_lock(LOCK_NAME, url, settings.data_dir / "regenerate.lock", label="regenerate")


def run_alive(settings: Settings) -> bool:
    """Whether a regeneration holds the lock now (a run marked running without it was killed)."""
    return run_lock(settings, database_url(settings.data_dir)).held_elsewhere()


def latest_run(store: DraftStore) -> dict | None:
    """The newest run with its item counts by state (for the status command and the review screen)."""
    newest = store.newest_run()
    if newest is None:
        return None
    run, rows = newest
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["state"]] = counts.get(r["state"], 0) + 1
    # progress counts the items the run set out to draft (those that could not be planned have no inputs key)
    finished = sum(1 for r in rows if r["state"] in ("done", "failed") and r["inputs_key"])
    return {**run, "counts": counts, "finished": finished, "tokens": sum(r["tokens"] or 0 for r in rows),
            "cost": round(sum(r["cost"] or 0 for r in rows), 6)}
