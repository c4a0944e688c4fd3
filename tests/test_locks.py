"""The regeneration lock and the publish lock: a file lock between two processes with SQLite, a PostgreSQL advisory
lock between two connections (two machines) with PostgreSQL; a busy lock names its holder and the fix."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.draft.runs import RunLock, run_alive
from pipeline.errors import LockBusy, PublishError, RegenerationError
from pipeline.locks import FileLock, advisory_key, named_lock, publish_lock
from pipeline.publish.site import publish
from pipeline.store.advisory import AdvisoryLock
from pipeline.store.database import DraftStore
from tests.conftest import REPO, TODAY

# another process: takes the lock ("regenerate" through RunLock, or a folder's publish lock), says so, holds it
HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.config import Settings
    from pipeline.draft.runs import RunLock
    from pipeline.locks import publish_lock
    from pipeline.store.database import DraftStore
    kind, url, where = sys.argv[1:4]
    if kind == "regenerate":
        lock = RunLock(Settings(corpus_dir=Path(where), data_dir=Path(where)), DraftStore(url))
        lock.__enter__()
    else:
        lock = publish_lock(Path(where), url)  # kept: a file lock let go of is released
        lock.acquire()
    print("held", flush=True)
    sys.stdin.read()  # until the test closes it (or kills us)
""")


@pytest.fixture
def hold():
    procs = []

    def start(kind: str, url: str, where: Path) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", HOLDER, kind, url, str(where)], cwd=REPO, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        line = p.stdout.readline()
        assert line.strip() == "held", p.stderr.read()
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


def _settings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=REPO / "corpus", data_dir=tmp_path / "data", today_override=TODAY)


def _sqlite(tmp_path: Path) -> str:
    (tmp_path / "data").mkdir(exist_ok=True)
    return f"sqlite:///{tmp_path / 'data' / 'studio.sqlite'}"


def _empty_publish(store: DraftStore, out: Path):
    return publish(out, store, [], [], date(2026, 11, 29))


# ------------------------------------------------------------------------------------------------ SQLite: file lock
def test_sqlite_regeneration_lock_holds_between_two_processes(tmp_path, hold):
    s, url = _settings(tmp_path), _sqlite(tmp_path)
    store = DraftStore(url)
    assert isinstance(RunLock(s, store).lock, FileLock)
    p = hold("regenerate", url, s.data_dir)
    assert run_alive(s)
    with pytest.raises(RegenerationError, match=rf"another regeneration is running \(pid {p.pid} ") as exc:
        with RunLock(s, store):
            pass
    assert "wait for it to finish" in exc.value.fix
    p.stdin.close()
    p.wait(timeout=30)
    assert not run_alive(s)
    with RunLock(s, store):  # free once the other process let go
        assert run_alive(s)  # held by this process: seen by any other


def test_sqlite_publish_lock_holds_between_two_processes_and_is_per_folder(tmp_path, hold):
    url = _sqlite(tmp_path)
    store = DraftStore(url)
    out = tmp_path / "site"
    p = hold("publish", url, out)
    with pytest.raises(PublishError, match=rf"another publish into {out} is running \(pid {p.pid} ") as exc:
        _empty_publish(store, out)
    assert "wait for it to finish" in exc.value.fix and not out.exists()  # nothing was written
    with pytest.raises(PublishError, match="nothing has been approved"):  # another folder is not locked
        _empty_publish(store, tmp_path / "other-site")
    p.kill()  # a killed publish holds nothing
    p.wait()
    with pytest.raises(PublishError, match="nothing has been approved"):
        _empty_publish(store, out)
    assert not publish_lock(out, url).held_elsewhere()  # publish let go of it, even on a refusal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # its file is in the data folder, not beside


# --------------------------------------------------------------------------------- PostgreSQL: advisory lock
pg = pytest.mark.integration


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_advisory_key_is_one_stable_bigint_per_name():
    assert advisory_key("regenerate") == advisory_key("regenerate")
    assert advisory_key("regenerate") != advisory_key("publish:/srv/site")
    assert all(-2**63 <= advisory_key(n) < 2**63 for n in ("a", "publish:/x", "é" * 300))


def test_named_lock_follows_the_database_url(tmp_path):
    assert isinstance(named_lock("x", "sqlite:///a.sqlite", tmp_path / "x.lock"), FileLock)
    assert isinstance(named_lock("x", "postgresql+psycopg://u@h/db", tmp_path / "x.lock"), AdvisoryLock)


@pg
def test_postgres_advisory_lock_two_connections_cannot_both_hold_it(postgres_url, tmp_path):
    url = _pg(postgres_url)
    a = AdvisoryLock("regenerate", url, label="regenerate")
    b = AdvisoryLock("regenerate", url, timeout=0.3, label="regenerate")
    a.acquire()
    try:
        assert b.held_elsewhere()
        with pytest.raises(LockBusy) as exc:
            b.acquire()
        # the holder as PostgreSQL sees it: the command, pid and machine, and since when
        assert f"studio regenerate pid {os.getpid()} on " in exc.value.holder and " since " in exc.value.holder
        assert not AdvisoryLock("publish:/elsewhere", url).held_elsewhere()  # another name, another key
    finally:
        a.release()
    b.acquire()  # free now
    assert a.held_elsewhere()
    b.release()
    assert not a.held_elsewhere()


@pg
def test_postgres_regeneration_and_publish_locks_hold_across_processes(postgres_url, tmp_path, hold, monkeypatch):
    """What two machines sharing the database see: the other process's lock is in PostgreSQL, not in a file (each
    process has its own data folder here, so a file lock could not see the other)."""
    url = _pg(postgres_url)
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    s = _settings(tmp_path)
    store = DraftStore(url)
    assert isinstance(RunLock(s, store).lock, AdvisoryLock)
    other_machine = tmp_path / "machine-b"
    regen = hold("regenerate", url, other_machine)
    assert run_alive(s)
    with pytest.raises(RegenerationError, match=rf"another regeneration is running \(studio regenerate pid {regen.pid} "):
        with RunLock(s, store):
            pass
    out = tmp_path / "site"
    pub = hold("publish", url, out)
    with pytest.raises(PublishError, match=rf"another publish into {out} is running \(studio publish pid {pub.pid} "):
        _empty_publish(store, out)
    assert not list(tmp_path.rglob("publish-*.lock"))  # no file: the lock is in the database
    for p in (regen, pub):  # kill -9: the server drops a dead session's locks
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    assert not run_alive(s)
    with RunLock(s, store):
        with pytest.raises(PublishError, match="nothing has been approved"):
            _empty_publish(store, out)


@pg
def test_postgres_unreachable_lock_says_so(tmp_path):
    from pipeline.errors import StoreError
    from tests.conftest import free_port
    lock = AdvisoryLock("regenerate", f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x")
    with pytest.raises(StoreError, match="cannot reach PostgreSQL .* to take the lock 'regenerate'") as exc:
        lock.acquire()
    assert "DATABASE_URL" in exc.value.fix
