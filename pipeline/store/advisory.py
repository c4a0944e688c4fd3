"""The PostgreSQL implementation of pipeline/locks.py's lock: a session advisory lock on a dedicated connection.

pg_try_advisory_lock on the key `advisory_key(name)` gives, per database, one holder at a time across every machine
that shares it; the server drops it when that connection ends (a killed process, or a machine gone once the TCP
keepalives below give up), so no lock outlives its holder."""
from __future__ import annotations

import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from pipeline.errors import LockBusy, StoreError
from pipeline.locks import LockBase, advisory_key, whoami

# how the holder's server notices a vanished machine: TCP keepalives on the lock's connection (seconds)
_KEEPALIVE = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"


class AdvisoryLock(LockBase):
    """A PostgreSQL advisory lock named `name`, on its own connection (closed on release); `url` is the drafts
    database's SQLAlchemy URL; waits up to `timeout` seconds."""

    def __init__(self, name: str, url: str, timeout: float = 0.0, label: str = "") -> None:
        self.name, self.url, self.timeout = name, url, timeout
        self.key = advisory_key(name)
        self.label = label or " ".join(sys.argv[1:3])[:30] or "studio"
        self._engine = None
        self._conn = None

    def _connect(self):
        app = f"studio {self.label} {whoami()}"[:63]  # what pg_stat_activity shows, and a busy lock names
        try:
            engine = create_engine(self.url, poolclass=NullPool, connect_args={
                "application_name": app, "options": _KEEPALIVE, "connect_timeout": 10})
            return engine, engine.connect()
        except Exception as exc:  # noqa: BLE001 - psycopg and SQLAlchemy raise several types for a dead server
            raise StoreError(f"cannot reach PostgreSQL at {self.url.split('@')[-1]} to take the lock {self.name!r}: "
                             f"{type(exc).__name__}: {str(exc)[:200]}",
                             fix="check DATABASE_URL and that PostgreSQL is running; nothing was changed") from exc

    def _try(self, conn) -> bool:
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
