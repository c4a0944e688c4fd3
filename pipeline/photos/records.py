"""The photo library's queries on the drafts database (the `photos` table of store/schema.py): every change in one
transaction with its entry in the audit log."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from pipeline.photos.model import Photo
from pipeline.store.review import AuditEntry, _audit
from pipeline.store.schema import photos

_COLUMNS = ("id", "sha256", "ext", "width", "height", "size_bytes", "phash", "original_name", "imported_by",
            "imported_at", "updated_at", "meta", "reviews", "proposals", "hashes")


def _photo(row) -> Photo:
    d = dict(row)
    return Photo(**{k: d[k] for k in _COLUMNS if d[k] is not None}), d["version"]


class PhotoRecords:
    """Reads and writes photo rows on a DraftStore's engine."""

    def __init__(self, store) -> None:
        self.store = store
        self.engine = store.engine

    def all(self) -> list[Photo]:
        with self.engine.connect() as conn:
            return [_photo(r)[0] for r in conn.execute(select(photos).order_by(photos.c.imported_at, photos.c.id))
                    .mappings()]

    def get(self, photo_id: str) -> tuple[Photo, int] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(photos).where(photos.c.id == photo_id)).mappings().first()
        return _photo(row) if row else None

    def by_sha(self, sha256: str) -> Photo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(photos).where(photos.c.sha256 == sha256)).mappings().first()
        return _photo(row)[0] if row else None

    def hashes(self) -> list[tuple[str, str]]:
        """(id, the views' hashes, or the bare pHash of a photo imported before they were kept) of every photo:
        what the near-copy index is built from."""
        with self.engine.connect() as conn:
            return [(r[0], r[2] or r[1]) for r in conn.execute(select(photos.c.id, photos.c.phash, photos.c.hashes))]

    def add(self, p: Photo, entry: AuditEntry) -> bool:
        """Insert the photo; False (nothing written) when its content hash is already there."""
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            if conn.execute(select(photos.c.id).where(photos.c.sha256 == p.sha256)).first():
                return False
            values = {k: getattr(p, k) for k in _COLUMNS}
            values.update(imported_at=now, updated_at=now, version=1)
            conn.execute(insert(photos).values(**values))
            _audit(conn, entry)
        return True

    def save(self, p: Photo, expected_version: int, entry: AuditEntry) -> bool:
        """Write the photo's metadata and reviews if nobody changed it since `expected_version`; False otherwise."""
        with self.engine.begin() as conn:
            n = conn.execute(update(photos).where(photos.c.id == p.id, photos.c.version == expected_version)
                             .values(meta=p.meta, reviews=p.reviews, updated_at=datetime.now(timezone.utc),
                                     version=expected_version + 1)).rowcount
            if not n:
                return False
            _audit(conn, entry)
        return True
