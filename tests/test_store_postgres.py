"""The drafts store on a real PostgreSQL server (Debian's package), started by the test on 127.0.0.1."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess

import pytest

from pipeline.store.database import DraftStore
from pipeline.store.schema import MIGRATIONS
from tests.test_store import record

pytestmark = pytest.mark.integration


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL is not installed: .ci/run installs it (apt-get install postgresql)")
    return found[-1]


@pytest.fixture(scope="module")
def postgres_url():
    import tempfile
    from pathlib import Path
    root = Path(tempfile.mkdtemp(prefix="studio-pg-"))  # under /tmp: the postgres user must reach it
    data = root / "data"
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(root, "postgres")
    subprocess.run(as_pg + [_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], check=True,
                   capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(as_pg + [_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                            f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"], check=True,
                   capture_output=True, timeout=60)
    yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    subprocess.run(as_pg + [_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, timeout=60)
    shutil.rmtree(root, ignore_errors=True)


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
