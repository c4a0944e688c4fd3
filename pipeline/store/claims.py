"""The claim queries of a run shared by several workers (draft/workers.py), mixed into DraftStore.

An item is claimed by exactly one worker: `SELECT … FOR UPDATE SKIP LOCKED` picks pending items (or items whose
lease ran out: their worker died) that no other transaction holds, and marks them claimed by this worker until
`lease_until`, on the database's clock (machines' clocks may differ). A draft is stored in the transaction that marks
its item done, only if the item is still claimed by this worker and the run still running; otherwise the transaction
is rolled back and nothing is stored, so an item is never drafted twice. PostgreSQL only (workers refuse SQLite)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import DBAPIError as DatabaseError  # noqa: F401 - what a caller catches when the database fails

from pipeline.store.record import DraftRecord
from pipeline.store.schema import drafts, regen_items, regen_runs

OPEN = ("pending", "claimed")  # an item still to be drafted by someone


def unreachable(exc: BaseException) -> bool:
    """Whether a DatabaseError says the server cannot be reached (worth waiting for), not that a query is wrong."""
    return isinstance(exc, DatabaseError) and (exc.connection_invalidated
                                               or "OperationalError" in type(exc.orig).__name__)


class LostClaim(Exception):
    """The item is no longer this worker's (its lease ran out and another took it), or the run stopped."""


class RunStopped(LostClaim):
    """The run is no longer running (finished, interrupted, resumed): nothing more to claim or store in it."""


class ClaimQueries:
    """Mixed into DraftStore (database.py), which provides `engine` and `_insert_draft`."""

    def running_run(self) -> dict | None:
        """The newest run if it is running, else None."""
        with self.engine.connect() as conn:
            run = conn.execute(select(regen_runs).order_by(regen_runs.c.id.desc()).limit(1)).mappings().first()
        return dict(run) if run and run["status"] == "running" else None

    def run(self, run_id: int) -> dict | None:
        with self.engine.connect() as conn:
            run = conn.execute(select(regen_runs).where(regen_runs.c.id == run_id)).mappings().first()
        return dict(run) if run else None

    def open_items(self, run_id: int) -> list[dict]:
        """The items of the run still to be drafted (pending, or claimed by a worker): page_id, lang, inputs_key and
        the plan the run made."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(regen_items.c.page_id, regen_items.c.lang, regen_items.c.inputs_key,
                                       regen_items.c.plan)
                                .where(regen_items.c.run_id == run_id, regen_items.c.state.in_(OPEN))
                                .order_by(regen_items.c.id)).mappings()
            return [dict(r) for r in rows]

    def count_open(self, run_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(regen_items).where(
                regen_items.c.run_id == run_id, regen_items.c.state.in_(OPEN))).scalar()

    def claim(self, run_id: int, worker: str, keys: list[str], lease_s: float) -> dict | None:
        """One item of the run whose inputs key is in `keys`, pending or with its lease run out, claimed by `worker`
        for `lease_s` seconds: {id, page_id, lang, inputs_key}; None when there is none free now. LostClaim when the
        run is no longer running."""
        with self.engine.begin() as conn:
            _running(conn, run_id)
            row = conn.execute(
                select(regen_items.c.id, regen_items.c.page_id, regen_items.c.lang, regen_items.c.inputs_key)
                .where(regen_items.c.run_id == run_id, regen_items.c.inputs_key.in_(keys),
                       or_(regen_items.c.state == "pending",
                           and_(regen_items.c.state == "claimed", regen_items.c.lease_until < func.now())))
                .order_by(regen_items.c.id).limit(1).with_for_update(skip_locked=True)).mappings().first()
            if row is None:
                return None
            conn.execute(update(regen_items).where(regen_items.c.id == row["id"]).values(
                state="claimed", claimed_by=worker, lease_until=func.now() + timedelta(seconds=lease_s),
                claims=func.coalesce(regen_items.c.claims, 0) + 1, updated_at=datetime.now(timezone.utc)))
            return dict(row)

    def renew(self, run_id: int, worker: str, lease_s: float) -> int:
        """Extend the lease of every item `worker` holds in the run; how many it holds."""
        with self.engine.begin() as conn:
            return conn.execute(update(regen_items).where(
                regen_items.c.run_id == run_id, regen_items.c.claimed_by == worker, regen_items.c.state == "claimed")
                .values(lease_until=func.now() + timedelta(seconds=lease_s))).rowcount

    def add_claimed_draft(self, rec: DraftRecord, run_id: int, item_id: int, worker: str, *, tokens: int,
                          cost: float, started: float) -> DraftRecord:
        """The draft stored and its item marked done, in one transaction, if the item is still `worker`'s and the run
        still running; LostClaim (nothing stored) otherwise."""
        with self.engine.begin() as conn:
            _running(conn, run_id)
            _take(conn, item_id, worker)
            self._insert_draft(conn, rec)
            conn.execute(update(regen_items).where(regen_items.c.id == item_id).values(
                state="done", draft_id=rec.id, tokens=tokens, cost=cost, seconds=time.perf_counter() - started,
                lease_until=None, updated_at=datetime.now(timezone.utc)))
        return rec

    def fail_claimed(self, run_id: int, item_id: int, worker: str, reason: str, seconds: float) -> None:
        with self.engine.begin() as conn:
            _running(conn, run_id)
            _take(conn, item_id, worker)
            conn.execute(update(regen_items).where(regen_items.c.id == item_id).values(
                state="failed", reason=reason, seconds=seconds, lease_until=None,
                updated_at=datetime.now(timezone.utc)))

    def release(self, run_id: int, item_id: int, worker: str) -> None:
        """Give a claimed item back (pending again) for another worker."""
        with self.engine.begin() as conn:
            conn.execute(update(regen_items).where(regen_items.c.id == item_id, regen_items.c.claimed_by == worker,
                                                   regen_items.c.state == "claimed")
                         .values(state="pending", lease_until=None, updated_at=datetime.now(timezone.utc)))

    def run_items(self, run_id: int) -> list[dict]:
        """Every item of the run with what its draft's model took (generate_s), for the run's summary."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(regen_items, drafts.c.timings).select_from(
                regen_items.outerjoin(drafts, drafts.c.id == regen_items.c.draft_id))
                .where(regen_items.c.run_id == run_id).order_by(regen_items.c.updated_at, regen_items.c.id))
            return [dict(r._mapping) for r in rows]


def _running(conn, run_id: int) -> None:
    """The run's row read with a share lock, so that it cannot be stopped or finished while this transaction runs."""
    status = conn.execute(select(regen_runs.c.status).where(regen_runs.c.id == run_id)
                          .with_for_update(read=True)).scalar()
    if status != "running":
        raise RunStopped(f"run #{run_id} is {status or 'gone'}")


def _take(conn, item_id: int, worker: str) -> None:
    """Lock the item's row if it is still claimed by `worker`; LostClaim otherwise."""
    got = conn.execute(select(regen_items.c.id).where(
        regen_items.c.id == item_id, regen_items.c.claimed_by == worker, regen_items.c.state == "claimed")
        .with_for_update()).first()
    if got is None:
        raise LostClaim(f"item {item_id} is no longer claimed by {worker}")
