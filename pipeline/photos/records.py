"""The photo rows of the drafts database as Photos (the queries themselves: pipeline/store/photos.py)."""
from __future__ import annotations

from pipeline.photos.model import Photo
from pipeline.store.photos import PhotoQueries
from pipeline.store.review import AuditEntry

_FIELDS = ("id", "sha256", "ext", "width", "height", "size_bytes", "phash", "original_name", "imported_by",
           "imported_at", "updated_at", "meta", "reviews", "proposals", "hashes")


def _photo(row: dict) -> tuple[Photo, int]:
    return Photo(**{k: row[k] for k in _FIELDS if row.get(k) is not None}), row["version"]


class PhotoRecords:
    """Photos in and out of a DraftStore."""

    def __init__(self, store) -> None:
        self.store = store
        self.q = PhotoQueries(store.engine)

    def all(self) -> list[Photo]:
        return [_photo(r)[0] for r in self.q.rows()]

    def get(self, photo_id: str) -> tuple[Photo, int] | None:
        r = self.q.row(photo_id=photo_id)
        return _photo(r) if r else None

    def by_sha(self, sha256: str) -> Photo | None:
        r = self.q.row(sha256=sha256)
        return _photo(r)[0] if r else None

    def hashes(self) -> list[tuple[str, str]]:
        return self.q.hashes()

    def add(self, p: Photo, entry: AuditEntry) -> bool:
        return self.q.add({k: getattr(p, k) for k in _FIELDS if k not in ("imported_at", "updated_at")}, entry)

    def save(self, p: Photo, expected_version: int, entry: AuditEntry) -> bool:
        return self.q.save(p.id, p.meta, p.reviews, expected_version, entry)
