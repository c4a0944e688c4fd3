"""The photo library's queries on the drafts database (the `photos` table), each change with its audit entry.

Rows go in and out as dicts of the table's columns; pipeline/photos/records.py makes them Photos."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from pipeline.store.review import AuditEntry, _audit
from pipeline.store.schema import photos

COLUMNS = tuple(c.name for c in photos.c)


class PhotoQueries:
    """Reads and writes photo rows on a DraftStore's engine."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def rows(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(photos).order_by(photos.c.imported_at, photos.c.id))
                    .mappings()]

    def row(self, photo_id: str | None = None, sha256: str | None = None) -> dict | None:
        where = photos.c.id == photo_id if photo_id is not None else photos.c.sha256 == sha256
        with self.engine.connect() as conn:
            r = conn.execute(select(photos).where(where)).mappings().first()
        return dict(r) if r else None

    def hashes(self) -> list[tuple[str, str]]:
        """(id, the views' hashes, or the bare pHash of a photo imported before they were kept) of every photo."""
        with self.engine.connect() as conn:
            return [(r[0], r[2] or r[1]) for r in conn.execute(select(photos.c.id, photos.c.phash, photos.c.hashes))]

    def add(self, values: dict, entry: AuditEntry) -> bool:
        """Insert the row; False (nothing written) when its content hash is already there."""
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            if conn.execute(select(photos.c.id).where(photos.c.sha256 == values["sha256"])).first():
                return False
            conn.execute(insert(photos).values(**{**values, "imported_at": now, "updated_at": now, "version": 1}))
            _audit(conn, entry)
        return True

    def save(self, photo_id: str, meta: dict, reviews: dict, expected_version: int, entry: AuditEntry) -> bool:
        """Write the metadata and reviews if nobody changed the photo since `expected_version`; False otherwise."""
        with self.engine.begin() as conn:
            n = conn.execute(update(photos).where(photos.c.id == photo_id, photos.c.version == expected_version)
                             .values(meta=meta, reviews=reviews, updated_at=datetime.now(timezone.utc),
                                     version=expected_version + 1)).rowcount
            if not n:
                return False
            _audit(conn, entry)
        return True
