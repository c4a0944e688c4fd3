"""Review's rules (ReviewDesk): who may do what to a draft, and what is refused; the review queue's items.

Users and roles, sign-in, edits as new versions, comments, requests for changes, rejection, approval (approvers
only, refused over unsupported figures unless overridden with a reason), an optimistic version check so nobody
overwrites anybody, and an entry in the append-only audit log for every action. The queries are store/review.py's."""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Callable, Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.errors import AuthError, ConflictError, ForbiddenError, ReviewError, SignInLockedError
from pipeline.review.session import SessionSigner, fingerprint
from pipeline.review.signin import LockoutRule, check_strength
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.store.review import AuditEntry
from pipeline.store.schema import DRAFT_STATUSES

ROLES = ("viewer", "editor", "approver", "admin")
_RANK = {r: i for i, r in enumerate(ROLES)}
MAX_TEXT = 500_000  # characters; a pasted book is refused, not stored
MAX_COMMENT = 10_000  # characters; longer is refused (never cut: nothing typed is lost silently)
UNBACKED = ("unsupported", "contradicted", "dangling_citation")
_hasher = PasswordHasher()  # argon2id with the library's current parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # matches no password anybody types


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool

    def can(self, role: str) -> bool:
        return self.active and _RANK[self.role] >= _RANK[role]


class ReviewDesk:
    """Every review action goes through here, whatever the screen."""

    def __init__(self, store: DraftStore, recheck: Callable[[str, str], dict] | None = None,
                 facts: dict | None = None, clock: Callable[[], datetime] | None = None,
                 lockout: LockoutRule | None = None) -> None:
        self.store = store
        self.recheck = recheck  # (text, lang) -> check report; the claim checker
        self.facts = facts      # id -> Fact now: an edit records the facts its text cites (for staleness)
        self.clock = clock or (lambda: datetime.now(timezone.utc))  # tests pass the time: nothing sleeps
        self.lockout = lockout or LockoutRule()

    # ---------------------------------------------------------------- users
    def add_user(self, username: str, role: str, password: str | None = None) -> tuple[User, str]:
        """Create a user; returns the user and the password (generated when none is given)."""
        if role not in ROLES:
            raise ReviewError(f"unknown role {role!r}", fix="use one of: " + ", ".join(ROLES))
        if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ReviewError(f"user name {username!r} is not usable", fix="use letters, digits, '.', '-' or '_'")
        if password is not None:  # a generated one is 96 random bits
            check_strength(password, username)
        password = password or secrets.token_urlsafe(12)
        uid = self.store.add_user(username, _hasher.hash(password), role,
                                  AuditEntry("system", "user_add", {"username": username, "role": role}))
        if uid is None:
            raise ReviewError(f"user {username!r} already exists", fix="pick another name, or use set-role")
        return User(uid, username, role, True), password

    def set_role(self, username: str, role: str, actor: str = "system") -> None:
        if role not in ROLES:
            raise ReviewError(f"unknown role {role!r}", fix="use one of: " + ", ".join(ROLES))
        self._update_user(username, {"role": role}, actor, "user_role")

    def disable(self, username: str, actor: str = "system") -> None:
        self._update_user(username, {"active": 0}, actor, "user_disable")

    def list_users(self) -> list[User]:
        return [User(u["id"], u["username"], u["role"], bool(u["active"])) for u in self.store.list_users()]

    def count_users(self) -> int:
        return self.store.count_users()

    def sign_in(self, username: str, password: str, via: str | None = None) -> User:
        """The user, or AuthError (SignInLockedError while the name is under its delay: see LockoutRule). Every
        attempt is written to the audit log, `via` (what asked: "users passwd") in its detail."""
        def accept(u: dict | None) -> bool:
            if u is not None and not u["active"]:
                return False
            try:  # an unknown name is checked against a dummy hash: its refusal takes as long as a real one's
                return _hasher.verify(u["password_hash"] if u else _DUMMY_HASH, password) and u is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        now = self.clock()
        got = self.store.sign_in_attempt(username, accept, self.lockout, now, {"via": via} if via else None)
        # raised after the commit, so the failure stays in the audit log
        if got.locked_until is not None:
            minutes = max(1, math.ceil((got.locked_until - now).total_seconds() / 60))
            raise SignInLockedError(
                f"too many failed attempts for {username[:100]!r}: refused, whatever the password, for {minutes} "
                f"more minute(s) (until {got.locked_until:%Y-%m-%d %H:%M} UTC)",
                fix="wait, then try again; an admin can set a new password at once: "
                    "python -m pipeline users passwd USER --as ADMIN", until=got.locked_until, minutes=minutes)
        if got.user is None:
            raise AuthError("wrong user name or password (or the account is disabled)",
                            fix="check both, or ask an admin: python -m pipeline users list")
        u = got.user
        return User(u["id"], u["username"], u["role"], bool(u["active"]))

    def session_token(self, signer: SessionSigner, user: User) -> str:
        """A signed token for `user`'s browser (pipeline/review/session.py); ReviewError when the account is gone."""
        row = self.store.get_user(user.username)
        if row is None:
            raise ReviewError(f"no user {user.username!r}", fix="python -m pipeline users list")
        return signer.issue(row["username"], row["password_hash"])

    def resume(self, signer: SessionSigner, token: str | None) -> User | None:
        """The person a browser's token names, or None (then they sign in): a token that is forged, older than the
        idle limit, of a disabled or removed account, or issued before the password changed is worth nothing."""
        claim = signer.read(token)
        row = self.store.get_user(claim.username) if claim else None
        if row is None or not row["active"] or fingerprint(row["password_hash"]) != claim.fingerprint:
            return None
        return User(row["id"], row["username"], row["role"], True)

    def failed_sign_ins(self, username: str) -> list[dict]:
        """The refused attempts on this account since its previous successful sign-in, newest first (its owner is
        shown them after signing in; admins see every one in the audit log)."""
        return self.store.failed_sign_ins_since_last(username)

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """A person changes their own password: the old one is checked like a sign-in (same delay, same audit)."""
        if new_password == old_password:
            raise ReviewError("the new password is the same as the old one", fix="choose another password")
        check_strength(new_password, username)  # before the old one is checked: a weak choice costs no attempt
        self.sign_in(username, old_password, via="users passwd")
        self._set_password(username, new_password, AuditEntry(username, "password_change", {"username": username}))

    def reset_password(self, admin_name: str, admin_password: str, username: str, new_password: str) -> None:
        """An admin sets someone's password (their own checked like a sign-in); it also lifts the account's delay."""
        check_strength(new_password, username)
        admin = self.sign_in(admin_name, admin_password, via="users passwd")
        self._need(admin, "admin", "set another person's password")
        self._set_password(username, new_password, AuditEntry(admin.username, "password_reset",
                                                              {"username": username}), unlock=True)

    def _set_password(self, username: str, password: str, entry: AuditEntry, unlock: bool = False) -> None:
        if not self.store.set_password(username, _hasher.hash(password), entry, unlock=unlock):
            raise ReviewError(f"no user {username!r}", fix="python -m pipeline users list")

    # ---------------------------------------------------------------- drafts
    def edit(self, user: User, draft_id: int, expected_version: int, new_text: str) -> DraftRecord:
        """A person's edit becomes a new version authored by them, checked again at once."""
        self._need(user, "editor", "edit drafts")
        if not new_text.strip():
            raise ReviewError("the edited text is empty", fix="write the text, or reject the draft with a reason")
        if len(new_text) > MAX_TEXT:
            raise ReviewError(f"the edited text is {len(new_text):,} characters (at most {MAX_TEXT:,})",
                              fix="split it into several pages")
        base = self._current(draft_id, expected_version)
        if new_text == base.text:
            raise ReviewError(f"nothing changed: the text is the same as version {base.version}",
                              fix="change the text before saving a new version")
        report = self.recheck(new_text, base.lang) if self.recheck else base.check_report
        rec = replace(base, id=None, version=None, created_at=None, text=new_text, author=user.username,
                      status="in_review", parent_id=base.id, review_note=None, check_report=report,
                      facts=self._cited(new_text, base.facts))
        # the new version and its audit entry are one transaction: no edit without its trace
        return self.store.add_version(rec, AuditEntry(user.username, "edit", {"from_version": base.version}))

    def _cited(self, text: str, before: list[dict]) -> list[dict]:
        """The facts an edited text cites, as a draft records them: a fact the previous version cited keeps its
        record (so a change since is still seen); a newly cited one is recorded as it is now."""
        from pipeline.draft.drafter import fact_snapshot
        from pipeline.verify.checker import cited_ids
        if self.facts is None:
            return before
        old = {f["id"]: f for f in before}
        out = []
        for fid in cited_ids(text):  # each once, in order of first citation
            if fid in old:
                out.append(old[fid])
            elif fid in self.facts:
                out.append(fact_snapshot(self.facts[fid]))
            else:
                out.append({"id": fid, "content_hash": None})  # cites nothing known: stale and flagged
        return out

    def comment(self, user: User, draft_id: int, text: str) -> None:
        self._need(user, "viewer", "comment")
        if not text.strip():
            raise ReviewError("the comment is empty", fix="write something")
        if len(text) > MAX_COMMENT:
            raise ReviewError(f"the comment is {len(text):,} characters (at most {MAX_COMMENT:,})",
                              fix="shorten it, or put the long text in an edit of the draft")
        rec = self._get(draft_id)
        self.store.add_comment(rec, user.username, text, AuditEntry(user.username, "comment", {"chars": len(text)}))

    def comments(self, draft_id: int) -> list[dict]:
        return self.store.comments_on(draft_id)

    def request_changes(self, user: User, draft_id: int, expected_version: int, reason: str) -> None:
        self._decide(user, draft_id, expected_version, "changes_requested", reason, "editor", "request changes")

    def reject(self, user: User, draft_id: int, expected_version: int, reason: str) -> None:
        self._decide(user, draft_id, expected_version, "rejected", reason, "editor", "reject drafts")

    def approve(self, user: User, draft_id: int, expected_version: int, override_reason: str | None = None) -> None:
        """Approvers only; refused while a figure is unsupported or contradicted, unless overridden with a reason.
        The text is checked again against today's facts first, so a cited fact deleted or retired since blocks it."""
        self._need(user, "approver", "approve drafts")
        rec = self._current(draft_id, expected_version)
        report = self.recheck(rec.text, rec.lang) if self.recheck else rec.check_report
        bad = [s for s in report.get("sentences", []) if s.get("status") in UNBACKED]
        if bad and not (override_reason or "").strip():
            why = f" ({bad[0]['reason']})" if bad[0].get("reason") else ""
            raise ReviewError(f"{len(bad)} sentence(s) are not backed by a verified fact, e.g. "
                              f"{bad[0]['text'][:80]!r}{why}",
                              fix="edit them, or approve with an override and a written reason")
        self.store.approve(rec, override_reason, AuditEntry(
            user.username, "approve_override" if bad else "approve",
            {"override_reason": override_reason, "unbacked": len(bad), "rechecked": bool(self.recheck)}
            if bad else {"rechecked": bool(self.recheck)}))

    def record_action(self, actor: str, action: str, detail: dict | None = None) -> None:
        """An action outside a draft (starting a regeneration…) into the audit log."""
        self.store.add_audit(AuditEntry(actor, action, detail))

    def audit_log(self, limit: int = 200) -> list[dict]:
        return self.store.audit_log(limit)

    def verify_audit(self):
        """The audit log's hash chain walked whole (store/audit_chain.py ChainReport): each break named."""
        return self.store.verify_audit()

    # ---------------------------------------------------------------- helpers
    def _decide(self, user: User, draft_id: int, expected_version: int, status: str, reason: str, role: str,
                what: str) -> None:
        self._need(user, role, what)
        if not reason.strip():
            raise ReviewError("a reason is required", fix="say what must change, for the writer")
        rec = self._current(draft_id, expected_version)
        self.store.set_review_status(rec, status, reason, AuditEntry(user.username, status, {"reason": reason}))

    def _need(self, user: User, role: str, what: str) -> None:
        if not user.can(role):
            raise ForbiddenError(f"{user.username} ({user.role}) may not {what}",
                                 fix=f"ask an admin for the {role} role: python -m pipeline users set-role")

    def _get(self, draft_id: int) -> DraftRecord:
        rec = self.store.get(draft_id)
        if rec is None:
            raise ReviewError(f"draft #{draft_id} does not exist", fix="reload the queue")
        return rec

    def _current(self, draft_id: int, expected_version: int) -> DraftRecord:
        """The draft, if it is still the newest version of its page the user saw; ConflictError otherwise."""
        rec = self._get(draft_id)
        newest = self.store.newest_version(rec.page_id, rec.lang)
        if rec.version != expected_version or newest.version != expected_version:
            raise ConflictError(f"{rec.page_id} [{rec.lang}] changed: you have version {expected_version}, the newest "
                                f"is version {newest.version} by {newest.author}",
                                fix="reload the draft, look at the changes, then redo your action")
        return rec

    def _update_user(self, username: str, values: dict, actor: str, action: str) -> None:
        if not self.store.update_user(username, values, AuditEntry(actor, action, {"username": username, **values})):
            raise ReviewError(f"no user {username!r}", fix="python -m pipeline users list")


class FactSnapshot:
    """The facts as indexed and a claim checker on them, built once per index version and shared by every session
    of the screen; `stale` tells why a draft no longer matches them (or the prompt, brand voice, catalogue, model,
    its photos, its network's rules), as `status` and `regenerate` tell it."""

    def __init__(self, facts: list, today: date, llm=None, brand: str | None = None, specs: dict | None = None,
                 corpus_dir=None, photos: dict | None = None, social=None) -> None:
        from pipeline.draft.staleness import StalenessJudge
        from pipeline.verify.checker import ClaimChecker
        self.facts = {f.id: f for f in facts}
        self.today = today
        # as every entry point builds it; it keeps no per-call state: shared by sessions safely
        self.checker = (ClaimChecker.for_corpus_dir(facts, today, corpus_dir) if corpus_dir else
                        ClaimChecker(facts, today))
        self.judge = StalenessJudge(self.facts, today, llm=llm, brand=brand, specs=specs, photos=photos, social=social)

    def report(self, text: str, lang: str) -> dict:
        """The check report of `text` as stored with a draft, with the flagged sentences listed."""
        rep = self.checker.check(text, lang)
        d = rep.to_json()
        d["flagged"] = [s.text for s in rep.sentences if not s.ok]
        return d

    def stale(self, rec) -> list[str]:
        """Why `rec` (a draft or a queue item) no longer matches what would produce it now."""
        return [r.render() for r in self.judge.reasons(rec)]


def latest_drafts(store: DraftStore) -> list[DraftRecord]:
    """The newest version of every (page, language): what the queue shows."""
    return newest_versions(store.list())


def newest_versions(records: list[DraftRecord]) -> list[DraftRecord]:
    """The newest of `records` for every (page, language), by page then language."""
    newest: dict[tuple[str, str], DraftRecord] = {}
    for rec in records:
        key = (rec.page_id, rec.lang)
        if key not in newest or rec.version > newest[key].version:
            newest[key] = rec
    return sorted(newest.values(), key=lambda r: (r.page_id, r.lang))


# ---------------------------------------------------------------- the queue
OFF_CATALOGUE = ""  # the kind of a draft whose page id is no longer in the catalogue
STALE = "stale"     # a queue status of its own, beside the stored ones


@dataclass(frozen=True)
class QueueItem:
    """One row of the review queue: the newest version of a (page, language), without its text."""

    id: int
    page_id: str
    lang: str
    version: int
    status: str
    title: str
    created: date | None
    author: str
    flagged: int
    facts: list
    kind: str = OFF_CATALOGUE
    filieres: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    # the provenance a staleness judge compares (prompt, model), as on a DraftRecord
    prompt_name: str = ""
    prompt_hash: str = ""
    backend: str = ""
    model: str = ""
    params: dict | None = None


@dataclass(frozen=True)
class QueueFilter:
    """What the reviewer asked to see; None means any."""

    statuses: frozenset[str] = frozenset(("draft", "in_review", "changes_requested"))
    kind: str | None = None
    filiere: str | None = None
    lang: str | None = None
    since: date | None = None
    until: date | None = None

    def keeps(self, it: QueueItem) -> bool:
        return ((it.status in self.statuses or (STALE in self.statuses and bool(it.stale)))
                and (self.kind is None or it.kind == self.kind)
                and (self.filiere is None or self.filiere in it.filieres
                     or (self.filiere == OFF_CATALOGUE and it.kind == OFF_CATALOGUE))
                and (self.lang is None or it.lang == self.lang)
                and (self.since is None or (it.created is not None and it.created >= self.since))
                and (self.until is None or (it.created is not None and it.created <= self.until)))


def queue_items(store: DraftStore, pages: Iterable, stale: Callable[[QueueItem], list[str]]) -> list[QueueItem]:
    """The queue in one query: kind and filières from the catalogue (`pages`: PageSpec), stale reasons from `stale`."""
    specs = {p.id: p for p in pages}
    out = []
    for row in store.latest():
        spec = specs.get(row["page_id"])
        it = QueueItem(row["id"], row["page_id"], row["lang"], row["version"], row["status"], row["title"],
                       row["created_at"].date() if row["created_at"] else None, row["author"], len(row["flagged"]),
                       row["facts"] or [], spec.kind if spec else OFF_CATALOGUE, tuple(spec.filieres) if spec else (),
                       prompt_name=row["prompt_name"], prompt_hash=row["prompt_hash"], backend=row["backend"],
                       model=row["model"], params=row["params"] or {})
        out.append(replace(it, stale=tuple(stale(it))))
    return out


def queue_counts(items: list[QueueItem]) -> dict[str, int]:
    """How many drafts per stored status, plus how many are stale."""
    counts = {s: 0 for s in DRAFT_STATUSES}
    for it in items:
        counts[it.status] = counts.get(it.status, 0) + 1
    counts[STALE] = sum(bool(it.stale) for it in items)
    return counts
