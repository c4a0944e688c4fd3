"""The PostgreSQL side of backups: pg_dump from an exported snapshot, pg_restore into an empty database.

The dump and the backup's audit log and counts are read from one snapshot: a REPEATABLE READ transaction exports it
(pg_export_snapshot) and stays open while pg_dump --snapshot reads the same state, so drafts written meanwhile by a
regeneration are either in both or in neither. pg_restore runs in one transaction: a failure leaves nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.errors import BackupError


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: a PostgreSQL backup is made with {name}",
                          fix="install PostgreSQL's client programs (Debian: apt-get install postgresql-client)")
    return found


def _dsn(url: str) -> tuple[str, dict]:
    """A libpq address without the password (it goes in PGPASSWORD, not on a command line) and the environment."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict, what: str) -> None:
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        err = (p.stderr or p.stdout).strip().splitlines()
        msg = err[-1] if err else f"exit code {p.returncode}"
        if "No space left" in p.stderr or "disk full" in p.stderr.lower():
            raise OSError(28, f"{what}: {msg}")  # ENOSPC: the caller says the disk is full
        if "server version" in p.stderr and "mismatch" in p.stderr:
            raise BackupError(f"{what} refused: {msg}", fix="install the client programs of the server's "
                              "PostgreSQL version (postgresql-client-NN)")
        raise BackupError(f"{what} failed: {msg}", fix="check DATABASE_URL and that the server answers; nothing "
                          "was changed")


def dump(store, out: Path, files: dict, hash_file, write_audit) -> dict:
    """pg_dump of the drafts database into out/database/studio.pgdump, the audit log and the counts read from the
    same snapshot; returns the counts and the chain's head (backup.snapshot_facts)."""
    from pipeline.store.backup import AUDIT_FILE, DB_PG, snapshot_facts
    dsn, env = _dsn(store.url)
    target = out / DB_PG
    target.parent.mkdir(parents=True, exist_ok=True)
    with store.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "--file", str(target), dsn], env, "pg_dump")
            facts = snapshot_facts(conn)
            write_audit(conn, out / AUDIT_FILE, files)
    files[DB_PG] = hash_file(target)
    return facts


def check_empty(url: str) -> None:
    """Refuse a database that already holds tables: a restore never writes over data."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [r[0] for r in conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN "
                "('pg_catalog', 'information_schema') ORDER BY table_name LIMIT 4"))]
    except Exception as exc:  # noqa: BLE001 - any connection failure is said the same way
        raise BackupError(f"cannot reach the database of DATABASE_URL ({make_url(url).host}): "
                          f"{type(exc).__name__}", fix="check DATABASE_URL and that PostgreSQL is running")
    finally:
        engine.dispose()
    if names:
        raise BackupError(f"the database of DATABASE_URL is not empty (it holds {', '.join(names[:3])}…): a restore "
                          "never writes over data", fix="create an empty database (createdb NAME) and point "
                                                        "DATABASE_URL at it")


def load(url: str, dump_file: Path) -> None:
    """pg_restore the dump into the (empty) database, in one transaction."""
    dsn, env = _dsn(url)
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", dsn, str(dump_file)], env, "pg_restore")
