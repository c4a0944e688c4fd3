"""Sign-in rules: the growing delay after failed attempts (LockoutRule) and the password strength check (zxcvbn).

The rule is plain arithmetic on a name's Throttle and the time it is given (tests pass the time; nothing sleeps);
store/review.py keeps the state in the database, so the delay holds across processes and restarts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from zxcvbn import zxcvbn

from pipeline.corpus.agency import current as current_agency
from pipeline.errors import ReviewError
from pipeline.store.review import Throttle
from pipeline.textnorm import fold

MIN_LENGTH = 8
MIN_SCORE = 3  # zxcvbn's 0-4 scale; 3: "safely unguessable", ~10^8 guesses and more
# words an attacker of this studio tries first, beside the user's own name and the agency's words (studio_words)
STUDIO_WORDS = ("studio", "agence", "attractivite")


def studio_words() -> list[str]:
    """STUDIO_WORDS and the words of the agency's and its territory's names (corpus/territories.yaml): "provence",
    "marseille", "aix" for the shipped corpus."""
    a = current_agency()
    names = " ".join((a.name, a.territory_fr, a.territory_en, a.short_fr, a.short_en))
    return list(STUDIO_WORDS) + sorted({w for w in re.findall(r"[a-z0-9]+", fold(names)) if len(w) > 2})


@dataclass(frozen=True)
class LockoutRule:
    """After `max_failures` failed attempts in a row on one name, each further failure refuses the name for
    `first_delay`, doubled at every failure (1, 2, 4, 8, 16, 32 minutes), at most `max_delay`. Inside the delay an
    attempt is refused without looking at the password, so the right one does not get through either. A success
    clears the count; so does a whole `forget_after` without any failure."""

    max_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=24)

    def delay(self, failures: int) -> timedelta | None:
        """How long a name is refused after its `failures`-th failure in a row (None: not at all)."""
        if failures < self.max_failures:
            return None
        doublings = min(failures - self.max_failures, 30)  # the cap is reached long before: no huge powers
        return min(self.first_delay * 2 ** doublings, self.max_delay)

    def locked_until(self, t: Throttle, now: datetime) -> datetime | None:
        """The end of the delay the name is under at `now`, or None when it may try."""
        return t.locked_until if t.locked_until is not None and t.locked_until > now else None

    def after(self, t: Throttle, ok: bool, now: datetime) -> Throttle:
        """The name's state after an attempt (made outside any delay) that succeeded or not at `now`."""
        if ok:
            return Throttle()
        fresh = t.last_failure_at is None or now - t.last_failure_at > self.forget_after
        failures = 1 if fresh else t.failures + 1
        wait = self.delay(failures)
        return Throttle(failures, now + wait if wait else None, now)


def check_strength(password: str, username: str) -> None:
    """ReviewError saying why and what to do when `password` is too short or too easy to guess (zxcvbn's score
    under MIN_SCORE; its own warning and suggestions are passed on)."""
    if len(password) < MIN_LENGTH:
        raise ReviewError(f"password too short ({len(password)} characters, at least {MIN_LENGTH})",
                          fix="use a passphrase of four or more uncommon words")
    result = zxcvbn(password, user_inputs=[username, *studio_words()])
    if result["score"] >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    why = feedback.get("warning") or "it is easy to guess"
    tips = " ".join(feedback.get("suggestions") or [])
    raise ReviewError(f"password too weak (strength {result['score']}/4, at least {MIN_SCORE} needed): "
                      f"{why.rstrip('.')}",
                      fix=(tips + " " if tips else "") + "A passphrase of four or more uncommon words works; "
                      "names, dates and common words do not")
