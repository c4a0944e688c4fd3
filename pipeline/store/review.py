"""The review queries (users, comments, review decisions, the audit log), mixed into DraftStore.

Every change is written in one transaction with its audit entry: no action without its trace. Who may do what is
decided by review/desk.py, not here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pipeline.store.audit_chain import ChainReport
from pipeline.store.audit_chain import against as chain_against
from pipeline.store.audit_chain import append as append_entry
from pipeline.store.audit_chain import head as chain_head
from pipeline.store.audit_chain import verify as verify_chain
from pipeline.store.record import DraftRecord
from pipeline.store.schema import audit, comments, drafts, sign_in_throttle, users


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log: who did what (about the draft the change concerns, if any)."""

    actor: str
    action: str
    detail: dict | None = None


@dataclass(frozen=True)
class Throttle:
    """A name's failed sign-ins in a row, and the time before which it is refused whatever the password."""

    failures: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None


class ThrottleRule(Protocol):
    """The lock-out rule (review/signin.py decides; the store only keeps its state)."""

    def locked_until(self, t: Throttle, now: datetime) -> datetime | None: ...

    def after(self, t: Throttle, ok: bool, now: datetime) -> Throttle: ...


@dataclass(frozen=True)
class SignInResult:
    """The account (when the attempt succeeded) and, when the name is under a delay now, its end."""

    user: dict | None
    locked_until: datetime | None = None


class ReviewQueries:
    """Mixed into DraftStore (database.py), which provides `engine` and `_insert_draft`."""

    # ---------------------------------------------------------------- users
    def add_user(self, username: str, password_hash: str, role: str, entry: AuditEntry) -> int | None:
        """The new user's id, or None (and nothing written) when the name is taken."""
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first():
                return None
            uid = conn.execute(insert(users).values(username=username, password_hash=password_hash, role=role,
                                                    active=1, created_at=_now())).inserted_primary_key[0]
            _audit(conn, entry)
        return uid

    def update_user(self, username: str, values: dict, entry: AuditEntry) -> bool:
        """Whether the user exists (and was updated); nothing is written when not."""
        with self.engine.begin() as conn:
            n = conn.execute(update(users).where(users.c.username == username).values(**values)).rowcount
            if not n:
                return False
            _audit(conn, entry)
        return True

    def list_users(self) -> list[dict]:
        """Every user (id, username, role, active, …) by name."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(users).order_by(users.c.username)).mappings()]

    def get_user(self, username: str) -> dict | None:
        """One user's row (id, username, password_hash, role, active, …), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        return dict(row) if row else None

    def count_users(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar()

    def sign_in_attempt(self, username: str, accept: Callable[[dict | None], bool], rule: "ThrottleRule", now: datetime,
                        detail: dict | None = None) -> SignInResult:
        """One attempt to sign in as `username`, in one transaction: refused unchecked while `rule` says the name is
        locked; else `accept(user)` (the password and account check; user None for an unknown name) decides and `rule` gives the name's next state.
        Audited whatever the outcome: sign_in, sign_in_failed (and sign_in_locked when it starts a delay), or
        sign_in_refused_locked; `detail` goes into each entry."""
        name, extra = username[:100], detail or {}
        with self.engine.begin() as conn:
            _claim_throttle(conn, name)  # a write first: attempts on one database take turns, none reads a stale count
            row = conn.execute(select(sign_in_throttle).where(sign_in_throttle.c.username == name)
                               .with_for_update()).mappings().first()
            before = Throttle(row["failures"], row["locked_until"], row["last_failure_at"])
            actor = name or "?"
            until = rule.locked_until(before, now)
            if until is not None:
                _audit(conn, AuditEntry(actor, "sign_in_refused_locked", {"until": until.isoformat(), **extra}))
                return SignInResult(None, until)
            found = conn.execute(select(users).where(users.c.username == username)).mappings().first()
            user = dict(found) if found is not None else None
            ok = accept(user) and user is not None  # called for an unknown name too: it costs the same time
            after = rule.after(before, ok, now)
            conn.execute(update(sign_in_throttle).where(sign_in_throttle.c.username == name).values(
                failures=after.failures, locked_until=after.locked_until, last_failure_at=after.last_failure_at))
            _audit(conn, AuditEntry(actor, "sign_in" if ok else "sign_in_failed", extra or None))
            until = rule.locked_until(after, now)
            if until is not None:
                _audit(conn, AuditEntry(actor, "sign_in_locked", {
                    "failures": after.failures, "minutes": round((until - now).total_seconds() / 60),
                    "until": until.isoformat(), **extra}))
        return SignInResult(user if ok else None, until)

    def set_password(self, username: str, password_hash: str, entry: AuditEntry, unlock: bool = False) -> bool:
        """Whether the user exists (and now has this password hash); `unlock` also clears the name's sign-in delay.
        The audit entry never holds the hash."""
        with self.engine.begin() as conn:
            n = conn.execute(update(users).where(users.c.username == username)
                             .values(password_hash=password_hash)).rowcount
            if not n:
                return False
            if unlock:
                conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.username == username[:100]))
            _audit(conn, entry)
        return True

    def failed_sign_ins_since_last(self, username: str, limit: int = 500) -> list[dict]:
        """The refused attempts on this name since its previous successful sign-in (the one just made excluded),
        newest first: what its owner is shown after signing in."""
        q = (select(audit).where(audit.c.actor == username[:100], audit.c.action.in_(
            ("sign_in", "sign_in_failed", "sign_in_locked", "sign_in_refused_locked")))
             .order_by(audit.c.id.desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q).mappings()]
        out = []
        for r in rows[1:] if rows and rows[0]["action"] == "sign_in" else rows:
            if r["action"] == "sign_in":
                break
            out.append(r)
        return out

    # ---------------------------------------------------------------- drafts under review
    def add_version(self, rec: DraftRecord, entry: AuditEntry) -> DraftRecord:
        """`add(rec)` (a person's edit) with its audit entry about the new version, in one transaction."""
        with self.engine.begin() as conn:
            self._insert_draft(conn, rec)
            _audit(conn, entry, rec)
        return rec

    def add_comment(self, rec: DraftRecord, author: str, text: str, entry: AuditEntry) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(comments).values(draft_id=rec.id, author=author, text=text, ts=_now()))
            _audit(conn, entry, rec)

    def comments_on(self, draft_id: int) -> list[dict]:
        """The comments on a draft, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(comments).where(comments.c.draft_id == draft_id)
                                                  .order_by(comments.c.id)).mappings()]

    def set_review_status(self, rec: DraftRecord, status: str, note: str | None, entry: AuditEntry) -> None:
        """A reviewer's decision other than approval (changes requested, rejected) with its note."""
        with self.engine.begin() as conn:
            conn.execute(update(drafts).where(drafts.c.id == rec.id).values(status=status, review_note=note))
            _audit(conn, entry, rec)

    def approve(self, rec: DraftRecord, note: str | None, entry: AuditEntry) -> None:
        """`rec` becomes the approved version of its (page, language); the one approved before is superseded."""
        with self.engine.begin() as conn:
            conn.execute(update(drafts).where(drafts.c.page_id == rec.page_id, drafts.c.lang == rec.lang,
                                              drafts.c.status == "approved").values(status="superseded"))
            conn.execute(update(drafts).where(drafts.c.id == rec.id).values(status="approved", review_note=note))
            _audit(conn, entry, rec)

    # ---------------------------------------------------------------- the audit log
    def add_audit(self, entry: AuditEntry) -> None:
        """An action outside a draft (starting a regeneration…)."""
        with self.engine.begin() as conn:
            _audit(conn, entry)

    def audit_log(self, limit: int = 200) -> list[dict]:
        """The newest `limit` entries, newest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).mappings()]

    def verify_audit(self) -> ChainReport:
        """The audit log's hash chain walked whole (store/audit_chain.py): what was changed, removed or moved."""
        with self.engine.connect() as conn:
            return verify_chain(conn)

    def audit_against(self, then: dict):
        """The Finding when the log no longer holds the history a backup's chain head recorded, else None."""
        with self.engine.connect() as conn:
            return chain_against(conn, then)

    def audit_head(self) -> dict:
        """The chain's head: the number of entries, the last one's id and hash."""
        with self.engine.connect() as conn:
            return chain_head(conn)

    def approvals_for(self, draft_ids: Iterable[int], actions: Iterable[str]) -> list[dict]:
        """The audit entries of `actions` (the approval actions) about these drafts, oldest first."""
        q = (select(audit).where(audit.c.draft_id.in_(list(draft_ids)), audit.c.action.in_(list(actions)))
             .order_by(audit.c.id))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]


def _audit(conn, entry: AuditEntry, rec: DraftRecord | None = None) -> None:
    """The entry, chained to the one before it (store/audit_chain.py), in the caller's transaction."""
    append_entry(conn, dict(
        ts=_now(), actor=entry.actor, action=entry.action, draft_id=rec.id if rec else None,
        page_id=rec.page_id if rec else None, lang=rec.lang if rec else None,
        version=rec.version if rec else None,
        text_hash=rec.text_hash if rec else None, detail=entry.detail or {}))


def _claim_throttle(conn, name: str) -> None:
    """The name's throttle row, created if missing (an upsert that changes nothing when it exists)."""
    ins = (sqlite_insert if conn.dialect.name == "sqlite" else pg_insert)(sign_in_throttle)
    conn.execute(ins.values(username=name, failures=0).on_conflict_do_nothing(index_elements=["username"]))


def _now() -> datetime:
    return datetime.now(timezone.utc)
