"""The audit chain, backup and restore on a real PostgreSQL server (tests/conftest.py's postgres_server): the chain
written and verified there, a tampered row found, the migration's back-fill with the append-only trigger, a
pg_dump from one snapshot while a writer adds drafts, pg_restore into an empty database (a database that is not
empty refused)."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from pipeline.config import Settings
from pipeline.errors import BackupError
from pipeline.review.desk import ReviewDesk
from pipeline.store import schema
from pipeline.store.backup import backup
from pipeline.store.database import DraftStore
from pipeline.store.restore import restore
from tests.test_backup import db_rows
from tests.test_store import record

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


def _new_db(server) -> str:
    """Another empty database on the session's server (the fixture gives its URL, or an object with `url`)."""
    import psycopg
    base = getattr(server, "url", server)
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def test_the_chain_on_postgres_finds_a_changed_row(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = DraftStore.for_data_dir(tmp_path)
    desk = ReviewDesk(store)
    desk.add_user("anne", "approver", PASSWORD)
    for i in range(5):
        desk.record_action("anne", "regenerate_start", {"run": i, "x": 1.5})
    assert store.verify_audit().ok and store.verify_audit().entries == 6
    with pytest.raises(Exception, match="append-only"):
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE audit SET actor = 'x' WHERE id = 2"))
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
        conn.execute(text("UPDATE audit SET detail = '{\"run\": 7}' WHERE id = 3"))
    assert [f.entry_id for f in store.verify_audit().findings] == [3]


def test_the_migration_back_fills_on_postgres(postgres_url, monkeypatch, tmp_path):
    saved = list(schema.MIGRATIONS)
    url = postgres_url.replace("postgresql://", "postgresql+psycopg://")
    try:
        schema.MIGRATIONS[:] = [m for m in saved if m[0] < 6]  # the release before the chain
        schema.migrate(create_engine(url))
        with create_engine(url).begin() as conn:
            for i in range(4):
                conn.execute(text("INSERT INTO audit (ts, actor, action, detail) VALUES (now(), :a, 'old', '{}')"),
                             {"a": f"u{i}"})
    finally:
        schema.MIGRATIONS[:] = saved
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = DraftStore.for_data_dir(tmp_path)
    rep = store.verify_audit()
    assert rep.ok and rep.entries == 4
    with pytest.raises(Exception, match="append-only"):  # the trigger is enabled again
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit"))


def test_backup_while_writing_then_restore_into_an_empty_database(postgres_server, postgres_url, monkeypatch,
                                                                     tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    s = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "brand.md").write_text("Voix de marque.")
    store = DraftStore.for_data_dir(s.data_dir)
    desk = ReviewDesk(store)
    desk.add_user("anne", "approver", PASSWORD)
    for i in range(200):
        store.add(record(page=f"p-{i % 20}", text=f"Texte {i} [MAR-001]."))
    stop, done = time.time() + 20, threading.Event()

    def write():
        i = 0
        while time.time() < stop and not done.is_set():
            store.add(record(page=f"w-{i % 10}", text=f"Pendant {i} [MAR-001]."))
            desk.record_action("writer", "regenerate_item", {"i": i})
            i += 1
    t = threading.Thread(target=write)
    t.start()
    while len(store.list()) < 210 and time.time() < stop - 1:  # the writer is going
        time.sleep(0.1)
    rep = backup(s, tmp_path / "bk")
    time.sleep(0.3)  # and it goes on after the snapshot
    done.set()
    t.join()
    assert rep.database == "postgresql" and rep.audit["chain_ok"] and rep.counts["drafts"] > 200
    assert (tmp_path / "bk" / "database" / "studio.pgdump").stat().st_size > 0

    with pytest.raises(BackupError, match="database of DATABASE_URL is not empty"):
        restore(s.with_(data_dir=tmp_path / "d2", corpus_dir=tmp_path / "c2"), tmp_path / "bk")
    monkeypatch.setenv("DATABASE_URL", _new_db(postgres_server))
    target = s.with_(data_dir=tmp_path / "d2", corpus_dir=tmp_path / "c2")
    got = restore(target, tmp_path / "bk")
    assert got.counts == rep.counts and got.audit["chain_ok"]
    restored = DraftStore.for_data_dir(target.data_dir)
    drafts, audit = db_rows(restored)
    assert len(drafts) == rep.counts["drafts"] and len(audit) == rep.counts["audit"]
    live_drafts, live_audit = db_rows(store)
    live_text = {d[0]: d[5] for d in live_drafts}
    assert all(live_text[d[0]] == d[5] for d in drafts)  # every draft of the snapshot, as written
    assert set(audit) <= set(live_audit)
    ReviewDesk(restored).record_action("anne", "after_restore")  # the sequences go on after the restored ids
    assert restored.verify_audit().ok


def test_a_disk_filling_up_during_pg_dump_is_said_and_nothing_is_left(postgres_url, monkeypatch, tmp_path):
    """A 3 MB tmpfs (root only): the space check passes (the corpus is small), then pg_dump's output does not fit."""
    import base64
    import os
    import subprocess
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("a tmpfs can only be mounted as root")
    try:
        monkeypatch.setenv("DATABASE_URL", postgres_url)
        s = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
        (tmp_path / "corpus").mkdir()
        (tmp_path / "corpus" / "brand.md").write_text("Voix de marque.")
        store = DraftStore.for_data_dir(s.data_dir)
        for i in range(600):  # incompressible texts: the dump is larger than the disk
            store.add(record(page=f"p-{i}", text=base64.b64encode(os.urandom(6000)).decode() + " [MAR-001]."))
        before = db_rows(store)
        with pytest.raises(BackupError, match="is full") as exc:
            backup(s, mnt / "bk")
        assert "left as it was" in exc.value.message
        assert list(mnt.iterdir()) == [] and db_rows(store) == before
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
