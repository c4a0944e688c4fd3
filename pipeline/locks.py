"""Named exclusive locks between processes, and between machines when the drafts database is PostgreSQL.

Two implementations of one small protocol (`acquire`, `release`, `held_elsewhere`, a `with` block):
- FileLock: fcntl on a file, naming its holder inside the file (one machine: the SQLite setup, the embedded index);
- AdvisoryLock: a PostgreSQL session advisory lock (pg_try_advisory_lock) on a key derived from the lock's name by
  `advisory_key`, held on a dedicated connection for the lock's lifetime, so every machine sharing the database
  sees it; the server drops it when that connection ends (a killed process holds nothing).
`named_lock` chooses between them from the drafts database's URL."""
from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import sys
import time
from pathlib import Path
from typing import Protocol

from pipeline.errors import LockBusy, StoreError


class Lock(Protocol):
    def acquire(self) -> None:
        """Take it, waiting up to the lock's timeout; LockBusy naming the holder otherwise."""

    def release(self) -> None: ...

    def held_elsewhere(self) -> bool:
        """Whether another process holds it right now (without keeping it)."""


class _With:
    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _me() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class FileLock(_With):
    """Exclusive between processes; waits up to `timeout` seconds (0: not at all)."""

    def __init__(self, path: Path, timeout: float = 0.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fh = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    fh.close()
                    raise LockBusy(holder)
                time.sleep(0.05)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} ({' '.join(sys.argv[:3])[:120]}) since {time.strftime('%H:%M:%S')}")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def held_elsewhere(self) -> bool:
        return is_held(self.path)


def is_held(path: Path) -> bool:
    """Whether some process holds the file lock on `path` right now."""
    if not path.exists():
        return False
    lock = FileLock(path)
    try:
        lock.acquire()
    except LockBusy:
        return True
    lock.release()
    return False


def advisory_key(name: str) -> int:
    """The one owner of a lock name's PostgreSQL key: the first 8 bytes of its SHA-256, as a signed bigint."""
    return int.from_bytes(hashlib.sha256(f"studio-lock:{name}".encode()).digest()[:8], "big", signed=True)


# how the holder's server notices a vanished machine: TCP keepalives on the lock's connection (seconds)
_KEEPALIVE = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"


class AdvisoryLock(_With):
    """A PostgreSQL advisory lock named `name`, on its own connection (closed on release); `url` is the drafts
    database's SQLAlchemy URL; waits up to `timeout` seconds."""

    def __init__(self, name: str, url: str, timeout: float = 0.0, label: str = "") -> None:
        self.name, self.url, self.timeout = name, url, timeout
        self.key = advisory_key(name)
        self.label = label or " ".join(sys.argv[1:3])[:30] or "studio"
        self._engine = None
        self._conn = None

    def _connect(self):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool
        app = f"studio {self.label} {_me()}"[:63]  # what pg_stat_activity shows, and a busy lock names
        try:
            engine = create_engine(self.url, poolclass=NullPool, connect_args={
                "application_name": app, "options": _KEEPALIVE, "connect_timeout": 10})
            return engine, engine.connect()
        except Exception as exc:  # noqa: BLE001 - psycopg and SQLAlchemy raise several types for a dead server
            raise StoreError(f"cannot reach PostgreSQL at {self.url.split('@')[-1]} to take the lock {self.name!r}: "
                             f"{type(exc).__name__}: {str(exc)[:200]}",
                             fix="check DATABASE_URL and that PostgreSQL is running; nothing was changed") from exc

    def _try(self, conn) -> bool:
        from sqlalchemy import text
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        conn.commit()  # the lock is the session's, not the transaction's: leave no transaction open
        return bool(got)

    def acquire(self) -> None:
        engine, conn = self._connect()
        deadline = time.monotonic() + self.timeout
        try:
            while not self._try(conn):
                if time.monotonic() >= deadline:
                    raise LockBusy(self.holder(conn))
                time.sleep(0.1)
        except BaseException:
            conn.close()
            engine.dispose()
            raise
        self._engine, self._conn = engine, conn

    def release(self) -> None:
        if self._conn is None:
            return
        from sqlalchemy import text
        try:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._conn.commit()
        except Exception:  # noqa: BLE001 - the connection is gone: the server released the lock with it
            pass
        finally:
            self._conn.close()
            self._engine.dispose()
            self._conn = self._engine = None

    def alive(self) -> bool:
        """Whether the lock's connection still answers (if it does not, the server has let the lock go)."""
        if self._conn is None:
            return False
        from sqlalchemy import text
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception:  # noqa: BLE001
            return False

    def held_elsewhere(self) -> bool:
        engine, conn = self._connect()
        try:
            if self._try(conn):
                from sqlalchemy import text
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                conn.commit()
                return False
            return True
        finally:
            conn.close()
            engine.dispose()

    def holder(self, conn) -> str:
        """Who holds the key: the holder's application name (studio, command, pid and machine), its address and
        since when, from pg_locks and pg_stat_activity."""
        from sqlalchemy import text
        u = self.key & 0xFFFFFFFFFFFFFFFF
        row = conn.execute(text(
            "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = :hi AND l.objid = :lo AND l.objsubid = 1"), {"hi": u >> 32, "lo": u & 0xFFFFFFFF}).first()
        conn.commit()
        if row is None:
            return "another process (it let go as we looked: try again)"
        app, addr, since = row
        where = f" from {addr}" if addr else ""
        return f"{app or 'another client'}{where}, since {since:%Y-%m-%d %H:%M:%S %Z}".strip()


def named_lock(name: str, database_url: str, file_path: Path, timeout: float = 0.0, label: str = "") -> Lock:
    """The lock called `name`: a PostgreSQL advisory lock when the drafts database is PostgreSQL (it holds across
    machines), else the file lock at `file_path` (one machine, as a SQLite file is)."""
    if database_url.startswith("postgresql"):
        return AdvisoryLock(name, database_url, timeout, label)
    return FileLock(file_path, timeout)


def publish_lock(out: Path, database_url: str) -> Lock:
    """The lock of one publish folder, named by its absolute path; its file (SQLite) sits beside the folder, which a
    publish replaces whole."""
    out = Path(os.path.abspath(out))
    return named_lock(f"publish:{out}", database_url, out.parent / f".{out.name}.publish.lock", label="publish")
