"""The drafts store on a real PostgreSQL server (Debian's package), started by the tests on 127.0.0.1 (the
postgres_server and postgres_url fixtures of tests/conftest.py)."""
from __future__ import annotations

import pytest

from pipeline.store.database import DraftStore
from pipeline.store.schema import MIGRATIONS
from tests.test_store import record

pytestmark = pytest.mark.integration


def test_drafts_on_postgres(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    st = DraftStore.for_data_dir(tmp_path)
    assert st.url.startswith("postgresql+psycopg://")
    a = st.add(record())
    b = st.add(record(text="Deuxième version [MAR-001]."))
    assert (a.version, b.version) == (1, 2) and st.get(a.id).status == "superseded"
    assert st.get(b.id).facts == [{"id": "MAR-001", "content_hash": "ab"}]
    again = DraftStore.for_data_dir(tmp_path)  # reopening applies nothing twice
    from sqlalchemy import text
    with again.engine.connect() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version FROM schema_migrations ORDER BY version"))]
    assert versions == [v for v, _, _ in MIGRATIONS]


def test_review_on_postgres_keeps_the_audit_log_append_only(postgres_url, monkeypatch, tmp_path):
    from sqlalchemy import text

    from pipeline.review.desk import ReviewDesk
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    desk = ReviewDesk(DraftStore.for_data_dir(tmp_path))
    desk.add_user("pg-approver", "approver", "correct horse battery")
    assert desk.sign_in("pg-approver", "correct horse battery").role == "approver"
    with pytest.raises(Exception, match="append-only"):
        with desk.store.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit"))
