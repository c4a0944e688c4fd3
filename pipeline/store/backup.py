"""Backups of the studio's data and their restore (python -m pipeline backup DIR / restore DIR).

A backup folder holds:
  database/studio.sqlite   the drafts database, copied by SQLite's online backup API (one consistent snapshot, even
                           while a regeneration writes) — or database/studio.pgdump (pg_dump, custom format) when
                           DATABASE_URL is PostgreSQL, dumped from an exported snapshot
  audit.jsonl              the audit log of that same snapshot, one entry a line with its chain hashes
  photos/originals/…       the photo library's originals, when <data>/photos/ exists (renditions are derived)
  corpus/…                 the corpus folder (facts, catalogue, territories, brand…)
  manifest.json            written last: the sha256 and size of every other file, the counts and the audit chain's
                           head; a folder without it is an unfinished backup
The Chroma index is not in it: `ingest` rebuilds it from the corpus. Nothing here writes the data being backed up;
a restore writes into an empty data folder only, staged beside it and moved into place at the end, so a failure
(a full disk, a damaged backup) leaves the folder as it was."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from pipeline.errors import BackupError
from pipeline.identity import file_sha256
from pipeline.store import audit_chain
from pipeline.store.schema import MIGRATIONS, drafts, users

MANIFEST = "manifest.json"
FORMAT = 1
DB_SQLITE, DB_PG, AUDIT_FILE = "database/studio.sqlite", "database/studio.pgdump", "audit.jsonl"
_CHUNK = 1 << 20


@dataclass
class BackupReport:
    folder: Path
    database: str                     # sqlite or postgresql
    counts: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    photos: int = 0                   # photo originals copied

    def to_json(self) -> dict:
        return {"folder": str(self.folder), "database": self.database, "counts": self.counts, "audit": self.audit,
                "files": self.files, "bytes": self.bytes, "seconds": round(self.seconds, 3), "photos": self.photos}


def backup(settings, out: Path) -> BackupReport:
    """Write a backup of `settings`' data into `out` (a new or empty folder)."""
    from pipeline.store.database import DraftStore
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} is not an empty folder: a backup is written into a new one",
                          fix="give a new folder's name, e.g. backups/" + datetime.now().strftime("%Y-%m-%d-%H%M"))
    store = DraftStore.for_data_dir(settings.data_dir)  # brings the database to the current schema first
    kind = "postgresql" if store.url.startswith("postgresql") else "sqlite"
    sources = _file_sources(settings)
    need = sum(p.stat().st_size for _, p in sources) + (_sqlite_path(store.url).stat().st_size
                                                        if kind == "sqlite" else 0)
    _check_space(out, need, "the backup")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict] = {}
    try:
        if kind == "sqlite":
            facts = _sqlite_snapshot(store.url, out, files)
        else:
            from pipeline.store.backup_pg import dump
            facts = dump(store, out, files, _hash_file, _write_audit)
        for rel, src in sources:
            files[rel] = _copy_file(src, out / rel)
        manifest = {"format": FORMAT, "made_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "schema_version": max(v for v, _, _ in MIGRATIONS), "database": kind,
                    "data_dir": str(settings.data_dir), "corpus_dir": str(settings.corpus_dir), **facts,
                    "files": dict(sorted(files.items()))}
        tmp = out / (MANIFEST + ".tmp")
        _write_bytes(tmp, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(tmp, out / MANIFEST)
    except (OSError, sqlite3.OperationalError, BackupError) as exc:
        _undo(out, created)
        if isinstance(exc, BackupError):
            raise
        raise _write_error(exc, out, need, "the backup was not made")
    return BackupReport(out, kind, facts["counts"], facts["audit"], len(files) + 1,
                        sum(f["bytes"] for f in files.values()), time.perf_counter() - t0,
                        sum(rel.startswith("photos/") for rel in files))


def _file_sources(settings) -> list[tuple[str, Path]]:
    """(path in the backup, file) for the photo originals and the corpus."""
    out = []
    originals = settings.data_dir / "photos" / "originals"
    if originals.is_dir():
        out += [(f"photos/originals/{p.relative_to(originals).as_posix()}", p) for p in _walk(originals)]
    out += [(f"corpus/{p.relative_to(settings.corpus_dir).as_posix()}", p) for p in _walk(settings.corpus_dir)]
    return out


def _walk(root: Path) -> list[Path]:
    """Every file under `root`, in a stable order, hidden folders and caches left out."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(
        part.startswith(".") or part == "__pycache__" for part in p.relative_to(root).parts))


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _sqlite_snapshot(url: str, out: Path, files: dict) -> dict:
    """The SQLite database copied whole in one step of the online backup API (a reader: writers go on), made a
    single file, then read for the audit log, the counts and the chain's check."""
    dst_path = out / DB_SQLITE
    dst_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(_sqlite_path(url), timeout=30)
    dst = sqlite3.connect(dst_path)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    engine = create_engine(f"sqlite:///{dst_path}")
    try:
        with engine.connect() as conn:
            facts = snapshot_facts(conn)
            _write_audit(conn, out / AUDIT_FILE, files)
    finally:
        engine.dispose()
    files[DB_SQLITE] = _hash_file(dst_path)
    return facts


def snapshot_facts(conn) -> dict:
    """The counts and the audit chain (head, and whether it verifies) of the database `conn` reads."""
    rep = audit_chain.verify(conn)
    return {"counts": {"drafts": conn.execute(select(func.count()).select_from(drafts)).scalar(),
                       "users": conn.execute(select(func.count()).select_from(users)).scalar(),
                       "audit": rep.entries},
            "audit": {**audit_chain.head(conn), "chain_ok": rep.ok,
                      "findings": [f.problem for f in rep.findings[:20]]}}


def _write_audit(conn, path: Path, files: dict) -> None:
    """audit.jsonl: every entry of the snapshot with its chain hashes, oldest first."""
    h, size = hashlib.sha256(), 0
    with open(path, "wb") as f:
        for row in audit_chain.entries(conn):
            d = dict(row)
            d["ts"] = d["ts"].isoformat() if d["ts"] is not None else None
            line = (json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
            f.write(line)
            h.update(line)
            size += len(line)
        f.flush()
        os.fsync(f.fileno())
    files[AUDIT_FILE] = {"sha256": h.hexdigest(), "bytes": size}


def _copy_file(src: Path, dst: Path) -> dict:
    """Copy one file, hashing what is written; its sha256 and size."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            fout.write(chunk)
            h.update(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return {"sha256": h.hexdigest(), "bytes": size}


def _hash_file(path: Path) -> dict:
    return {"sha256": file_sha256(path), "bytes": path.stat().st_size}


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _check_space(folder: Path, need: int, what: str) -> None:
    """Refuse before writing anything when the disk that would hold `folder` has less room than `need` bytes."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < need * 1.05 + (1 << 20):
        raise BackupError(f"not enough room for {what} in {folder}: it needs about {_mb(need)}, the disk has "
                          f"{_mb(free)} free; nothing was written",
                          fix="free some space or choose a folder on another disk")


def _write_error(exc: Exception, folder: Path, need: int, what: str) -> BackupError:
    full = getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc).lower()
    if full:
        return BackupError(f"the disk holding {folder} is full ({what}; it needs about {_mb(need)}); what was "
                           "written there was removed and the data was left as it was",
                           fix="free some space or choose a folder on another disk, then run it again")
    name = getattr(exc, "filename", None) or folder
    return BackupError(f"cannot write {name}: {getattr(exc, 'strerror', None) or exc} ({what}); what was written "
                       "was removed and the data was left as it was",
                       fix="check the folder's permissions and the disk, then run it again")


def _undo(folder: Path, created: bool) -> None:
    """Remove what was written into `folder` (the folder too when it was made for this)."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for p in list(folder.iterdir()) if folder.is_dir() else []:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"
