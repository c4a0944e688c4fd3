"""backup DIR / restore DIR on SQLite: everything back (drafts, users, the audit log with its chain, the photo
originals, the corpus); refused with the item named — a folder that is not empty, a backup whose manifest does not
match its files, a corpus folder holding other files — and a full disk said as such, the data left as it was."""
from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import BackupError
from pipeline.review.desk import ReviewDesk
from pipeline.store import backup as backup_mod
from pipeline.store.backup import backup
from pipeline.store.database import DraftStore
from pipeline.store.restore import restore
from tests.conftest import REPO
from tests.test_store import record

PASSWORD = "correct horse battery"
ACTIONS = ["user_add", "sign_in", "approve"]


def tree(root: Path) -> dict[str, str]:
    """Every file under root with its sha256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def data_state(settings: Settings) -> tuple:
    """The data folder's files other than the database's own (SQLite rewrites those at any checkpoint), the
    database's rows, and the corpus."""
    files = {k: v for k, v in tree(settings.data_dir).items() if not k.startswith("studio.sqlite")}
    return files, db_rows(DraftStore.for_data_dir(settings.data_dir)), tree(settings.corpus_dir)


def db_rows(store: DraftStore) -> tuple[list, list]:
    drafts = [(d.id, d.page_id, d.lang, d.version, d.status, d.text) for d in store.list()]
    audit = sorted((r["id"], r["actor"], r["action"], r["entry_hash"]) for r in store.audit_log(10_000))
    return drafts, audit


@pytest.fixture
def studio(tmp_path, monkeypatch):
    """A data folder with drafts, users, an approval, photo originals (and renditions), and a corpus copy."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    store = DraftStore.for_data_dir(data)
    desk = ReviewDesk(store, recheck=lambda t, lang: {"flagged": [], "sentences": []})
    desk.add_user("anne", "approver", PASSWORD)
    anne = desk.sign_in("anne", PASSWORD)
    for i in range(12):
        store.add(record(page=f"page-{i % 4}", text=f"Texte {i} [MAR-001]."))
    last = store.list(page_id="page-1")[-1]
    desk.approve(anne, last.id, last.version)
    originals = data / "photos" / "originals"
    originals.mkdir(parents=True)
    for k in range(3):
        body = os.urandom(2000 + k)
        (originals / f"{hashlib.sha256(body).hexdigest()}.jpg").write_bytes(body)
    (data / "photos" / "renditions").mkdir()
    (data / "photos" / "renditions" / "x-400.webp").write_bytes(b"derived")
    return Settings(corpus_dir=corpus, data_dir=data)


def test_backup_then_restore_brings_everything_back(studio, tmp_path):
    before = db_rows(DraftStore.for_data_dir(studio.data_dir))
    rep = backup(studio, tmp_path / "bk")
    assert rep.counts == {"drafts": 12, "users": 1, "audit": 3} and rep.audit["chain_ok"]
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert "database/studio.sqlite" in manifest["files"] and "audit.jsonl" in manifest["files"]
    assert sum(k.startswith("photos/originals/") for k in manifest["files"]) == 3
    assert not any("renditions" in k for k in manifest["files"])
    audit_lines = (tmp_path / "bk" / "audit.jsonl").read_text().splitlines()
    assert [json.loads(x)["action"] for x in audit_lines] == ACTIONS
    assert all(json.loads(x)["entry_hash"] for x in audit_lines)

    target = studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "new-corpus")
    got = restore(target, tmp_path / "bk")
    assert got.counts == {"drafts": 12, "users": 1, "audit": 3} and got.audit["chain_ok"]
    restored = DraftStore.for_data_dir(target.data_dir)
    assert db_rows(restored) == before and restored.verify_audit().ok
    assert tree(target.corpus_dir) == tree(studio.corpus_dir)
    assert tree(target.data_dir / "photos" / "originals") == tree(studio.data_dir / "photos" / "originals")
    assert not (target.data_dir / "photos" / "renditions").exists()
    assert ReviewDesk(restored).sign_in("anne", PASSWORD).role == "approver"
    assert [p.name for p in tmp_path.iterdir() if ".restoring-" in p.name] == []


def test_backup_refuses_a_folder_that_is_not_empty(studio, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old.txt").write_text("x")
    with pytest.raises(BackupError, match="not an empty folder"):
        backup(studio, tmp_path / "bk")
    assert [p.name for p in (tmp_path / "bk").iterdir()] == ["old.txt"]


def test_restore_refuses_a_data_folder_that_is_not_empty(studio, tmp_path):
    backup(studio, tmp_path / "bk")
    before = data_state(studio)
    with pytest.raises(BackupError, match=r"data folder .* is not empty \(photos, studio.sqlite"):
        restore(studio, tmp_path / "bk")
    assert data_state(studio) == before


@pytest.mark.parametrize("damage, named", [
    (lambda bk: (bk / "corpus" / "brand.md").write_text("changed"), "corpus/brand.md does not match"),
    (lambda bk: (bk / "audit.jsonl").unlink(), "audit.jsonl is listed in its manifest but missing"),
    (lambda bk: (bk / "corpus" / "facts" / "extra.yaml").write_text("- id: X"), "corpus/facts/extra.yaml, which "
                                                                                 "its manifest does not list"),
    (lambda bk: (bk / "manifest.json").unlink(), "holds no manifest.json"),
])
def test_a_backup_that_does_not_match_its_manifest_is_refused_naming_the_file(studio, tmp_path, damage, named):
    backup(studio, tmp_path / "bk")
    damage(tmp_path / "bk")
    target = studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "new-corpus")
    with pytest.raises(BackupError, match=named):
        restore(target, tmp_path / "bk")
    assert not target.data_dir.exists() and not target.corpus_dir.exists()


def test_a_changed_database_file_is_refused(studio, tmp_path):
    backup(studio, tmp_path / "bk")
    db = tmp_path / "bk" / "database" / "studio.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET actor = 'mallory' WHERE id = 2")
    with pytest.raises(BackupError, match="database/studio.sqlite does not match its manifest"):
        restore(studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "nc"), tmp_path / "bk")


def test_a_corpus_folder_holding_other_files_is_refused_unless_skipped(studio, tmp_path):
    backup(studio, tmp_path / "bk")
    (studio.corpus_dir / "brand.md").write_text("changed since the backup")
    target = studio.with_(data_dir=tmp_path / "new-data")
    with pytest.raises(BackupError, match="holds other files than the backup's corpus") as exc:
        restore(target, tmp_path / "bk")
    assert "--corpus-to" in exc.value.fix and not target.data_dir.exists()
    got = restore(target, tmp_path / "bk", skip_corpus=True)
    assert got.corpus_dir is None and (studio.corpus_dir / "brand.md").read_text() == "changed since the backup"
    assert got.counts["drafts"] == 12


def test_the_same_corpus_is_left_as_it_is(studio, tmp_path):
    backup(studio, tmp_path / "bk")
    got = restore(studio.with_(data_dir=tmp_path / "new-data"), tmp_path / "bk")
    assert got.corpus_same and got.corpus_dir == studio.corpus_dir


def _full_after(n: int):
    """A _copy_file that writes half of its n-th file, then finds the disk full."""
    real, calls = backup_mod._copy_file, {"n": 0}

    def copy(src, dst):
        calls["n"] += 1
        if calls["n"] >= n:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(Path(src).read_bytes()[:10])
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst)
    return copy


def test_a_full_disk_during_a_backup_is_said_and_nothing_is_left(studio, tmp_path, monkeypatch):
    before = data_state(studio)
    monkeypatch.setattr(backup_mod, "_copy_file", _full_after(5))
    with pytest.raises(BackupError, match=r"the disk holding .*bk is full") as exc:
        backup(studio, tmp_path / "bk")
    assert "left as it was" in exc.value.message and "free some space" in exc.value.fix
    assert not (tmp_path / "bk").exists()
    assert data_state(studio) == before


def test_a_full_disk_during_a_restore_leaves_the_folders_as_they_were(studio, tmp_path, monkeypatch):
    backup(studio, tmp_path / "bk")
    import pipeline.store.restore as restore_mod
    monkeypatch.setattr(restore_mod, "_copy_file", _full_after(4))
    target = studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "new-corpus")
    with pytest.raises(BackupError, match="is full"):
        restore(target, tmp_path / "bk")
    assert not target.data_dir.exists() and not target.corpus_dir.exists()
    assert [p.name for p in tmp_path.iterdir() if "restoring" in p.name] == []


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (root only); skipped where it cannot be mounted (the monkeypatched tests above still run)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("a tmpfs can only be mounted as root")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_real_small_disk_refuses_the_backup_before_writing(studio, small_disk):
    big = studio.corpus_dir / "big.bin"
    big.write_bytes(os.urandom(2_000_000))
    with pytest.raises(BackupError, match="not enough room for the backup") as exc:
        backup(studio, small_disk / "bk")
    assert "nothing was written" in exc.value.message and list(small_disk.iterdir()) == []


def test_a_real_disk_filling_up_mid_backup_is_said(studio, small_disk, monkeypatch):
    """The space check passes (it is told the disk is big); the writes then really hit ENOSPC on the tmpfs."""
    (studio.corpus_dir / "big.bin").write_bytes(os.urandom(2_000_000))
    monkeypatch.setattr(backup_mod, "_check_space", lambda *a: None)
    with pytest.raises(BackupError, match="is full"):
        backup(studio, small_disk / "bk")
    assert list(small_disk.iterdir()) == []


def _writer(data_dir: str, stop_at: float) -> None:
    store = DraftStore.for_data_dir(Path(data_dir))
    desk = ReviewDesk(store)
    i = 0
    while time.time() < stop_at:
        store.add(record(page=f"w-{i % 50}", text=f"Écrit pendant la sauvegarde {i} [MAR-001]."))
        desk.record_action("writer", "regenerate_item", {"i": i})
        i += 1


def test_a_backup_taken_while_a_writer_adds_drafts_is_consistent(studio, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=_writer, args=(str(studio.data_dir), time.time() + 60))
    p.start()
    live = DraftStore.for_data_dir(studio.data_dir)
    deadline = time.time() + 50
    while len(live.list()) < 30 and time.time() < deadline:  # the writer is going (its start is slow under load)
        time.sleep(0.2)
    rep = backup(studio, tmp_path / "bk")
    time.sleep(0.5)
    p.terminate()  # mid-write: what a killed regeneration leaves, committed transactions only
    p.join(60)
    target = studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "new-corpus")
    got = restore(target, tmp_path / "bk")
    assert got.audit["chain_ok"] and got.counts == rep.counts and rep.counts["drafts"] > 12
    assert len(live.list()) > rep.counts["drafts"]  # the writer went on after the snapshot
    assert live.verify_audit().ok


def test_the_command_line(studio, tmp_path):
    env = {"STUDIO_DATA_DIR": str(studio.data_dir), "STUDIO_CORPUS_DIR": str(studio.corpus_dir),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args, **extra):
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env={**env, **extra},
                              capture_output=True, text=True, timeout=300)
    p = run("backup", str(tmp_path / "bk"))
    assert p.returncode == 0 and "12 drafts" in p.stdout and "audit chain whole" in p.stdout
    p = run("restore", str(tmp_path / "bk"))
    assert p.returncode == 9 and "is not empty" in p.stderr and "fix:" in p.stderr
    p = run("restore", str(tmp_path / "bk"), "--json", STUDIO_DATA_DIR=str(tmp_path / "d2"),
            STUDIO_CORPUS_DIR=str(tmp_path / "c2"))
    assert p.returncode == 0 and json.loads(p.stdout)["counts"]["drafts"] == 12
    p = run("audit", "verify", STUDIO_DATA_DIR=str(tmp_path / "d2"))
    assert p.returncode == 0 and "3 entries" in p.stdout


def test_a_backup_made_by_a_newer_studio_is_refused(studio, tmp_path):
    backup(studio, tmp_path / "bk")
    path = tmp_path / "bk" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["schema_version"] += 1
    path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="made by a newer studio") as exc:
        restore(studio.with_(data_dir=tmp_path / "new-data", corpus_dir=tmp_path / "nc"), tmp_path / "bk")
    assert "update the studio" in exc.value.fix and not (tmp_path / "new-data").exists()
