"""The signed session token that keeps a refreshed page signed in (pipeline/review/session.py): it names its person
only while it is fresh, genuine, and issued under their current password on an active account."""
from __future__ import annotations

import os
import stat

import pytest

from pipeline.errors import ConfigError
from pipeline.review.desk import ReviewDesk
from pipeline.review.session import SessionSigner, load_secret
from pipeline.store.database import DraftStore

PASSWORD = "correct horse battery"


@pytest.fixture
def desk(tmp_path):
    d = ReviewDesk(DraftStore(f"sqlite:///{tmp_path / 'studio.sqlite'}"))
    d.add_user("alice", "editor", PASSWORD)
    return d


@pytest.fixture
def signer():
    return SessionSigner("s" * 40, idle_minutes=30)


def test_a_fresh_token_names_its_person(desk, signer):
    alice = desk.sign_in("alice", PASSWORD)
    back = desk.resume(signer, desk.session_token(signer, alice))
    assert (back.username, back.role) == ("alice", "editor")


def test_an_old_token_is_worth_nothing(desk, signer, monkeypatch):
    token = desk.session_token(signer, desk.sign_in("alice", PASSWORD))
    import itsdangerous.timed
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 31 * 60)  # 31 minutes idle
    assert desk.resume(signer, token) is None


def test_a_forged_or_foreign_token_is_worth_nothing(desk, signer):
    token = desk.session_token(signer, desk.sign_in("alice", PASSWORD))
    assert desk.resume(signer, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")) is None
    assert desk.resume(SessionSigner("t" * 40, 30), token) is None  # another studio's secret
    assert desk.resume(signer, "") is None and desk.resume(signer, None) is None and desk.resume(signer, "x.y") is None


def test_a_password_change_or_a_disabled_account_ends_every_session(desk, signer):
    token = desk.session_token(signer, desk.sign_in("alice", PASSWORD))
    desk.change_password("alice", PASSWORD, "another long passphrase here")
    assert desk.resume(signer, token) is None
    token = desk.session_token(signer, desk.sign_in("alice", "another long passphrase here"))
    desk.disable("alice")
    assert desk.resume(signer, token) is None


def test_the_secret_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("STUDIO_SESSION_SECRET", raising=False)
    first = load_secret(tmp_path)
    assert load_secret(tmp_path) == first and len(first) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "session.key").st_mode) == 0o600
    monkeypatch.setenv("STUDIO_SESSION_SECRET", "x" * 40)  # several machines share one secret
    assert load_secret(tmp_path) == "x" * 40
    monkeypatch.setenv("STUDIO_SESSION_SECRET", "short")
    with pytest.raises(ConfigError) as exc:
        load_secret(tmp_path)
    assert "STUDIO_SESSION_SECRET" in exc.value.message and "token_urlsafe" in exc.value.fix
