"""Named exclusive locks between processes, and between machines when the drafts database is PostgreSQL.

Two implementations of one small protocol (`acquire`, `release`, `held_elsewhere`, a `with` block):
- FileLock: fcntl on a file, naming its holder inside the file (one machine: the SQLite setup, the embedded index);
- AdvisoryLock (pipeline/store/advisory.py): a PostgreSQL session advisory lock (pg_try_advisory_lock) on a key derived from the lock's name by
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

from pipeline.errors import LockBusy


class Lock(Protocol):
    def acquire(self) -> None:
        """Take it, waiting up to the lock's timeout; LockBusy naming the holder otherwise."""

    def release(self) -> None: ...

    def held_elsewhere(self) -> bool:
        """Whether another process holds it right now (without keeping it)."""


class LockBase:
    """A lock is also a `with` block."""

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def whoami() -> str:
    """This process, as a lock's holder is named: its pid and machine."""
    return f"pid {os.getpid()} on {socket.gethostname()}"


class FileLock(LockBase):
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


def named_lock(name: str, database_url: str, file_path: Path, timeout: float = 0.0, label: str = "") -> Lock:
    """The lock called `name`: a PostgreSQL advisory lock when the drafts database is PostgreSQL (it holds across
    machines), else the file lock at `file_path` (one machine, as a SQLite file is)."""
    if database_url.startswith("postgresql"):
        from pipeline.store.advisory import AdvisoryLock
        return AdvisoryLock(name, database_url, timeout, label)
    return FileLock(file_path, timeout)


def publish_lock(out: Path, database_url: str) -> Lock:
    """The lock of one publish folder, named by its absolute path. With SQLite its file is in the data folder (beside
    the database file), not beside the publish folder: a publish leaves nothing there but the folder."""
    out = Path(os.path.abspath(out))
    db = database_url.split(":///", 1)[1] if ":///" in database_url else ""
    home = Path(db).parent if db and db != ":memory:" else out.parent
    digest = hashlib.sha256(str(out).encode()).hexdigest()[:16]
    return named_lock(f"publish:{out}", database_url, home / f"publish-{digest}.lock", label="publish")
