"""The drafts database: migrations recorded and idempotent, versions, superseding, JSON round-trip."""
from __future__ import annotations

import sqlite3

import pytest

from pipeline.errors import StoreError
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.store.schema import MIGRATIONS


def record(page="site-x", lang="fr", text="Texte [MAR-001]."):
    return DraftRecord(page_id=page, lang=lang, title="T", text=text, facts=[{"id": "MAR-001", "content_hash": "ab"}],
                       prompt_name="page", prompt_hash="ph", backend="fake", model="m", params={"t": 0},
                       tokens_in=10, tokens_out=5, tokens_estimated=16, cost_estimate=0.0, timings={"total_s": 1.0},
                       check_report={"ok": True, "flagged": []})


def test_migrations_are_recorded_once(tmp_path):
    DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    rows = sqlite3.connect(tmp_path / "db.sqlite").execute("SELECT version FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == [v for v, _, _ in MIGRATIONS]


def test_an_old_database_is_upgraded(tmp_path):
    from sqlalchemy import create_engine

    from pipeline.store import schema
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    saved = list(schema.MIGRATIONS)
    try:
        schema.MIGRATIONS[:] = saved[:1]          # a database made by the first release
        assert schema.migrate(engine) == [1]
        schema.MIGRATIONS[:] = saved              # the code moves on
        assert schema.migrate(engine) == [v for v, _, _ in saved[1:]]
    finally:
        schema.MIGRATIONS[:] = saved


def test_versions_increase_and_open_drafts_are_superseded(tmp_path):
    st = DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    a = st.add(record())
    b = st.add(record(text="Autre texte [MAR-001]."))
    other_lang = st.add(record(lang="en"))
    assert (a.version, b.version, other_lang.version) == (1, 2, 1)
    assert st.get(a.id).status == "superseded" and st.get(b.id).status == "draft"
    got = st.get(b.id)
    assert got.text == "Autre texte [MAR-001]." and got.facts == [{"id": "MAR-001", "content_hash": "ab"}]
    assert got.check_report == {"ok": True, "flagged": []} and got.text_hash == b.text_hash
    assert {r.id for r in st.list(status="draft")} == {b.id, other_lang.id}


def test_unreachable_database_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:9/none")
    with pytest.raises(StoreError) as exc:
        DraftStore.for_data_dir(tmp_path)
    assert "127.0.0.1:9/none" in exc.value.message and "secret" not in exc.value.message
    assert "DATABASE_URL" in exc.value.fix
