"""The audit log's hash chain, written with every entry and verified on demand.

The audit log's hash chain: each entry carries the hash of the one before it and its own (identity.audit_entry_hash),
and one head row (audit_head) holds the number of entries and the last hash.

`append` writes an entry into the chain inside the caller's transaction: it first takes the head row (a write on
SQLite, a row lock on PostgreSQL), so entries written at once by several processes take turns and the chain never
forks. `verify` walks the log in id order and names every entry that was changed, removed or moved; the head
catches the last entries removed. `backfill` chains the entries written before the chain existed (a migration)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, select, update

from pipeline.identity import AUDIT_FIELDS, audit_entry_hash
from pipeline.store.schema import audit, audit_head


@dataclass(frozen=True)
class Finding:
    """One break in the chain: the entry it was found at and what is wrong."""

    entry_id: int | None
    problem: str

    def to_json(self) -> dict:
        return {"entry": self.entry_id, "problem": self.problem}


@dataclass
class ChainReport:
    """What `verify` found: how many entries, the last one, its hash, and the breaks (none when the log is whole)."""

    entries: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "first_id": self.first_id, "last_id": self.last_id,
                "last_hash": self.last_hash, "findings": [f.to_json() for f in self.findings]}


def append(conn, values: dict) -> int:
    """Insert one audit entry (`values`: the AUDIT_FIELDS) chained to the last one; returns its id."""
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(entries=audit_head.c.entries + 1))
    prev = conn.execute(select(audit_head.c.last_hash).where(audit_head.c.id == 1)).scalar() or ""
    h = audit_entry_hash(prev, values)
    new_id = conn.execute(insert(audit).values(**values, prev_hash=prev, entry_hash=h)).inserted_primary_key[0]
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(last_id=new_id, last_hash=h))
    return new_id


def entries(conn, batch: int = 2000):
    cols = [audit.c.id, *(audit.c[k] for k in AUDIT_FIELDS), audit.c.prev_hash, audit.c.entry_hash]
    # the options on the statement, not the connection: Connection.execution_options changes the connection itself,
    # and every later statement on it (an INSERT) would run in a PostgreSQL server-side cursor and fail
    result = conn.execute(select(*cols).order_by(audit.c.id).execution_options(stream_results=True, yield_per=batch))
    for row in result.mappings():
        yield row


def backfill(conn) -> int:
    """Chain every entry in id order (a migration, on a log written before the chain): sets each entry's hashes
    and the head; returns the number of entries. The append-only triggers are lifted for this transaction only."""
    sqlite = conn.dialect.name == "sqlite"
    from sqlalchemy import text
    if sqlite:
        for op in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS audit_no_{op}"))
    else:
        conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
    prev, n, last_id, todo = "", 0, None, []
    stmt = (update(audit).where(audit.c.id == bindparam("b_id"))
            .values(prev_hash=bindparam("b_prev"), entry_hash=bindparam("b_hash")))
    for row in list(entries(conn)):
        h = audit_entry_hash(prev, row)
        todo.append({"b_id": row["id"], "b_prev": prev, "b_hash": h})
        prev, n, last_id = h, n + 1, row["id"]
        if len(todo) >= 2000:
            conn.execute(stmt, todo)
            todo = []
    if todo:
        conn.execute(stmt, todo)
    conn.execute(insert(audit_head).values(id=1, entries=n, last_id=last_id, last_hash=prev))
    if sqlite:
        for op in ("UPDATE", "DELETE"):
            conn.execute(text(f"CREATE TRIGGER audit_no_{op.lower()} BEFORE {op} ON audit "
                              "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"))
    else:
        conn.execute(text("ALTER TABLE audit ENABLE TRIGGER audit_append_only"))
    return n


def head(conn) -> dict:
    """The head row: entries, last_id, last_hash (what a backup's manifest records)."""
    row = conn.execute(select(audit_head).where(audit_head.c.id == 1)).mappings().first()
    return {"entries": row["entries"], "last_id": row["last_id"], "last_hash": row["last_hash"] or ""} if row else \
        {"entries": 0, "last_id": None, "last_hash": ""}


def verify(conn) -> ChainReport:
    """Walk the whole log: each entry's hash must match its content and follow the entry before it, and the head's
    last entry must be there with its hash. Every break is named by the entry where it shows. The head is read
    first: entries appended while the walk runs are checked too, without being taken for a mismatch."""
    h = head(conn)
    rep = ChainReport()
    seen: dict[str, int] = {}  # entry hash -> id, for the entries walked so far
    rows = list(entries(conn))
    prev_stored, prev_id, upto_head, head_row = "", None, 0, None
    for row in rows:
        rid, stored, claimed = row["id"], row["entry_hash"], row["prev_hash"]
        rep.entries += 1
        rep.first_id = rep.first_id if rep.first_id is not None else rid
        if h["last_id"] is not None and rid <= h["last_id"]:
            upto_head += 1
            head_row = row if rid == h["last_id"] else head_row
        if stored is None:
            rep.findings.append(Finding(rid, f"entry #{rid} has no hash: it was written outside the chain"))
            continue  # the next entry is checked against the one before this
        if audit_entry_hash(claimed or "", row) != stored:
            rep.findings.append(Finding(rid, f"entry #{rid} was changed: its content ({_what(row)}) no longer "
                                             "matches its hash"))
        if (claimed or "") != prev_stored:
            rep.findings.append(Finding(rid, _break(rid, prev_id, claimed or "", seen, rows)))
        seen[stored] = rid
        prev_stored, prev_id = stored, rid
        rep.last_id, rep.last_hash = rid, stored
    if h["last_id"] is None:
        if rows:
            rep.findings.append(Finding(rows[0]["id"], "the log has entries but its head records none: the head "
                                                       "was removed"))
    elif head_row is None:
        rep.findings.append(Finding(h["last_id"], f"the head records {h['entries']} entries ending at entry "
                                                  f"#{h['last_id']}, which is not in the log: the last entries "
                                                  f"were removed ({upto_head} left up to there)"))
    elif head_row["entry_hash"] != h["last_hash"] or (upto_head != h["entries"] and not rep.findings):
        rep.findings.append(Finding(h["last_id"], f"the head records {h['entries']} entries ending at entry "
                                                  f"#{h['last_id']}, the log holds {upto_head} up to it: entries "
                                                  "were removed or the head was changed"))
    return rep


def against(conn, then: dict) -> Finding | None:
    """Whether the log still holds the history a backup recorded (`then`: its manifest's chain head): the entry it
    ended on, with the same hash and as many entries up to it. A chain recomputed after a change passes `verify`,
    not this: the backup, kept elsewhere, remembers the hash of the day."""
    if not then.get("last_id"):
        return None
    row = conn.execute(select(audit.c.entry_hash).where(audit.c.id == then["last_id"])).first()
    upto = conn.execute(select(func.count()).select_from(audit).where(audit.c.id <= then["last_id"])).scalar()
    if row is None:
        return Finding(then["last_id"], f"entry #{then['last_id']}, the last one the backup holds, is no longer in "
                                        "the log: the history before the backup was cut")
    if row[0] != then["last_hash"] or upto != then["entries"]:
        return Finding(then["last_id"], f"entry #{then['last_id']} hashes {str(row[0])[:16]}… with {upto} entries up "
                                        f"to it; the backup recorded {then['last_hash'][:16]}… with {then['entries']}: "
                                        "the history before the backup was rewritten")
    return None


def _break(rid: int, prev_id: int | None, claimed: str, seen: dict[str, int], rows: list) -> str:
    """Why entry `rid` does not follow the entry before it (`prev_id`)."""
    if claimed in seen:
        return f"entry #{rid} follows entry #{seen[claimed]}, not #{prev_id}: entries were re-ordered"
    after = next((r["id"] for r in rows if r["entry_hash"] == claimed), None)
    if after is not None:
        return f"entry #{rid} follows entry #{after}, which comes after it: entries were re-ordered"
    if prev_id is None:
        return f"entry #{rid} is the first left but was written after another: the entries before it were removed"
    return (f"entry #{rid} does not follow entry #{prev_id}: an entry between them was removed "
            f"(or #{prev_id} was changed and re-hashed)")


def _what(row) -> str:
    about = f", draft {row['draft_id']}" if row["draft_id"] is not None else ""
    ts = row["ts"].isoformat(timespec="seconds") if row["ts"] is not None else "?"
    return f"{ts} {row['actor']} {row['action']}{about}"
