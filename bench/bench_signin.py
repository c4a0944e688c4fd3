"""Issue 18 figure: what one sign-in costs (argon2id with the library's parameters, the throttle and the audit
entry), against the bare argon2id verify it is made of (the floor), median of 15 each, in one run.

Run: .venv/bin/python bench/bench_signin.py"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402

from pipeline.review.desk import ReviewDesk  # noqa: E402
from pipeline.store.database import DraftStore  # noqa: E402

PASSWORD = "correct horse battery"


def median_s(fn, n: int = 15) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    desk = ReviewDesk(DraftStore(f"sqlite:///{tmp / 'db.sqlite'}"))
    desk.add_user("alice", "editor", PASSWORD)
    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    floor = median_s(lambda: hasher.verify(stored, PASSWORD))
    sign_in = median_s(lambda: desk.sign_in("alice", PASSWORD))
    print(f"bare argon2id verify: {floor:.3f} s; sign-in (verify, throttle, audit entry): {sign_in:.3f} s "
          f"(ratio {sign_in / floor:.2f}; target: under 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
