"""The same index through a real Chroma server (`chroma run` on 127.0.0.1), and a dead server."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.errors import IndexUnavailableError
from pipeline.index.chroma import open_index
from pipeline.index.ingest import ingest
from pipeline.retrieve.retriever import Retriever
from pipeline.types import FactFilter
from tests.conftest import edit_fact, free_port, stop_server, wait_serving

pytestmark = pytest.mark.integration


@pytest.fixture
def chroma_server(tmp_path):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening() -> bool:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    wait_serving(proc, listening, "chroma run", 60)
    yield port
    stop_server(proc)


def test_ingest_and_retrieve_through_a_chroma_server(settings, fake_embedder, corpus_dir, chroma_server):
    remote = settings.with_(chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert len(ingest(remote, fake_embedder).added) == 278
    assert not ingest(remote, fake_embedder).changed
    edit_fact(corpus_dir, "SPO-007", "67 394 places", "67 400 places")
    assert ingest(remote, fake_embedder).updated == ["SPO-007"]
    assert not (settings.data_dir / "chroma").exists()  # nothing written to the embedded folder
    with open_index(remote, fake_embedder) as idx:
        r = Retriever.for_settings(idx, fake_embedder, remote)
        hits = r.search("capacité du Stade Vélodrome places", k=5, flt=FactFilter(filiere="sport"))
        assert hits and all(h.fact.filiere == "sport" for h in hits)
        assert "67 400 places" in r.fact("SPO-007").statement_fr


def test_a_dead_server_gives_a_clear_error_and_no_hang(settings, fake_embedder):
    remote = settings.with_(chroma_host="127.0.0.1", chroma_port=free_port())
    t0 = time.monotonic()
    with pytest.raises(IndexUnavailableError) as exc:
        ingest(remote, fake_embedder)
    assert time.monotonic() - t0 < 30
    assert f"127.0.0.1:{remote.chroma_port}" in exc.value.message
    assert "chroma run" in exc.value.fix and "CHROMA_HOST" in exc.value.fix


def _start_chroma(path: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(exe if exe.exists() else shutil.which("chroma")), "run", "--path", str(path),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening() -> bool:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    wait_serving(proc, listening, "chroma run", 60)
    return proc


def test_a_server_that_restarts_is_waited_for_then_said_plainly(settings, fake_embedder, tmp_path, monkeypatch):
    """A Chroma server restarting mid-run: the reader waits for it and goes on; one that stays down is said, with
    the fix, instead of a traceback."""
    import threading
    port = free_port()
    proc = _start_chroma(tmp_path / "server-data", port)
    remote = settings.with_(chroma_host="127.0.0.1", chroma_port=port)
    try:
        ingest(remote, fake_embedder)
        with open_index(remote, fake_embedder) as idx:
            vector = fake_embedder.embed_query("port de Marseille")
            assert idx.query(vector, 3)
            stop_server(proc)  # the server goes away, and comes back 3 s later on the same folder and port
            later: dict = {}
            threading.Timer(3.0, lambda: later.setdefault("proc", _start_chroma(tmp_path / "server-data", port))).start()
            monkeypatch.setenv("STUDIO_CHROMA_WAIT", "60")
            assert idx.query(vector, 3)  # waited for, then answered
            proc = later["proc"]
            stop_server(proc)
            monkeypatch.setenv("STUDIO_CHROMA_WAIT", "2")
            with pytest.raises(IndexUnavailableError) as exc:
                idx.query(vector, 3)
            assert f"127.0.0.1:{port} stopped answering" in exc.value.message and "chroma run" in exc.value.fix
    finally:
        stop_server(proc)
