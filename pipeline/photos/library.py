"""The photo library (PhotoLibrary): import, editing, reviews, where each photo is used, the rights report.

An import stores a file once under its content hash and reports near copies; editors edit the metadata; approvers
review alt texts and captions.

Files live under <data>/photos/: originals/<sha256>.<ext> exactly as imported (never rewritten), renditions/ (the
web sizes, renditions.py). An import stores a photo only once its file decoded whole, its renditions were written
and its metadata passed: a refused file leaves the library as it was."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.errors import ConflictError, ForbiddenError
from pipeline.identity import file_sha256
from pipeline.photos import renditions
from pipeline.photos.csvmeta import Refusal, read_metadata
from pipeline.photos.dupes import HashIndex, Match, fingerprints
from pipeline.photos.model import (
    FIELDS,
    REVIEWED,
    Photo,
    PhotoError,
    parse_value,
    photo_id,
    rights,
    text_sha,
)
from pipeline.photos.probe import probe
from pipeline.photos.records import PhotoRecords
from pipeline.store.review import AuditEntry


@dataclass(frozen=True)
class Imported:
    """One file's outcome: imported, duplicate (same content as `existing`) or near (a near copy of `matches`)."""

    file: str
    status: str
    photo: Photo | None = None
    existing: str | None = None
    matches: tuple[Match, ...] = ()

    def to_json(self) -> dict:
        return {"file": self.file, "status": self.status, "id": self.photo.id if self.photo else None,
                "existing": self.existing, "matches": [{"id": m.photo_id, "distance": m.distance}
                                                       for m in self.matches]}


@dataclass
class ImportReport:
    done: list[Imported] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def of(self, status: str) -> list[Imported]:
        return [d for d in self.done if d.status == status]

    def to_json(self) -> dict:
        return {"imported": [d.to_json() for d in self.of("imported")],
                "duplicates": [d.to_json() for d in self.of("duplicate")],
                "near_copies": [d.to_json() for d in self.of("near")],
                "refused": [r.to_json() for r in self.refused]}


class PhotoLibrary:
    def __init__(self, data_dir: Path, store, today: date) -> None:
        self.root = data_dir / "photos"
        self.originals = self.root / "originals"
        self.rendition_root = self.root / "renditions"
        self.records = PhotoRecords(store)
        self.store = store
        self.today = today
        self._index: HashIndex | None = None

    @classmethod
    def for_settings(cls, settings, store=None) -> "PhotoLibrary":
        from pipeline.store.database import DraftStore
        return cls(settings.data_dir, store or DraftStore.for_data_dir(settings.data_dir), settings.today())

    # ---------------------------------------------------------------- reading
    def all(self) -> list[Photo]:
        return self.records.all()

    def get(self, pid: str) -> Photo:
        return self._get(pid)[0]

    def _get(self, pid: str) -> tuple[Photo, int]:
        got = self.records.get(pid)
        if got is None:
            raise PhotoError(f"no photo {pid!r} in the library", fix="python -m pipeline photos list shows the ids")
        return got

    def index(self) -> HashIndex:
        if self._index is None:
            self._index = HashIndex(self.records.hashes())
        return self._index

    def original(self, p: Photo) -> Path:
        return self.root / p.original_path

    def renditions(self, p: Photo) -> list[renditions.Rendition]:
        """The photo's web renditions, made now if any is missing from the cache."""
        have = renditions.existing(self.rendition_root, p.sha256, *self._upright_size(p))
        if len(have) == 2 * len(renditions.widths_for(self._upright_size(p)[0])):
            return have
        img, _, full = renditions.decode(self.original(p))
        return renditions.make(img, p.sha256, self.rendition_root, p.get("author") or p.proposals.get("author", ""),
                               p.get("rights_holder") or p.proposals.get("rights_holder", ""), full)

    @staticmethod
    def _upright_size(p: Photo) -> tuple[int, int]:
        return p.width, p.height  # stored upright (after the EXIF orientation)

    # ---------------------------------------------------------------- import
    def import_folder(self, folder: Path, actor: str, metadata: Path | None = None, allow_near: bool = False,
                      filieres: set[str] | None = None) -> ImportReport:
        """Import every photo file of `folder` (JPEG, PNG, WebP, HEIC; SVG and other files refused, said)."""
        if not folder.is_dir():
            raise PhotoError(f"{folder} is not a folder", fix="give the folder that holds the photos")
        report = ImportReport()
        meta: dict[str, dict] = {}
        if metadata is not None:
            meta, report.refused = read_metadata(metadata, folder, self.today, filieres)
        refused_names = {r.file for r in report.refused}
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if path.name in refused_names or (metadata is not None and path.resolve() == metadata.resolve()):
                continue
            if path.suffix.lower() in (".csv", ".txt", ".md", ".json", ".xmp"):
                continue  # side files (a CSV, notes, XMP sidecars) are not photos; anything else is tried, and said
            try:
                report.done.append(self.import_file(path, actor, meta.get(path.name), allow_near))
            except PhotoError as exc:
                report.refused.append(Refusal(path.name, exc.message, exc.fix))
        return report

    def import_file(self, path: Path, actor: str, meta: dict | None = None, allow_near: bool = False) -> Imported:
        """Import one file; PhotoError (nothing stored) when it is refused."""
        _need(actor, "editor", "import photos")
        pr = probe(path)
        sha = file_sha256(path)
        same = self.records.by_sha(sha)
        if same is not None:
            return Imported(path.name, "duplicate", same, same.id)
        img, found, full = renditions.decode(path)  # decoded whole: a truncated file stops here
        views = fingerprints(img)
        phash = views[:16]  # the whole photo's pHash
        near = self.index().near(views)
        if near and not allow_near:
            return Imported(path.name, "near", None, near[0].photo_id, tuple(near))
        meta = dict(meta or {})
        photo = Photo(photo_id(sha), sha, pr.ext, full[0], full[1], path.stat().st_size, phash, path.name,
                      _name(actor), meta=meta, proposals=found, hashes=views)
        renditions.make(img, sha, self.rendition_root, meta.get("author") or found.get("author", ""),
                        meta.get("rights_holder") or found.get("rights_holder", ""), full)
        del img
        self._keep_original(path, photo)
        detail = {"photo": photo.id, "sha256": sha, "file": path.name, "near": [m.photo_id for m in near]}
        # imported meanwhile by another: the same file, kept once
        if not self.records.add(photo, AuditEntry(_name(actor), "photo_import", detail)):
            return Imported(path.name, "duplicate", self.records.by_sha(sha), photo.id)
        self.index().add(photo.id, views)
        return Imported(path.name, "imported", photo, None, tuple(near))

    def _keep_original(self, path: Path, photo: Photo) -> None:
        dest = self.root / photo.original_path
        if dest.exists():
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)

    # ---------------------------------------------------------------- editing
    def update(self, pid: str, values: dict[str, str], actor, expected_version: int | None = None,
               accept_proposals: bool = False) -> Photo:
        """Set fields from their text form (editors and above); a review of a field whose text changes is undone.
        `expected_version` (the screen's) refuses the change if someone saved the photo meanwhile."""
        _need(actor, "editor", "edit photos")
        photo, version = self._get(pid)
        if expected_version is not None and expected_version != version:
            raise ConflictError(f"photo {pid} changed since you opened it", fix="reload the photo, then redo your edit")
        new = {}
        if accept_proposals:
            new.update({k: v for k, v in photo.proposals.items() if k in FIELDS and not photo.get(k)})
        new.update({k: parse_value(k, v) for k, v in values.items()})
        for end in ("rights_end", "consent_end"):  # a new end date must not already be over
            if end in values and new[end] and new[end] != photo.meta.get(end):
                parse_value(end, new[end], self.today)
        updated = photo.with_meta(**new)
        if not self.records.save(updated, version, AuditEntry(_name(actor), "photo_edit",
                                                               {"photo": pid, "fields": sorted(new)})):
            raise ConflictError(f"photo {pid} changed while you edited it", fix="reload the photo, then redo your edit")
        if any(updated.get(k) != photo.get(k) for k in ("author", "rights_holder")):
            self._remake(updated)
        return updated

    def review(self, pid: str, name: str, user) -> Photo:
        """An approver marks the current text of `name` (alt_fr, alt_en, caption_fr, caption_en) as reviewed."""
        if isinstance(user, str):  # a review is a person's: signed in, with the approver role
            raise ForbiddenError(f"{user!r} is not signed in", fix="sign in as an approver to review")
        _need(user, "approver", "mark alt texts and captions as reviewed")
        if name not in REVIEWED:
            raise PhotoError(f"{name!r} is not reviewed", fix="review one of " + ", ".join(REVIEWED))
        photo, version = self._get(pid)
        text = photo.get(name)
        if not text.strip():
            raise PhotoError(f"photo {pid} has no {name} to review", fix=f"write it first: photos set {pid} {name}=…")
        reviews = {**photo.reviews, name: {"hash": text_sha(text), "by": user.username, "at": self.today.isoformat()}}
        updated = Photo(**{**photo.__dict__, "reviews": reviews})
        if not self.records.save(updated, version, AuditEntry(user.username, "photo_review",
                                                               {"photo": pid, "field": name, "text": text})):
            raise ConflictError(f"photo {pid} changed meanwhile", fix="reload it and review the text now there")
        return updated

    def _remake(self, p: Photo) -> None:
        """The renditions again (author or copyright changed: they carry both)."""
        for r in renditions.existing(self.rendition_root, p.sha256, p.width, p.height):
            r.path.unlink(missing_ok=True)
        self.renditions(p)

    # ---------------------------------------------------------------- use
    def usage(self) -> dict[str, list[dict]]:
        """photo id -> the drafts (newest version of each page and language) that carry it."""
        from pipeline.review.desk import latest_drafts
        out: dict[str, list[dict]] = {}
        for rec in latest_drafts(self.store):
            for entry in ((rec.params or {}).get("inputs") or {}).get("photos") or []:
                out.setdefault(entry[0], []).append({"page_id": rec.page_id, "lang": rec.lang,
                                                     "version": rec.version, "status": rec.status})
        for rec in self.store.list(status="approved"):  # what is published, even under a newer draft
            for entry in ((rec.params or {}).get("inputs") or {}).get("photos") or []:
                uses = out.setdefault(entry[0], [])
                if not any(u["page_id"] == rec.page_id and u["lang"] == rec.lang and u["version"] == rec.version
                           for u in uses):
                    uses.append({"page_id": rec.page_id, "lang": rec.lang, "version": rec.version,
                                 "status": rec.status})
        return out

    def rights_report(self, days: int) -> list[dict]:
        """Photos whose rights are expired, incomplete or end within `days`, with the pages that use them."""
        used = self.usage()
        out = []
        for p in self.all():
            r = rights(p, self.today, days)
            if r.state != "valid":
                out.append({"id": p.id, "title": p.get("title") or p.original_name, **r.to_json(),
                            "credit": p.get("credit"), "pages": used.get(p.id, [])})
        return sorted(out, key=lambda d: (d["ends"] or "9999", d["id"]))


def _name(actor) -> str:
    return actor if isinstance(actor, str) else actor.username


def _need(actor, role: str, what: str) -> None:
    """A signed-in user needs `role`; a name (the CLI's --as, an import script) is taken as it is."""
    if isinstance(actor, str):
        return
    if not actor.can(role):
        raise ForbiddenError(f"{actor.username} ({actor.role}) may not {what}",
                             fix=f"ask an admin for the {role} role: python -m pipeline users set-role")
