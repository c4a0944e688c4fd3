"""The drafts database (DraftStore): SQLite by default, PostgreSQL when DATABASE_URL says so (SQLAlchemy Core).

Opening it applies the migrations it lacks. It holds the drafts and the LLM call log; the review and regeneration
queries are mixed in from review.py, runs.py and claims.py, so every query of the studio lives in this package."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from pipeline.errors import StoreError
from pipeline.store.claims import ClaimQueries
from pipeline.store.record import DraftRecord, record_from_row
from pipeline.store.review import ReviewQueries
from pipeline.store.runs import RunQueries
from pipeline.store.schema import drafts, llm_calls, migrate


def database_url(data_dir: Path) -> str:
    """DATABASE_URL, or a SQLite file in the data directory."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgres://", "postgresql+psycopg://", 1).replace("postgresql://", "postgresql+psycopg://", 1)
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'studio.sqlite'}"


class DraftStore(ReviewQueries, RunQueries, ClaimQueries):
    """Drafts and the LLM call log in one database (with the review, regeneration and workers' claim queries of the
    mixins)."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            # several writers (a regeneration's workers, the review screen) wait for SQLite's lock, not fail
            args = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
            self.engine = create_engine(url, future=True, pool_pre_ping=True, **args)
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_wal)
            migrate(self.engine)
        except (OperationalError, SQLAlchemyError) as exc:
            safe = url.split("@")[-1]
            raise StoreError(f"cannot open the drafts database at {safe}: {type(exc).__name__}: {str(exc)[:200]}",
                             fix="check DATABASE_URL (and that PostgreSQL is running), or unset it to use SQLite")

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> "DraftStore":
        return cls(database_url(data_dir))

    def add(self, rec: DraftRecord) -> DraftRecord:
        """Insert as the next version of (page, language), in one transaction; older open drafts are superseded."""
        with self.engine.begin() as conn:
            return self._insert_draft(conn, rec)

    def _insert_draft(self, conn, rec: DraftRecord) -> DraftRecord:
        """`add` within the caller's transaction (an edit with its audit entry, a regenerated draft with its item)."""
        last = conn.execute(select(func.max(drafts.c.version)).where(
            drafts.c.page_id == rec.page_id, drafts.c.lang == rec.lang)).scalar() or 0
        conn.execute(update(drafts).where(drafts.c.page_id == rec.page_id, drafts.c.lang == rec.lang,
                                          drafts.c.status.in_(("draft", "in_review")))
                     .values(status="superseded"))
        rec.version = last + 1
        rec.created_at = datetime.now(timezone.utc)
        values = {k: getattr(rec, k) for k in ("page_id", "lang", "version", "status", "title", "text", "facts",
                                               "prompt_name", "prompt_hash", "backend", "model", "params",
                                               "tokens_in", "tokens_out", "tokens_estimated", "cost_estimate",
                                               "timings", "check_report", "author", "created_at",
                                               "parent_id", "review_note", "inputs_key")}
        values["text_hash"] = rec.text_hash
        rec.id = conn.execute(insert(drafts).values(**values)).inserted_primary_key[0]
        return rec

    def list(self, status: str | None = None, page_id: str | None = None) -> list[DraftRecord]:
        q = select(drafts).order_by(drafts.c.page_id, drafts.c.lang, drafts.c.version)
        if status:
            q = q.where(drafts.c.status == status)
        if page_id:
            q = q.where(drafts.c.page_id == page_id)
        with self.engine.connect() as conn:
            return [record_from_row(r) for r in conn.execute(q).mappings()]

    def get(self, draft_id: int) -> DraftRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).mappings().first()
        return record_from_row(row) if row else None

    def newest_version(self, page_id: str, lang: str) -> DraftRecord | None:
        """The newest version of (page, language), whatever its status."""
        with self.engine.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.page_id == page_id, drafts.c.lang == lang)
                               .order_by(drafts.c.version.desc()).limit(1)).mappings().first()
        return record_from_row(row) if row else None

    # the log of every model call (prompt, response, tokens): used by ask and draft
    def record(self, purpose: str, settings, system: str, prompt: str, result, error: str = "",
               meta: dict | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(llm_calls).values(
                ts=datetime.now(timezone.utc), purpose=purpose, backend=settings.backend, model=settings.model,
                base_url=settings.where, system=system, prompt=prompt, response=result.text if result else None,
                prompt_tokens=result.prompt_tokens if result else None,
                completion_tokens=result.completion_tokens if result else None,
                latency_s=result.latency_s if result else None, error=error, meta=meta or {}))

    def count_calls(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(llm_calls)).scalar()

    def latest(self) -> list[dict]:
        """The newest version of every (page, language) in one query, without the text or the full check report:
        what the review queue lists. `flagged` is the list of flagged sentences from the check report."""
        newest = (select(drafts.c.page_id, drafts.c.lang, func.max(drafts.c.version).label("version"))
                  .group_by(drafts.c.page_id, drafts.c.lang).subquery())
        cols = [c for c in drafts.c if c.name not in ("text", "check_report", "timings")]  # the heavy ones
        q = (select(*cols, drafts.c.check_report["flagged"].label("flagged"))
             .join(newest, (drafts.c.page_id == newest.c.page_id) & (drafts.c.lang == newest.c.lang)
                   & (drafts.c.version == newest.c.version))
             .order_by(drafts.c.page_id, drafts.c.lang))
        with self.engine.connect() as conn:
            return [dict(r, flagged=r["flagged"] or []) for r in conn.execute(q).mappings()]


def _sqlite_wal(dbapi_conn, _record) -> None:
    """Write-ahead log: readers (the review screen) never wait for a writer (a regeneration) and a commit costs
    one append, not a full sync; a killed process loses nothing committed."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
