"""A terminal progress bar fed by the pipeline's progress callback (the pipeline never prints)."""
from __future__ import annotations

import sys
import time


class TerminalProgress:
    """Draws `done/total` on stderr, at most ten times a second."""

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        frac = done / total if total else 1.0
        bar = "#" * int(width * frac) + "-" * (width - int(width * frac))
        elapsed = now - self.start
        eta = f", {elapsed / frac - elapsed:4.0f}s left" if 0 < frac < 1 else ""
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {message}{eta}   ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
