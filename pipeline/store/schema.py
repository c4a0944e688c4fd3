"""The drafts database's schema: its tables, and the numbered migrations that build them, applied in order.

A deployed database is upgraded by the migrations it has not recorded yet; their content and numbers never change."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from pipeline.locks import FileLock, advisory_key


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
def _audit_table(md: MetaData, *extra: Column) -> Table:
    """The audit log; `extra` are the columns later migrations added."""
    return Table(
        "audit", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("ts", UTCDateTime(), nullable=False),
        Column("actor", String(100), nullable=False),
        Column("action", String(50), nullable=False),
        Column("draft_id", Integer), Column("page_id", String(200)), Column("lang", String(5)),
        Column("version", Integer), Column("text_hash", String(64)), Column("detail", JSON),
        *extra,
    )


# the hash chain's columns (store/audit_chain.py)
audit = _audit_table(metadata, Column("prev_hash", String(64)), Column("entry_hash", String(64)))
# the audit chain's head: the number of entries and the last one's hash (taken by every append, so they take turns)
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("entries", Integer, nullable=False), Column("last_id", Integer), Column("last_hash", String(64)),
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
def _regen_tables(md: MetaData, runs_extra: tuple = (), items_extra: tuple = ()) -> tuple[Table, Table]:
    """The runs and items tables; the extras are the columns later migrations added."""
    runs = Table(
        "regen_runs", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("started_at", UTCDateTime(), nullable=False),
        Column("finished_at", UTCDateTime()),
        Column("status", String(20), nullable=False),        # running, done, budget, interrupted, resumed
        Column("selection", JSON, nullable=False),            # what was asked (mode, pages, filières, langs, force)
        Column("signature", String(64), nullable=False),      # hash of the selection, to resume the same run
        Column("pid", Integer), Column("backend", String(50)), Column("model", String(200)),
        Column("total", Integer, nullable=False), Column("estimate_tokens", Integer), Column("estimate_cost", Float),
        Column("message", Text),
        *runs_extra,
    )
    items = Table(
        "regen_items", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("run_id", Integer, nullable=False, index=True),
        Column("page_id", String(200), nullable=False),
        Column("lang", String(5), nullable=False),
        Column("state", String(20), nullable=False),  # pending, claimed, done, skipped, carried, failed, not_started
        Column("inputs_key", String(64)),
        Column("draft_id", Integer),
        Column("reason", Text),
        Column("tokens", Integer), Column("cost", Float), Column("seconds", Float),
        Column("updated_at", UTCDateTime()),
        UniqueConstraint("run_id", "page_id", "lang", name="uq_regen_item"),
        *items_extra,
    )
    return runs, items


# several workers share a run (draft/workers.py): an item is claimed by one worker (claimed_by) until its lease ends
# (lease_until, the database's clock), then another may take it (claims counts the takes); a run records how many
# workers it asked for (NULL: a run of one process, which takes no workers) and its model temperature; an item
# keeps the plan the run made for it (plan: the facts of each section and the prompt given), so a worker drafts from
# it instead of planning again (draft/workers.py checks the plan still gives the item's inputs key on its machine)
regen_runs, regen_items = _regen_tables(
    metadata, (Column("workers", Integer), Column("temperature", Float)),
    (Column("claimed_by", String(100)), Column("lease_until", UTCDateTime()), Column("claims", Integer),
     Column("plan", JSON)))


# failed sign-ins per name tried (known or not, so a delay tells nothing about who has an account): the delay
# holds across processes and restarts; review/signin.py owns the rule, a success clears the row
sign_in_throttle = Table(
    "sign_in_throttle", metadata,
    Column("username", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),          # in a row, since the last success (or a day without any)
    Column("locked_until", UTCDateTime()),                # refused, whatever the password, until then
    Column("last_failure_at", UTCDateTime()),
)


# the photo library (pipeline/photos/): one row per photo file, stored once under its content hash; the metadata an
# editor confirms, what an approver reviewed (field -> hash of the text reviewed) and what the file said, as JSON
def _photos_table(md: MetaData, *extra: Column) -> Table:
    """The photos table; `extra` are the columns later migrations added."""
    return Table(
        "photos", md,
        Column("id", String(20), primary_key=True),
        Column("sha256", String(64), nullable=False, unique=True),
        Column("ext", String(10), nullable=False),
        Column("width", Integer, nullable=False), Column("height", Integer, nullable=False),
        Column("size_bytes", Integer, nullable=False),
        Column("phash", String(16), nullable=False, index=True),
        Column("original_name", Text, nullable=False),
        Column("imported_by", String(100), nullable=False),
        Column("imported_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("version", Integer, nullable=False),           # +1 at every change: an edit names the one it saw
        Column("meta", JSON, nullable=False), Column("reviews", JSON, nullable=False),
        Column("proposals", JSON, nullable=False),
        *extra,
    )


# hashes: the perceptual hashes of the whole photo and of five crops (pipeline/photos/dupes.py)
photos = _photos_table(metadata, Column("hashes", Text))


def _m1_initial(conn) -> None:
    v1 = MetaData()
    _drafts_table(v1)
    llm_calls.to_metadata(v1)
    v1.create_all(conn)


def _m2_draft_lookup_index(conn) -> None:
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_drafts_status ON drafts (status)"))


def _m3_review(conn) -> None:
    v3 = MetaData()
    _audit_table(v3)
    metadata.create_all(conn, tables=[users, comments])
    v3.create_all(conn)
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
    v4 = MetaData()
    _regen_tables(v4)
    v4.create_all(conn)


def _m5_sign_in_throttle(conn) -> None:
    v5 = MetaData()
    Table("sign_in_throttle", v5, Column("username", String(100), primary_key=True),
          Column("failures", Integer, nullable=False), Column("locked_until", UTCDateTime()),
          Column("last_failure_at", UTCDateTime()))
    v5.create_all(conn)


def _m6_audit_chain(conn) -> None:
    conn.execute(text("ALTER TABLE audit ADD COLUMN prev_hash VARCHAR(64)"))
    conn.execute(text("ALTER TABLE audit ADD COLUMN entry_hash VARCHAR(64)"))
    v6 = MetaData()
    Table("audit_head", v6, Column("id", Integer, primary_key=True), Column("entries", Integer, nullable=False),
          Column("last_id", Integer), Column("last_hash", String(64)))
    v6.create_all(conn)
    from pipeline.store.audit_chain import backfill
    backfill(conn)  # the entries written before: chained in id order


def _m7_photos(conn) -> None:
    _photos_table(MetaData()).create(conn)


def _m8_regen_workers(conn) -> None:
    ts = UTCDateTime().impl.compile(dialect=conn.dialect)
    for sql in ("ALTER TABLE regen_runs ADD COLUMN workers INTEGER",
                "ALTER TABLE regen_runs ADD COLUMN temperature FLOAT",
                "ALTER TABLE regen_items ADD COLUMN claimed_by VARCHAR(100)",
                f"ALTER TABLE regen_items ADD COLUMN lease_until {ts}",
                "ALTER TABLE regen_items ADD COLUMN claims INTEGER",
                "CREATE INDEX IF NOT EXISTS ix_regen_items_run_state ON regen_items (run_id, state)"):
        conn.execute(text(sql))


def _m9_regen_plans(conn) -> None:
    conn.execute(text(f"ALTER TABLE regen_items ADD COLUMN plan {JSON().compile(dialect=conn.dialect)}"))


def _m10_photo_hashes(conn) -> None:
    conn.execute(text("ALTER TABLE photos ADD COLUMN hashes TEXT"))


MIGRATIONS: list[tuple[int, str, Callable]] = [(1, "initial: drafts and llm_calls", _m1_initial),
                                               (2, "index drafts by status", _m2_draft_lookup_index),
                                               (3, "review: users, audit log, comments", _m3_review),
                                               (4, "regeneration: inputs key, runs and items", _m4_regeneration),
                                               (5, "sign-in: failed attempts and delays", _m5_sign_in_throttle),
                                               (6, "audit log: hash chain", _m6_audit_chain),
                                               (7, "photo library: photos", _m7_photos),
                                               (8, "regeneration: workers claim items for a lease", _m8_regen_workers),
                                               (9, "regeneration: an item keeps its plan for the workers",
                                                _m9_regen_plans),
                                               (10, "photo library: perceptual hashes of crops", _m10_photo_hashes)]


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations not yet recorded; returns the versions applied now. Several processes opening a new
    database at once (two machines, the app and a command) take turns: on PostgreSQL an advisory lock, on a SQLite
    file a file lock beside it; the one that waited finds the migrations done."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as guard:  # its own connection, held while the others migrate
            key = {"k": advisory_key("schema-migrations")}
            guard.execute(text("SELECT pg_advisory_lock(:k)"), key)
            guard.commit()
            try:
                return _migrate(engine)
            finally:
                guard.execute(text("SELECT pg_advisory_unlock(:k)"), key)
                guard.commit()
    if engine.url.database and engine.url.database != ":memory:":
        with FileLock(Path(f"{engine.url.database}.migrate.lock"), timeout=300):
            return _migrate(engine)
    return _migrate(engine)


def _migrate(engine: Engine) -> list[int]:
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

