"""A photo of the library (Photo), its fields and their values, and its rights status on a day (Rights).

A Photo holds its file's identity, the metadata an editor confirms and what an approver reviewed; its rights are
valid, expiring, expired, or incomplete when the licence or the consent is unknown.

Plain data: the store (library.py) reads and writes it, the screens and publish read it."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from pipeline.errors import StudioError

LANGS = ("fr", "en")
EXPIRING_DAYS = 30  # a photo whose rights end within this many days is "expiring"
# the fields an editor sets (photos set ID field=value, the CSV's columns, the screen's sheet)
TEXT_FIELDS = ("title", "caption_fr", "caption_en", "alt_fr", "alt_en", "credit", "author", "rights_holder",
               "licence", "licence_terms", "consent_ref", "place")
DATE_FIELDS = ("rights_end", "consent_end", "taken_on")
LIST_FIELDS = ("filieres", "tags")
BOOL_FIELDS = ("people",)
FIELDS = TEXT_FIELDS + DATE_FIELDS + LIST_FIELDS + BOOL_FIELDS
REVIEWED = ("alt_fr", "alt_en", "caption_fr", "caption_en")  # what only an approver marks as reviewed
ALL_RIGHTS = "all-rights-reserved"
# the licences the studio knows how to credit and link (SPDX ids); LicenseRef-… for anything else, with terms
LICENCE_URLS = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
_LICENCE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")
_YES = {"yes", "oui", "true", "1", "y", "o"}
_NO = {"no", "non", "false", "0", "n", ""}


class PhotoError(StudioError):
    """A photo cannot be imported or changed as asked; nothing in the library was changed."""

    exit_code = 2


@dataclass(frozen=True)
class Rights:
    """A photo's rights on a day: state valid | expiring | expired | incomplete, the day they end (the earlier of
    the usage rights' and the consent's end, None when open-ended) and why, in words."""

    state: str
    ends: date | None
    reasons: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.state in ("valid", "expiring")

    def to_json(self) -> dict:
        return {"state": self.state, "ends": self.ends.isoformat() if self.ends else None,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Photo:
    id: str
    sha256: str
    ext: str
    width: int
    height: int
    size_bytes: int
    phash: str                      # 64-bit perceptual hash, 16 hex digits (dupes.py)
    original_name: str = ""
    imported_by: str = ""
    imported_at: datetime | None = None
    updated_at: datetime | None = None
    meta: dict = field(default_factory=dict)       # FIELDS -> value (dates as YYYY-MM-DD)
    reviews: dict = field(default_factory=dict)    # REVIEWED field -> {hash, by, at}
    proposals: dict = field(default_factory=dict)  # what the file said at import (EXIF/IPTC/XMP), to confirm
    hashes: str = ""                               # the six views' perceptual hashes (dupes.fingerprints)

    def get(self, name: str):
        value = self.meta.get(name)
        if name in LIST_FIELDS:
            return list(value or [])
        if name in BOOL_FIELDS:
            return bool(value)
        return value or ("" if name in TEXT_FIELDS else None)

    def day(self, name: str) -> date | None:
        raw = self.meta.get(name)
        return date.fromisoformat(raw) if raw else None

    def alt(self, lang: str) -> str:
        return self.get(f"alt_{lang}")

    def caption(self, lang: str) -> str:
        return self.get(f"caption_{lang}")

    def reviewed(self, name: str) -> bool:
        """Whether an approver reviewed this field's current text (an edit after the review undoes it)."""
        text = self.get(name)
        r = self.reviews.get(name) or {}
        return bool(text.strip()) and r.get("hash") == text_sha(text)

    @property
    def original_path(self) -> str:
        return f"originals/{self.sha256}.{self.ext}"

    @property
    def sheet_hash(self) -> str:
        """Changes when the file or anything published of it changes (what a draft records, to be told stale)."""
        public = {k: self.meta.get(k) for k in FIELDS}
        return hashlib.sha256(json.dumps({"sha": self.sha256, "meta": public,
                                          "reviewed": [n for n in REVIEWED if self.reviewed(n)]},
                                         sort_keys=True).encode()).hexdigest()

    def with_meta(self, **values) -> "Photo":
        return replace(self, meta={**self.meta, **values})

    def to_json(self) -> dict:
        return {"id": self.id, "sha256": self.sha256, "ext": self.ext, "width": self.width, "height": self.height,
                "size_bytes": self.size_bytes, "phash": self.phash, "original_name": self.original_name,
                "imported_by": self.imported_by,
                "imported_at": self.imported_at.isoformat() if self.imported_at else None,
                **{k: self.get(k) for k in FIELDS},
                "reviewed": {n: self.reviewed(n) for n in REVIEWED}, "proposals": self.proposals}


def text_sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def photo_id(sha256: str) -> str:
    """A photo's id: from its content hash, so the same file has the same id in every library."""
    return "ph-" + sha256[:12]


def rights(photo: Photo, on: date, days: int = EXPIRING_DAYS) -> Rights:
    """The rights on `on`: expired when the usage rights or (people shown) the consent end before or on that day,
    expiring when they end within `days`, incomplete when the licence, or the consent of people shown, is unknown."""
    missing = []
    licence = photo.get("licence")
    if not licence:
        missing.append("no licence")
    elif licence == ALL_RIGHTS and not photo.get("licence_terms"):
        missing.append("all rights reserved, but no terms of use")
    if photo.get("people") and not photo.get("consent_ref"):
        missing.append("identifiable people, but no consent (model release) reference")
    ends = [(d, what) for d, what in ((photo.day("rights_end"), "usage rights"),
                                      (photo.day("consent_end") if photo.get("people") else None, "consent"))
            if d is not None]
    end = min((d for d, _ in ends), default=None)
    expired = [f"{what} ended on {d.isoformat()}" for d, what in ends if d <= on]
    if expired:
        return Rights("expired", end, tuple(expired + missing))
    if missing:
        return Rights("incomplete", end, tuple(missing))
    soon = [f"{what} end on {d.isoformat()}" for d, what in ends if (d - on).days <= days]
    if soon:
        return Rights("expiring", end, tuple(soon))
    return Rights("valid", end)


def usable_on(photo: Photo, day: date) -> Rights:
    """Rights as they will be on the publication day (expired if they end on or before it)."""
    return rights(photo, day)


def parse_value(name: str, raw: str, today: date | None = None):
    """The stored value of field `name` given as text (a CLI argument, a CSV cell, a form field); PhotoError with
    the fix when it cannot be. A date in the past is refused when `today` is given (new rights must not be over)."""
    if name not in FIELDS:
        raise PhotoError(f"unknown field {name!r}", fix="use one of: " + ", ".join(FIELDS))
    raw = (raw or "").strip()
    if name in LIST_FIELDS:
        return sorted({x.strip() for x in re.split(r"[;,]", raw) if x.strip()})
    if name in BOOL_FIELDS:
        if raw.lower() in _YES:
            return True
        if raw.lower() in _NO:
            return False
        raise PhotoError(f"{name}={raw!r} is not yes or no", fix=f"write {name}=yes or {name}=no")
    if name in DATE_FIELDS:
        if not raw:
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise PhotoError(f"{name}={raw!r} is not a date", fix=f"write {name} as YYYY-MM-DD, e.g. 2027-06-30")
        if today is not None and name in ("rights_end", "consent_end") and day <= today:
            raise PhotoError(f"{name} {raw} is not after today ({today.isoformat()}): those rights are already over",
                             fix="give the date the rights really end (after today), or leave the photo out")
        return day.isoformat()
    if name == "licence" and raw:
        return check_licence(raw)
    return raw


def check_licence(raw: str) -> str:
    for known in (*LICENCE_URLS, ALL_RIGHTS):
        if raw.lower() == known.lower():
            return known
    if _LICENCE_REF.match(raw):
        return raw
    raise PhotoError(f"licence {raw!r} is not an SPDX id the studio knows",
                     fix="use one of " + ", ".join(LICENCE_URLS) + f", {ALL_RIGHTS} (with licence_terms) or "
                         "LicenseRef-<name> (with licence_terms)")
