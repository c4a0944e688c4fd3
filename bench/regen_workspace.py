"""The bench's workspaces: a private copy of corpus/ and a data folder, the CLI run in it as a user runs it, and
read-only looks into its drafts database (bench_regenerate.py and regen_kill.py use them)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the pipeline package, for the in-process measures

TODAY = "2026-11-29"
PY = str(REPO / ".venv/bin/python")
LLM_VARS = ("STUDIO_LLM_BACKEND", "STUDIO_LLM_BASE_URL", "STUDIO_LLM_MODEL", "OPENAI_API_KEY", "DATABASE_URL")


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@dataclass
class Cli:
    rc: int
    out: str
    err: str
    wall: float

    @property
    def json(self):
        """The last JSON object printed on stdout (the --json output)."""
        text = self.out.strip()
        starts = [m.start() for m in re.finditer(r"^\{", text, re.M)]
        for st in reversed(starts):
            try:
                return json.loads(text[st:])
            except json.JSONDecodeError:
                continue
        raise RuntimeError(f"no JSON on stdout (rc {self.rc}): {self.err[-800:]}")


class Workspace:
    """A copy of the corpus and a data folder, with the environment the CLI reads."""

    def __init__(self, root: Path, llm_url: str | None) -> None:
        self.root, self.llm_url = root, llm_url
        self.corpus, self.data = root / "corpus", root / "data"

    @property
    def db_path(self) -> Path:
        return self.data / "studio.sqlite"

    def env(self, embedded: bool = False) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in LLM_VARS}
        env.update(STUDIO_CORPUS_DIR=str(self.corpus), STUDIO_DATA_DIR=str(self.data), STUDIO_TODAY=TODAY)
        if not embedded:
            env.update(STUDIO_LLM_BACKEND="openai-compatible", STUDIO_LLM_BASE_URL=self.llm_url,
                       STUDIO_LLM_MODEL="fake-model")
        return env

    def cli(self, *args: str, embedded: bool = False, timeout: float = 1800) -> Cli:
        t0 = time.perf_counter()
        p = subprocess.run([PY, "-m", "pipeline", *args], cwd=REPO, env=self.env(embedded), capture_output=True,
                           text=True, timeout=timeout)
        return Cli(p.returncode, p.stdout, p.stderr, time.perf_counter() - t0)

    def spawn(self, *args: str) -> subprocess.Popen:
        log = open(self.root / f"run-{time.time_ns()}.log", "w")
        return subprocess.Popen([PY, "-m", "pipeline", *args], cwd=REPO, env=self.env(), stdout=log, stderr=log)

    def clone(self, name: str) -> "Workspace":
        """A copy with the same corpus and index and an empty drafts database."""
        dst = Workspace(self.root.parent / name, self.llm_url)
        shutil.copytree(self.corpus, dst.corpus)
        shutil.copytree(self.data, dst.data, ignore=shutil.ignore_patterns("studio.sqlite*", "regenerate.lock"))
        return dst

    @contextmanager
    def db(self):
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def scalar(self, sql: str, *params):
        with self.db() as c:
            return c.execute(sql, params).fetchone()[0]

    def rows(self, sql: str, *params) -> list[sqlite3.Row]:
        with self.db() as c:
            return c.execute(sql, params).fetchall()

    @contextmanager
    def environ(self, embedded: bool = False):
        """This workspace's environment in this process (for the in-process measures)."""
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env(embedded))
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draftable_pages(ws: Workspace, n: int) -> list[str]:
    """The first n catalogue pages that have current facts (social-sante-1/3 cannot be drafted: see issue 5)."""
    if not _PAGES:
        _PAGES.extend(line.split()[0] for line in ws.cli("pages").out.splitlines() if line.strip())
    return [p for p in _PAGES if p not in ("social-sante-1", "social-sante-3")][:n]


_PAGES: list[str] = []



def newest_drafts(ws: Workspace) -> list[sqlite3.Row]:
    return ws.rows("SELECT d.* FROM drafts d JOIN (SELECT page_id, lang, MAX(version) v FROM drafts "
                   "GROUP BY page_id, lang) n ON d.page_id = n.page_id AND d.lang = n.lang AND d.version = n.v")
