"""Sign-in that resists guessing: the lock-out delay (time given, nothing sleeps), kept in the database across
processes; password strength (zxcvbn) at creation and change; `users passwd`; the sign-in migration."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from pipeline.errors import AuthError, ReviewError, SignInLockedError
from pipeline.review.desk import ReviewDesk
from pipeline.review.signin import LockoutRule, check_strength
from pipeline.store.database import DraftStore
from pipeline.store.review import Throttle
from tests.conftest import REPO

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    """The time the desk sees; tests move it on."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def desk(tmp_path, clock):
    d = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}"), clock=clock)
    d.add_user("alice", "editor", PASSWORD)
    d.add_user("root", "admin", "admin password 1")
    return d


def fail(desk, times: int, name: str = "alice") -> None:
    for _ in range(times):
        with pytest.raises(AuthError):
            desk.sign_in(name, "not the password")


# ---------------------------------------------------------------- the rule alone
def test_the_delay_starts_at_the_fifth_failure_doubles_and_is_capped():
    rule = LockoutRule()
    assert [rule.delay(n) for n in range(1, 5)] == [None] * 4
    assert [rule.delay(n).total_seconds() / 60 for n in range(5, 13)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert rule.delay(10_000) == timedelta(hours=1)  # no overflow however many failures


def test_the_rule_on_a_name_state():
    rule, t = LockoutRule(), Throttle()
    for i in range(4):
        t = rule.after(t, False, T0 + timedelta(seconds=i))
        assert rule.locked_until(t, T0 + timedelta(seconds=i)) is None
    t = rule.after(t, False, T0)
    assert (t.failures, rule.locked_until(t, T0)) == (5, T0 + timedelta(minutes=1))
    assert rule.locked_until(t, T0 + timedelta(minutes=1)) is None  # the delay over, one more try
    t = rule.after(t, False, T0 + timedelta(minutes=1))
    assert t.locked_until == T0 + timedelta(minutes=3)  # 2 minutes after that failure
    assert rule.after(t, True, T0 + timedelta(minutes=5)) == Throttle()  # a success clears it
    later = T0 + timedelta(days=2)  # a day and more without a failure: counted from one again
    assert rule.after(t, False, later) == Throttle(1, None, later)


# ---------------------------------------------------------------- the desk and the database
def test_five_failures_lock_the_account_and_the_right_password_waits_too(desk, clock):
    fail(desk, 4)
    with pytest.raises(SignInLockedError) as exc:  # the fifth failure starts the delay, and says so
        desk.sign_in("alice", "not the password")
    assert exc.value.minutes == 1 and "1 more minute" in exc.value.message
    clock.advance(seconds=59)
    with pytest.raises(SignInLockedError):
        desk.sign_in("alice", PASSWORD)
    clock.advance(seconds=1)
    with pytest.raises(SignInLockedError) as exc:  # sixth failure: 2 minutes
        desk.sign_in("alice", "still not it")
    assert exc.value.minutes == 2
    clock.advance(minutes=2)
    assert desk.sign_in("alice", PASSWORD).username == "alice"
    fail(desk, 4)  # the success cleared the count: four more are plain failures
    actions = [r["action"] for r in reversed(desk.audit_log())]
    assert actions[-10:] == ["sign_in_failed", "sign_in_locked", "sign_in_refused_locked", "sign_in_failed",
                             "sign_in_locked", "sign_in", *["sign_in_failed"] * 4]
    locked = [r for r in desk.audit_log() if r["action"] == "sign_in_locked"]
    assert [(r["actor"], r["detail"]["failures"], r["detail"]["minutes"]) for r in locked] == [
        ("alice", 6, 2), ("alice", 5, 1)]


def test_a_hundred_scripted_attempts_get_nothing_even_with_the_right_password_inside(desk, clock):
    got = []
    for i in range(100):
        clock.advance(seconds=1)
        try:
            got.append(desk.sign_in("alice", PASSWORD if i % 10 == 9 else f"guess {i}"))
        except AuthError:
            pass
    assert got == []
    assert sum(r["action"] == "sign_in_refused_locked" for r in desk.audit_log(500)) >= 90


def test_the_delay_is_in_the_database_so_another_process_sees_it(desk, clock, tmp_path):
    fail(desk, 5)
    other = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}"), clock=clock)  # a restart, another process
    with pytest.raises(SignInLockedError):
        other.sign_in("alice", PASSWORD)
    row = sqlite3.connect(tmp_path / "db.sqlite").execute(
        "SELECT failures, locked_until FROM sign_in_throttle WHERE username='alice'").fetchone()
    assert row[0] == 5 and row[1].startswith("2026-12-02 09:01")


def test_an_unknown_name_is_delayed_like_a_real_one(desk):
    fail(desk, 4, name="mallory")
    with pytest.raises(SignInLockedError):
        desk.sign_in("mallory", "anything")


def test_the_owner_is_shown_the_failed_attempts_since_their_last_sign_in(desk, clock):
    desk.sign_in("alice", PASSWORD)
    fail(desk, 5)
    clock.advance(minutes=2)
    desk.sign_in("alice", PASSWORD)
    seen = desk.failed_sign_ins("alice")
    assert [r["action"] for r in seen] == ["sign_in_locked", *["sign_in_failed"] * 5]
    desk.sign_in("alice", PASSWORD)
    assert desk.failed_sign_ins("alice") == []


# ---------------------------------------------------------------- password strength, passwd
def test_a_weak_password_is_refused_with_why_and_the_fix(desk):
    with pytest.raises(ReviewError) as exc:
        desk.add_user("bob", "viewer", "password1")
    assert "too weak" in exc.value.message and "very common password" in exc.value.message
    assert "passphrase" in exc.value.fix and "password1" not in exc.value.message + exc.value.fix
    for weak in ("bob12345", "provence2026", "short"):
        with pytest.raises(ReviewError):
            check_strength(weak, "bob")
    check_strength("lavande mistral calanque tramontane", "bob")
    assert "bob" not in {u.username for u in desk.list_users()}


def test_change_needs_the_old_password_and_a_strong_new_one(desk, clock):
    new = "lavande mistral calanque tramontane"
    with pytest.raises(ReviewError, match="too weak"):
        desk.change_password("alice", PASSWORD, "alice2026")
    with pytest.raises(AuthError):
        desk.change_password("alice", "not the password", new)
    desk.change_password("alice", PASSWORD, new)
    assert desk.sign_in("alice", new).username == "alice"
    with pytest.raises(AuthError):
        desk.sign_in("alice", PASSWORD)
    entry = next(r for r in desk.audit_log() if r["action"] == "password_change")
    assert entry["actor"] == "alice" and "hash" not in str(entry["detail"])


def test_passwd_does_not_get_round_the_delay_and_an_admin_reset_lifts_it(desk):
    fail(desk, 5)
    new = "lavande mistral calanque tramontane"
    with pytest.raises(SignInLockedError):
        desk.change_password("alice", PASSWORD, new)
    desk.add_user("carol", "approver", PASSWORD)
    with pytest.raises(ReviewError, match="may not"):
        desk.reset_password("carol", PASSWORD, "alice", new)  # only an admin
    desk.reset_password("root", "admin password 1", "alice", new)
    assert desk.sign_in("alice", new).username == "alice"
    entry = next(r for r in desk.audit_log() if r["action"] == "password_reset")
    assert (entry["actor"], entry["detail"]) == ("root", {"username": "alice"})


def test_users_passwd_and_add_commands(tmp_path):
    env = {"STUDIO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(*a, **extra):
        return subprocess.run([sys.executable, "-m", "pipeline", "users", *a], cwd=REPO, env={**env, **extra},
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    p = run("add", "bob", "--password-env", "PW", PW="password1")
    assert p.returncode == 6 and "too weak" in p.stderr and "fix:" in p.stderr and "password1" not in p.stderr
    assert run("add", "bob", "--password-env", "PW", PW=PASSWORD).returncode == 0
    assert run("add", "root", "--role", "admin", "--password-env", "PW", PW="admin password 1").returncode == 0
    new = "lavande mistral calanque tramontane"
    p = run("passwd", "bob", "--old-password-env", "OLD", "--password-env", "NEW", OLD=PASSWORD, NEW="bob12345")
    assert p.returncode == 6 and "too weak" in p.stderr
    p = run("passwd", "bob", "--old-password-env", "OLD", "--password-env", "NEW", OLD="wrong one", NEW=new)
    assert p.returncode == 6 and "wrong user name or password" in p.stderr
    p = run("passwd", "bob", "--old-password-env", "OLD", "--password-env", "NEW", OLD=PASSWORD, NEW=new)
    assert p.returncode == 0 and "password changed for bob" in p.stdout
    assert PASSWORD not in p.stdout + p.stderr and new not in p.stdout + p.stderr
    other = "garrigue sardine pastis farandole"
    p = run("passwd", "bob", "--as", "root", "--old-password-env", "OLD", "--password-env", "NEW",
            OLD="admin password 1", NEW=other)
    assert p.returncode == 0 and "set by root" in p.stdout
    desk = ReviewDesk(DraftStore.for_data_dir(tmp_path))
    assert desk.sign_in("bob", other).username == "bob"
    p = run("passwd", "bob", "--password-env", "NEW", NEW=other)  # no terminal to ask the old password on
    assert p.returncode == 6 and "--old-password-env" in p.stderr


# ---------------------------------------------------------------- the migration
def test_a_database_from_before_gets_the_sign_in_table_and_keeps_its_users(tmp_path):
    from sqlalchemy import create_engine

    from pipeline.store import schema
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    saved = list(schema.MIGRATIONS)
    try:
        schema.MIGRATIONS[:] = saved[:4]  # the release before this one
        assert schema.migrate(create_engine(url)) == [1, 2, 3, 4]
    finally:
        schema.MIGRATIONS[:] = saved
    db = sqlite3.connect(tmp_path / "old.sqlite")
    db.execute("INSERT INTO users (username, password_hash, role, active, created_at) "
               "VALUES ('old', 'x', 'viewer', 1, '2026-01-01')")
    db.commit()
    assert "sign_in_throttle" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    desk = ReviewDesk(DraftStore(url))  # opening it applies migration 5 (and the later ones)
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY version")] == [
        v for v, _, _ in saved]
    assert {u.username for u in desk.list_users()} == {"old"}
    fail(desk, 5, name="old")
    assert db.execute("SELECT failures FROM sign_in_throttle WHERE username='old'").fetchone() == (5,)
