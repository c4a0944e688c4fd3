"""The regeneration-run queries (one row per run, one per item of a run), mixed into DraftStore.

A draft is stored in the same transaction that marks its item done, so a run killed at any point is resumable."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from pipeline.store.record import DraftRecord
from pipeline.store.schema import regen_items, regen_runs


class RunQueries:
    """Mixed into DraftStore (database.py), which provides `engine` and `_insert_draft`."""

    def interrupt_running_runs(self) -> None:
        """Mark interrupted every run still said to be running (called by the holder of the run lock)."""
        with self.engine.begin() as conn:
            conn.execute(update(regen_runs).where(regen_runs.c.status == "running").values(status="interrupted"))

    def start_run(self, items: list[dict], resumes: int | None = None, **run) -> int:
        """A new running run (`run`: its columns) with its items (page_id, lang, state, inputs_key, reason,
        draft_id), in one transaction; the run it `resumes` is marked resumed, so it is never resumed again."""
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            run_id = conn.execute(insert(regen_runs).values(started_at=now, status="running", **run)
                                  ).inserted_primary_key[0]
            rows = [{"run_id": run_id, **i, "updated_at": now} for i in items]
            if rows:
                conn.execute(insert(regen_items), rows)
            if resumes:  # its finished items now belong to this run
                conn.execute(update(regen_runs).where(regen_runs.c.id == resumes)
                             .values(status="resumed", message=f"resumed by run #{run_id}"))
        return run_id

    def finish_run(self, run_id: int, status: str, message: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(regen_runs).where(regen_runs.c.id == run_id).values(
                status=status, finished_at=datetime.now(timezone.utc), message=message))

    def add_item_draft(self, rec: DraftRecord, run_id: int, page_id: str, lang: str, *, tokens: int, cost: float,
                       started: float) -> DraftRecord:
        """`add(rec)` and its item marked done with it, in one transaction: a killed run never loses a draft nor
        drafts an item twice. `started` is the item's time.perf_counter() start; its seconds run to the insert."""
        with self.engine.begin() as conn:
            self._insert_draft(conn, rec)
            _mark(conn, run_id, page_id, lang, "done", draft_id=rec.id, tokens=tokens, cost=cost,
                  seconds=time.perf_counter() - started)
        return rec

    def fail_item(self, run_id: int, page_id: str, lang: str, reason: str, seconds: float) -> None:
        with self.engine.begin() as conn:
            _mark(conn, run_id, page_id, lang, "failed", reason=reason, seconds=seconds)

    def newest_run(self) -> tuple[dict, list[dict]] | None:
        """The newest run and its items (state, tokens, cost, inputs_key), read together; None before any run."""
        with self.engine.connect() as conn:
            run = conn.execute(select(regen_runs).order_by(regen_runs.c.id.desc()).limit(1)).mappings().first()
            if run is None:
                return None
            rows = conn.execute(select(regen_items.c.state, regen_items.c.tokens, regen_items.c.cost,
                                       regen_items.c.inputs_key).where(regen_items.c.run_id == run["id"])).mappings()
            return dict(run), [dict(r) for r in rows]

    def resumable_run(self, signature: str) -> tuple[int, list[dict]] | None:
        """The newest run if it was interrupted and made the selection of this signature, with its items done or
        carried (page_id, lang, draft_id, inputs_key); None otherwise."""
        with self.engine.connect() as conn:
            run = conn.execute(select(regen_runs).order_by(regen_runs.c.id.desc()).limit(1)).first()
            if run is None or run.status != "interrupted" or run.signature != signature:
                return None
            rows = conn.execute(select(regen_items.c.page_id, regen_items.c.lang, regen_items.c.draft_id,
                                       regen_items.c.inputs_key)
                                .where(regen_items.c.run_id == run.id, regen_items.c.state.in_(("done", "carried"))))
            return run.id, [dict(r._mapping) for r in rows]


def _mark(conn, run_id: int, page_id: str, lang: str, state: str, **values) -> None:
    """Set one item's state within the caller's transaction."""
    conn.execute(update(regen_items).where(regen_items.c.run_id == run_id, regen_items.c.page_id == page_id,
                                           regen_items.c.lang == lang)
                 .values(state=state, updated_at=datetime.now(timezone.utc), **values))
