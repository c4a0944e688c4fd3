"""Drafts in a real database: SQLite by default, PostgreSQL when DATABASE_URL says so (SQLAlchemy Core).
Schema changes are numbered migrations applied in order and recorded, so a deployed database can be upgraded."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import (JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, event, func, insert, select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from pipeline.errors import StoreError, StudioError
from pipeline.identity import text_hash

class UTCDateTime(TypeDecorator):
    """A UTC timestamp that reads back aware on every database: PostgreSQL keeps the zone, SQLite drops it, so
    callers never have to guess."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


DRAFT_STATUSES = ("draft", "in_review", "changes_requested", "approved", "rejected", "superseded")


metadata = MetaData()
migrations_table = Table("schema_migrations", metadata, Column("version", Integer, primary_key=True),
                         Column("name", String(200)), Column("applied_at", UTCDateTime()))


def _drafts_table(md: MetaData, *extra: Column) -> Table:
    """The drafts table; `extra` are the columns later migrations added."""
    return Table(
        "drafts", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("page_id", String(200), nullable=False, index=True),
        Column("lang", String(5), nullable=False),
        Column("version", Integer, nullable=False),
        Column("status", String(20), nullable=False),
        Column("title", Text, nullable=False),
        Column("text", Text, nullable=False),
        Column("text_hash", String(64), nullable=False),
        Column("facts", JSON, nullable=False),          # [{id, content_hash}]
        Column("prompt_name", String(100), nullable=False),
        Column("prompt_hash", String(64), nullable=False),
        Column("backend", String(50), nullable=False),
        Column("model", String(200), nullable=False),
        Column("params", JSON, nullable=False),
        Column("tokens_in", Integer, nullable=False),
        Column("tokens_out", Integer, nullable=False),
        Column("tokens_estimated", Integer, nullable=False),
        Column("cost_estimate", Float, nullable=False),
        Column("timings", JSON, nullable=False),
        Column("check_report", JSON, nullable=False),
        Column("author", String(100), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        UniqueConstraint("page_id", "lang", "version", name="uq_draft_version"),
        *extra,
    )


# current schema, for queries; migrations below build each version explicitly
drafts = _drafts_table(metadata, Column("parent_id", Integer), Column("review_note", Text),
                       Column("inputs_key", String(64)))
llm_calls = Table(
    "llm_calls", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", UTCDateTime()), Column("purpose", String(100)), Column("backend", String(50)),
    Column("model", String(200)), Column("base_url", String(300)), Column("system", Text), Column("prompt", Text),
    Column("response", Text), Column("prompt_tokens", Integer), Column("completion_tokens", Integer),
    Column("latency_s", Float), Column("error", Text), Column("meta", JSON),
)


users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Integer, nullable=False, default=1),
    Column("created_at", UTCDateTime(), nullable=False),
)
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(50), nullable=False),
    Column("draft_id", Integer), Column("page_id", String(200)), Column("lang", String(5)),
    Column("version", Integer), Column("text_hash", String(64)), Column("detail", JSON),
)
comments = Table(
    "comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, nullable=False, index=True),
    Column("author", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("ts", UTCDateTime(), nullable=False),
)


# batch regeneration: one row per run, one per item of a run (what makes a killed run resumable)
regen_runs = Table(
    "regen_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("status", String(20), nullable=False),        # running, done, budget, interrupted, resumed
    Column("selection", JSON, nullable=False),            # what was asked (mode, pages, filières, langs, force)
    Column("signature", String(64), nullable=False),      # hash of the selection, to resume the same run
    Column("pid", Integer), Column("backend", String(50)), Column("model", String(200)),
    Column("total", Integer, nullable=False), Column("estimate_tokens", Integer), Column("estimate_cost", Float),
    Column("message", Text),
)
regen_items = Table(
    "regen_items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False, index=True),
    Column("page_id", String(200), nullable=False),
    Column("lang", String(5), nullable=False),
    Column("state", String(20), nullable=False),          # pending, done, skipped, carried, failed, not_started
    Column("inputs_key", String(64)),
    Column("draft_id", Integer),
    Column("reason", Text),
    Column("tokens", Integer), Column("cost", Float), Column("seconds", Float),
    Column("updated_at", UTCDateTime()),
    UniqueConstraint("run_id", "page_id", "lang", name="uq_regen_item"),
)


def _m1_initial(conn) -> None:
    v1 = MetaData()
    _drafts_table(v1)
    llm_calls.to_metadata(v1)
    v1.create_all(conn)


def _m2_draft_lookup_index(conn) -> None:
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_drafts_status ON drafts (status)"))


def _m3_review(conn) -> None:
    metadata.create_all(conn, tables=[users, audit, comments])
    conn.execute(text("ALTER TABLE drafts ADD COLUMN parent_id INTEGER"))
    conn.execute(text("ALTER TABLE drafts ADD COLUMN review_note TEXT"))
    # the audit log is append-only, enforced by the database itself
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.execute(text(f"CREATE TRIGGER audit_no_{op.lower()} BEFORE {op} ON audit "
                              "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("CREATE FUNCTION audit_append_only() RETURNS trigger AS $$ BEGIN "
                          "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql"))
        conn.execute(text("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                          "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"))


def _m4_regeneration(conn) -> None:
    conn.execute(text("ALTER TABLE drafts ADD COLUMN inputs_key VARCHAR(64)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_drafts_inputs_key ON drafts (inputs_key)"))
    metadata.create_all(conn, tables=[regen_runs, regen_items])


MIGRATIONS: list[tuple[int, str, Callable]] = [(1, "initial: drafts and llm_calls", _m1_initial),
                                               (2, "index drafts by status", _m2_draft_lookup_index),
                                               (3, "review: users, audit log, comments", _m3_review),
                                               (4, "regeneration: inputs key, runs and items", _m4_regeneration)]


def database_url(data_dir: Path) -> str:
    """DATABASE_URL, or a SQLite file in the data directory."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgres://", "postgresql+psycopg://", 1).replace("postgresql://", "postgresql+psycopg://", 1)
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'studio.sqlite'}"


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations not yet recorded; returns the versions applied now."""
    applied_now = []
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[migrations_table])
        done = {r[0] for r in conn.execute(select(migrations_table.c.version))}
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        with engine.begin() as conn:  # each migration in its own transaction
            step(conn)
            conn.execute(insert(migrations_table).values(version=version, name=name,
                                                         applied_at=datetime.now(timezone.utc)))
        applied_now.append(version)
    return applied_now


@dataclass
class DraftRecord:
    page_id: str
    lang: str
    title: str
    text: str
    facts: list[dict]
    prompt_name: str
    prompt_hash: str
    backend: str
    model: str
    params: dict
    tokens_in: int
    tokens_out: int
    tokens_estimated: int
    cost_estimate: float
    timings: dict
    check_report: dict
    author: str = "studio"
    status: str = "draft"
    parent_id: int | None = None
    review_note: str | None = None
    inputs_key: str | None = None  # hash of everything that produced the draft (facts, prompt, model, page)
    id: int | None = None
    version: int | None = None
    created_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    def to_json(self, full: bool = True) -> dict:
        d = {"id": self.id, "page_id": self.page_id, "lang": self.lang, "version": self.version,
             "status": self.status, "title": self.title, "created_at": self.created_at.isoformat()
             if self.created_at else None, "text_hash": self.text_hash, "backend": self.backend, "model": self.model}
        if full:
            d.update(text=self.text, facts=self.facts, prompt_name=self.prompt_name, prompt_hash=self.prompt_hash,
                     params=self.params, tokens_in=self.tokens_in, tokens_out=self.tokens_out,
                     tokens_estimated=self.tokens_estimated, cost_estimate=self.cost_estimate,
                     timings=self.timings, check=self.check_report)
        return d


class DraftStore:
    """Drafts and the LLM call log in one database."""

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

    def add(self, rec: DraftRecord, also: Callable[[Any, DraftRecord], None] | None = None) -> DraftRecord:
        """Insert as the next version of (page, language), in one transaction; older open drafts are superseded.
        `also(conn, rec)` runs in the same transaction (a regeneration marks its item done with the draft)."""
        with self.engine.begin() as conn:
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
            if also is not None:
                also(conn, rec)
        return rec

    def list(self, status: str | None = None, page_id: str | None = None) -> list[DraftRecord]:
        q = select(drafts).order_by(drafts.c.page_id, drafts.c.lang, drafts.c.version)
        if status:
            q = q.where(drafts.c.status == status)
        if page_id:
            q = q.where(drafts.c.page_id == page_id)
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(q).mappings()]

    def get(self, draft_id: int) -> DraftRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).mappings().first()
        return _record(row) if row else None

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


def _record(row: Any) -> DraftRecord:
    d = dict(row)
    d.pop("text_hash", None)
    return DraftRecord(**{k: v for k, v in d.items() if k in DraftRecord.__dataclass_fields__})
