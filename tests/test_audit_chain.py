"""The audit log's hash chain: every entry hashes the one before; `audit verify` finds a changed, removed or moved
entry (and a removed tail) and names it; the migration chains a log written before the chain; writers in several
processes at once never fork it. Tampering is done the way an intruder with the database file would: triggers
dropped, rows rewritten with plain SQL."""
from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import tarfile

import pytest
from sqlalchemy import text

from pipeline.identity import audit_entry_hash
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import REPO
from tests.test_store import record

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path):
    st = DraftStore(f"sqlite:///{tmp_path / 'studio.sqlite'}")
    desk = ReviewDesk(st)
    desk.add_user("anne", "approver", PASSWORD)
    desk.add_user("eddy", "editor", PASSWORD)
    eddy = desk.sign_in("eddy", PASSWORD)
    d = st.add(record())
    desk.comment(eddy, d.id, "à relire")
    for i in range(3):
        desk.record_action("eddy", "regenerate_start", {"run": i})
    return st


def tamper(st: DraftStore, *sql: str) -> None:
    with st.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_no_delete"))
        for s in sql:
            conn.execute(text(s))


def problems(st: DraftStore) -> list[tuple[int, str]]:
    return [(f.entry_id, f.problem) for f in st.verify_audit().findings]


def test_a_whole_log_verifies_and_each_entry_hashes_the_one_before(store):
    rep = store.verify_audit()
    assert rep.ok and rep.entries == 7 and (rep.first_id, rep.last_id) == (1, 7)
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT prev_hash, entry_hash FROM audit ORDER BY id")).all()
    assert rows[0][0] == "" and all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))
    assert store.audit_head() == {"entries": 7, "last_id": 7, "last_hash": rows[-1][1]}


def test_a_changed_entry_is_named(store):
    tamper(store, "UPDATE audit SET actor = 'mallory' WHERE id = 4")
    found = problems(store)
    assert [i for i, _ in found] == [4] and "entry #4 was changed" in found[0][1] and "mallory" in found[0][1]


def test_a_changed_detail_is_found_too(store):
    tamper(store, "UPDATE audit SET detail = '{\"run\": 9}' WHERE id = 6")
    assert [i for i, _ in problems(store)] == [6]


def test_a_changed_entry_re_hashed_shows_at_the_next_one(store):
    from pipeline.store.schema import audit
    with store.engine.connect() as conn:
        row = dict(conn.execute(audit.select().where(audit.c.id == 3)).mappings().one())
    forged = audit_entry_hash(row["prev_hash"], {**row, "actor": "mallory"})
    tamper(store, f"UPDATE audit SET actor = 'mallory', entry_hash = '{forged}' WHERE id = 3")
    found = problems(store)
    assert [i for i, _ in found] == [4] and "does not follow entry #3" in found[0][1]


def test_a_removed_entry_is_named_by_its_neighbours(store):
    tamper(store, "DELETE FROM audit WHERE id = 3")
    found = problems(store)
    assert [i for i, _ in found] == [4] and "between them was removed" in found[0][1] and "#2" in found[0][1]


def test_the_first_entry_removed_is_found(store):
    tamper(store, "DELETE FROM audit WHERE id = 1")
    assert [i for i, _ in problems(store)] == [2]


def test_the_last_entries_removed_are_found_against_the_head(store):
    tamper(store, "DELETE FROM audit WHERE id >= 6")
    found = problems(store)
    assert [i for i, _ in found] == [7] and "the last entries were removed" in found[0][1]


def test_re_ordered_entries_are_found(store):
    cols = "ts, actor, action, draft_id, page_id, lang, version, text_hash, detail, prev_hash, entry_hash"
    sets = ", ".join(f"{c} = (SELECT {c} FROM audit_copy WHERE audit_copy.id = ID)" for c in cols.split(", "))
    tamper(store, f"CREATE TEMP TABLE audit_copy AS SELECT id, {cols} FROM audit",
           f"UPDATE audit SET {sets.replace('ID', '6')} WHERE id = 5",
           f"UPDATE audit SET {sets.replace('ID', '5')} WHERE id = 6")
    found = problems(store)
    assert {i for i, _ in found} == {5, 6, 7} and all("re-ordered" in p for _, p in found)  # 7 follows 6's


def test_a_new_entry_after_tampering_does_not_hide_it(store):
    tamper(store, "DELETE FROM audit WHERE id = 7")
    ReviewDesk(store).record_action("eddy", "regenerate_start", {"run": 4})  # the next entry chains on the head, not on #6
    assert problems(store) and "removed" in problems(store)[0][1]


def _append_many(url: str, who: str, n: int) -> None:
    desk = ReviewDesk(DraftStore(url))
    for i in range(n):
        desk.record_action(who, "regenerate_start", {"i": i})


def test_writers_in_several_processes_never_fork_the_chain(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.sqlite'}"
    DraftStore(url)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(url, f"w{k}", 40)) for k in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    rep = DraftStore(url).verify_audit()
    assert rep.ok and rep.entries == 120


def test_the_migration_chains_a_log_written_before_the_chain(tmp_path):
    """The pre-move archive's database stopped at migration 4 with eight audit entries: opening it chains them."""
    with tarfile.open(REPO / "tests" / "fixtures" / "pre_move_data.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    db = tmp_path / "data" / "studio.sqlite"
    before = sqlite3.connect(db).execute("SELECT id, actor, action FROM audit ORDER BY id").fetchall()
    st = DraftStore(f"sqlite:///{db}")
    rep = st.verify_audit()
    assert rep.ok and rep.entries == 8
    assert sqlite3.connect(db).execute("SELECT id, actor, action FROM audit ORDER BY id").fetchall() == before
    with pytest.raises(Exception, match="append-only"):  # the triggers are back after the back-fill
        with st.engine.begin() as conn:
            conn.execute(text("UPDATE audit SET actor = 'x' WHERE id = 1"))
    tamper(st, "UPDATE audit SET action = 'reject' WHERE id = 5")
    assert [i for i, _ in problems(st)] == [5]


def test_audit_verify_on_the_command_line(store, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(tmp_path / "studio.sqlite") as src, sqlite3.connect(data / "studio.sqlite") as dst:
        src.backup(dst)
    env = {"STUDIO_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run():
        return subprocess.run([sys.executable, "-m", "pipeline", "audit", "verify"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
    p = run()
    assert p.returncode == 0 and "7 entries" in p.stdout
    moved = DraftStore(f"sqlite:///{data / 'studio.sqlite'}")
    tamper(moved, "UPDATE audit SET actor = 'mallory' WHERE id = 2")
    p = run()
    assert p.returncode == 10 and "entry #2 was changed" in p.stdout and "fix:" in p.stderr


def test_a_chain_recomputed_after_a_change_is_caught_against_a_backup(tmp_path):
    """verify alone cannot see a change whose whole chain was recomputed; the backup's head of the day can."""
    from pipeline.config import Settings
    from pipeline.store.audit_chain import backfill
    from pipeline.store.backup import backup
    s = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "brand.md").write_text("Voix.")
    st = DraftStore.for_data_dir(s.data_dir)
    desk = ReviewDesk(st)
    for i in range(4):
        desk.record_action("eddy", "regenerate_start", {"run": i})
    backup(s, tmp_path / "bk")
    desk.record_action("eddy", "regenerate_start", {"run": 4})  # the log goes on after the backup
    env = {"STUDIO_DATA_DIR": str(s.data_dir), "STUDIO_CORPUS_DIR": str(s.corpus_dir), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pipeline", "audit", "verify", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
    p = run("--against", str(tmp_path / "bk"))
    assert p.returncode == 0 and "intact (entry #4, 4 entries)" in p.stdout
    tamper(st, "UPDATE audit SET actor = 'mallory' WHERE id = 2", "DELETE FROM audit_head")
    with st.engine.begin() as conn:
        backfill(conn)  # the whole chain and its head recomputed: the forger's move
    assert st.verify_audit().ok and run().returncode == 0
    p = run("--against", str(tmp_path / "bk"))
    assert p.returncode == 10 and "entry #4 hashes" in p.stdout and "rewritten" in p.stdout


@pytest.mark.integration
def test_the_audit_screen_says_whether_the_chain_is_whole(indexed, people, monkeypatch):
    from tests.conftest import open_page, start
    at = open_page(start(indexed, monkeypatch, people["admin"]), "Journal d'audit")
    assert any("Journal intact" in s.value for s in at.success) and not at.exception
    cols = list(at.dataframe[0].value.columns)
    assert "empreinte de l'entrée" in cols and "entry_hash" not in cols
    st = DraftStore.for_data_dir(indexed.data_dir)
    tamper(st, "UPDATE audit SET actor = 'mallory' WHERE id = 2")
    at = open_page(start(indexed, monkeypatch, people["admin"]), "Journal d'audit")
    assert any("Journal altéré" in e.value and "n° 2" in e.value for e in at.error) and not at.success
