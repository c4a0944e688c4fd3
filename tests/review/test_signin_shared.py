"""The sign-in delay when attempts come at once (threads on one database, SQLite and a real PostgreSQL): exactly five
failures are counted before the delay, nothing gets through; and what one sign-in costs (argon2id)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.errors import AuthError
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore

PASSWORD = "correct horse battery"


def _storm(desk: ReviewDesk, name: str, right: bool, attempts: int = 30, workers: int = 6) -> list:
    """`attempts` sign-ins on `name` from `workers` threads at once (every third with the right password when
    `right`); the users who got in."""
    def one(i: int):
        try:
            return desk.sign_in(name, PASSWORD if right and i % 3 == 2 else f"guess {i}")
        except AuthError:
            return None
    with ThreadPoolExecutor(workers) as pool:
        return [u for u in pool.map(one, range(attempts)) if u is not None]


def _counts(desk: ReviewDesk, name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in desk.audit_log(1000):
        if r["actor"] == name:
            out[r["action"]] = out.get(r["action"], 0) + 1
    return out


def test_attempts_at_once_on_sqlite_count_exactly_five_failures(tmp_path):
    desk = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    desk.add_user("alice", "editor", PASSWORD)
    _check_storms(desk, "alice")


def _check_storms(desk: ReviewDesk, name: str) -> None:
    assert _storm(desk, name, right=False) == []
    assert _counts(desk, name) == {"sign_in_failed": 5, "sign_in_locked": 1, "sign_in_refused_locked": 25}
    assert _storm(desk, name, right=True) == []  # inside the delay, the right password is refused too
    assert _counts(desk, name) == {"sign_in_failed": 5, "sign_in_locked": 1, "sign_in_refused_locked": 55}


@pytest.mark.integration
def test_attempts_at_once_on_postgres_count_exactly_five_failures(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    desk = ReviewDesk(DraftStore.for_data_dir(tmp_path))
    desk.add_user("pg-alice", "editor", PASSWORD)
    _check_storms(desk, "pg-alice")


def test_passwords_are_hashed_with_argon2id(tmp_path):
    """The hash a sign-in checks is argon2id's (its cost per sign-in is measured by bench/bench_signin.py)."""
    desk = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    desk.add_user("alice", "editor", PASSWORD)
    row = desk.store.get_user("alice")
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]


def test_an_unknown_name_is_refused_as_slowly_as_a_wrong_password(tmp_path):
    desk = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    desk.add_user("alice", "editor", PASSWORD)

    def cost(name: str) -> float:
        t = time.perf_counter()
        with pytest.raises(AuthError):
            desk.sign_in(name, "not the password")
        return time.perf_counter() - t
    known = sorted(cost("alice") for _ in range(3))[1]
    unknown = sorted(cost(f"nobody{i}") for i in range(3))[1]
    assert unknown > 0.3 * known, (unknown, known)  # no argon2 check for an unknown name would be ~10 times faster
