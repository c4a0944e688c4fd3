"""An exclusive lock on a file (fcntl), naming its holder inside the file so a waiting process can say who."""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from pipeline.errors import LockBusy


class FileLock:
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
        fh.write(f"pid {os.getpid()} ({' '.join(os.sys.argv[:3])[:120]}) since {time.strftime('%H:%M:%S')}")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def is_held(path: Path) -> bool:
    """Whether some process holds the lock on `path` right now."""
    if not path.exists():
        return False
    lock = FileLock(path)
    try:
        lock.acquire()
    except LockBusy:
        return True
    lock.release()
    return False
