"""The sign-in screen headless with AppTest: refusals in French, the delay after five failures (the right password
waits too, the audit log says so), the owner told of the refused attempts, and an idle session signed out."""
from __future__ import annotations

import shutil
import sqlite3
import time

import pytest

from pipeline.config import Settings
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import REPO, TODAY, nav_pages, start

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def studio(tmp_path_factory) -> Settings:
    """A corpus and a drafts database with a few people; no index (signed out, the app opens none)."""
    root = tmp_path_factory.mktemp("signin")
    shutil.copytree(REPO / "corpus", root / "corpus")
    s = Settings(corpus_dir=root / "corpus", data_dir=root / "data", today_override=TODAY)
    desk = ReviewDesk(DraftStore.for_data_dir(s.data_dir))
    for name in ("plain1", "locked1", "owner1", "idle1"):
        desk.add_user(name, "editor", PASSWORD)
    return s


def desk_of(s: Settings) -> ReviewDesk:
    return ReviewDesk(DraftStore.for_data_dir(s.data_dir))


def attempt(at, user: str, password: str):
    at.text_input(key="signin_user").input(user)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def test_a_wrong_password_is_refused_in_french(studio, monkeypatch):
    at = attempt(start(studio, monkeypatch), "plain1", "not the password")
    assert [e.value for e in at.error] == ["Nom d'utilisateur ou mot de passe incorrect (ou compte désactivé)."]
    assert "user" not in at.session_state and nav_pages(at) == ["Connexion"]
    assert desk_of(studio).audit_log(1)[0]["action"] == "sign_in_failed"


def test_five_failures_then_even_the_right_password_waits(studio, monkeypatch):
    at = start(studio, monkeypatch)
    for i in range(4):
        at = attempt(at, "locked1", f"guess {i}")
        assert "incorrect" in at.error[0].value
    at = attempt(at, "locked1", "guess 4")
    assert [e.value for e in at.error] == ["Trop de tentatives : réessayez dans 1 minute."]
    at = attempt(at, "locked1", PASSWORD)
    assert [e.value for e in at.error] == ["Trop de tentatives : réessayez dans 1 minute."]
    assert "user" not in at.session_state and nav_pages(at) == ["Connexion"]
    log = [(r["actor"], r["action"]) for r in desk_of(studio).audit_log(3)]
    assert log == [("locked1", "sign_in_refused_locked"), ("locked1", "sign_in_locked"),
                   ("locked1", "sign_in_failed")]


def test_the_owner_is_told_of_the_refused_attempts_when_signing_in(studio, monkeypatch):
    at = start(studio, monkeypatch)
    for i in range(5):
        at = attempt(at, "owner1", f"guess {i}")
    db = sqlite3.connect(studio.data_dir / "studio.sqlite")  # the delay is over: as if a minute had passed
    with db:
        db.execute("UPDATE sign_in_throttle SET locked_until = '2000-01-01 00:00:00' WHERE username = 'owner1'")
    at = attempt(at, "owner1", PASSWORD)
    assert at.session_state["user"].username == "owner1"
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert "5 tentative(s) de connexion refusée(s)" in warning and "1 blocage(s)" in warning
    assert "users passwd owner1" in warning


def test_an_idle_session_is_signed_out_with_a_french_message(studio, monkeypatch):
    user = desk_of(studio).sign_in("idle1", PASSWORD)
    at = start(studio, monkeypatch, user, last_active=time.time() - 29 * 60)
    assert "user" in at.session_state and "Connexion" not in nav_pages(at)  # within the default 30 minutes
    at = start(studio, monkeypatch, user, last_active=time.time() - 31 * 60)
    assert [t.value for t in at.title] == ["Studio — connexion"] and nav_pages(at) == ["Connexion"]
    assert "user" not in at.session_state
    assert [i.value for i in at.info] == ["Session expirée après 30 minutes d'inactivité : reconnectez-vous."]
    monkeypatch.setenv("STUDIO_SESSION_IDLE_MINUTES", "1")
    at = start(studio, monkeypatch, user, last_active=time.time() - 90)
    assert [i.value for i in at.info] == ["Session expirée après 1 minute d'inactivité : reconnectez-vous."]
    at = attempt(at, "idle1", PASSWORD)  # signing in again clears the notice
    assert at.session_state["user"].username == "idle1"
    assert not [i for i in at.info if "Session expirée" in i.value] and "signin_notice" not in at.session_state
