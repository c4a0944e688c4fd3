"""Restore a backup (store/backup.py) into an empty data folder: python -m pipeline restore DIR.

Everything is checked before anything is written: the manifest against every file (a file changed, missing or not
listed is named), the data folder empty, the database of the backup's kind (an empty PostgreSQL database when
DATABASE_URL is set), the corpus folder free. Files are staged beside their place and moved in at the end; a
failure removes what was staged, so the data folder is left as it was. Afterwards the restored audit log must end
on the manifest's chain head and verify whole."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BackupError
from pipeline.store.backup import (
    AUDIT_FILE,
    DB_PG,
    DB_SQLITE,
    FORMAT,
    MANIFEST,
    _check_space,
    _copy_file,
    _hash_file,
    _walk,
    _write_error,
)

_DAMAGED = "use another backup, or make a new one (nothing was restored)"


@dataclass
class RestoreReport:
    folder: Path
    data_dir: Path
    database: str
    corpus_dir: Path | None
    corpus_same: bool = False         # the corpus folder already held the backup's corpus: left untouched
    counts: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"from": str(self.folder), "data_dir": str(self.data_dir), "database": self.database,
                "corpus_dir": str(self.corpus_dir) if self.corpus_dir else None, "corpus_same": self.corpus_same,
                "counts": self.counts,
                "audit": self.audit}


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, once every file matches it (refused naming the first file that does not)."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: it is not a backup, or one that did not finish",
                          fix="give the folder `python -m pipeline backup` wrote; " + _DAMAGED)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} cannot be read ({type(exc).__name__}: {exc})", fix=_DAMAGED)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is of format {manifest.get('format')!r}, this studio reads format {FORMAT}",
                          fix="restore it with the studio version that made it")
    from pipeline.store.schema import MIGRATIONS
    known = max(v for v, _, _ in MIGRATIONS)
    if int(manifest.get("schema_version") or 0) > known:
        raise BackupError(f"{folder} was made by a newer studio (database schema {manifest['schema_version']}, this "
                          f"one knows up to {known})", fix="update the studio (git pull), then restore")
    for rel, want in listed.items():
        p = folder / rel
        if not p.is_file():
            raise BackupError(f"the backup's file {rel} is listed in its manifest but missing", fix=_DAMAGED)
        got = _hash_file(p)
        if got != {"sha256": want.get("sha256"), "bytes": want.get("bytes")}:
            raise BackupError(f"the backup's file {rel} does not match its manifest (sha256 {got['sha256'][:12]}…, "
                              f"{got['bytes']} bytes; the manifest says {str(want.get('sha256'))[:12]}…, "
                              f"{want.get('bytes')} bytes): it was changed or damaged", fix=_DAMAGED)
    extra = [p.relative_to(folder).as_posix() for p in _walk(folder)
             if p.relative_to(folder).as_posix() not in listed and p.name != MANIFEST]
    if extra:
        raise BackupError(f"the backup holds {extra[0]}, which its manifest does not list"
                          + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""), fix=_DAMAGED)
    return manifest


def restore(settings, folder: Path, corpus_to: Path | None = None, skip_corpus: bool = False) -> RestoreReport:
    """Bring the backup in `folder` back into `settings.data_dir` (empty) and the corpus into `corpus_to` (default:
    the settings' corpus folder, when it is missing, empty or already the same)."""
    from pipeline.store.database import DraftStore, database_url
    folder = Path(folder)
    manifest = read_manifest(folder)
    data = Path(settings.data_dir)
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        names = sorted(p.name for p in data.iterdir())[:3] if data.is_dir() else []
        raise BackupError(f"the data folder {data} is not empty ({', '.join(names)}…): a restore never writes over "
                          "data", fix="restore into a new folder: set STUDIO_DATA_DIR to it (or empty this one)")
    kind = manifest["database"]
    url = os.environ.get("DATABASE_URL")
    if (kind == "postgresql") != bool(url):
        raise BackupError(f"the backup holds a {kind} database, and DATABASE_URL is "
                          + ("set" if url else "not set"),
                          fix="set DATABASE_URL to an empty PostgreSQL database" if kind == "postgresql"
                          else "unset DATABASE_URL: this backup restores into SQLite in the data folder")
    corpus_files = {rel[len("corpus/"):]: meta for rel, meta in manifest["files"].items() if rel.startswith("corpus/")}
    corpus_dir = None if skip_corpus else Path(corpus_to or settings.corpus_dir)
    corpus_same = corpus_dir is not None and _corpus_matches(corpus_dir, corpus_files)
    if corpus_dir is not None and not corpus_same and corpus_dir.exists() and any(corpus_dir.iterdir()):
        raise BackupError(f"the corpus folder {corpus_dir} holds other files than the backup's corpus",
                          fix="give --corpus-to NEW_FOLDER (then point STUDIO_CORPUS_DIR at it), or --skip-corpus "
                              "to keep this corpus")
    if kind == "postgresql":
        from pipeline.store.backup_pg import check_empty
        check_empty(database_url(data))
    need = sum(m["bytes"] for rel, m in manifest["files"].items() if rel != AUDIT_FILE)
    _check_space(data, need, "the restore")

    created_data = not data.exists()
    stage = data.parent / f".{data.name}.restoring-{os.getpid()}"
    corpus_stage = None
    if corpus_dir is not None and not corpus_same:
        corpus_stage = corpus_dir.parent / f".{corpus_dir.name}.restoring-{os.getpid()}"
    try:
        stage.mkdir(parents=True)
        for rel, meta in manifest["files"].items():
            if rel.startswith("photos/"):
                _copy_checked(folder / rel, stage / rel, meta)
            elif rel == DB_SQLITE:
                _copy_checked(folder / rel, stage / "studio.sqlite", meta)
            elif rel.startswith("corpus/") and corpus_stage is not None:
                _copy_checked(folder / rel, corpus_stage / rel[len("corpus/"):], meta)
        if kind == "postgresql":
            from pipeline.store.backup_pg import load
            load(database_url(data), folder / DB_PG)
        data.mkdir(parents=True, exist_ok=True)
        for p in sorted(stage.iterdir()):
            os.replace(p, data / p.name)
        stage.rmdir()
        if corpus_stage is not None:
            if corpus_dir.exists():
                corpus_dir.rmdir()  # empty (checked above)
            os.replace(corpus_stage, corpus_dir)
    except (OSError, sqlite3.OperationalError) as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if corpus_stage is not None:
            shutil.rmtree(corpus_stage, ignore_errors=True)
        if created_data:
            shutil.rmtree(data, ignore_errors=True)
        raise _write_error(exc, data, need, "nothing was restored")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if corpus_stage is not None:
            shutil.rmtree(corpus_stage, ignore_errors=True)
        raise

    store = DraftStore.for_data_dir(data)
    rep, head = store.verify_audit(), store.audit_head()
    want = manifest["audit"]
    if (head["entries"], head["last_hash"]) != (want["entries"], want["last_hash"]):
        raise BackupError(f"the restored audit log ends at entry #{head['last_id']} ({head['entries']} entries), "
                          f"the backup's at #{want['last_id']} ({want['entries']})", fix=_DAMAGED)
    counts = {"drafts": len(store.list()), "users": store.count_users(), "audit": rep.entries}
    audit = {**head, "chain_ok": rep.ok, "findings": [f.problem for f in rep.findings[:20]]}
    return RestoreReport(folder, data, kind, corpus_dir, corpus_same, counts, audit)


def _copy_checked(src: Path, dst: Path, meta: dict) -> None:
    got = _copy_file(src, dst)
    if got["sha256"] != meta["sha256"]:
        raise BackupError(f"{src} changed while it was restored", fix=_DAMAGED)


def _corpus_matches(corpus_dir: Path, files: dict) -> bool:
    """Whether `corpus_dir` holds exactly the backup's corpus files."""
    if not corpus_dir.is_dir():
        return False
    here = {p.relative_to(corpus_dir).as_posix(): p for p in _walk(corpus_dir)}
    return set(here) == set(files) and all(_hash_file(p)["sha256"] == files[rel]["sha256"] for rel, p in here.items())
