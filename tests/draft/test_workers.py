"""Several regeneration workers on one run (draft/workers.py), on a real PostgreSQL and, through the CLI, the fake
OpenAI-compatible server: each item drafted by exactly one worker, a dead worker's item taken after its lease, the
summary the same as one worker's, a worker with other model settings or other inputs refused, SQLite refused."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from pipeline.cli.batch import join_run
from pipeline.config import Settings
from pipeline.draft.regenerate import Selection
from pipeline.draft.workers import Worker, summary_from_items
from pipeline.errors import RegenerationError, StoreError
from pipeline.store.claims import LostClaim
from pipeline.store.database import DraftStore
from pipeline.store.schema import drafts, regen_items
from tests.conftest import REPO, TODAY, PostgresServer
from tests.draft.test_regenerate import WriterModel, _emb
from tests.fakes.llm_server import serve

pytestmark = pytest.mark.integration
MARITIME = ["--all", "--filiere", "maritime", "--lang", "fr"]
TWO_PAGES = Selection(mode="all", pages=("site-maritime-investors", "argumentaire-maritime"), langs=("fr", "en"))


@pytest.fixture
def site(real_index_session, tmp_path) -> Settings:
    """A private copy of the session's real index and corpus, with an empty data folder besides."""
    shutil.copytree(real_index_session.corpus_dir, tmp_path / "corpus")
    shutil.copytree(real_index_session.chroma_dir, tmp_path / "data" / "chroma")
    return Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data", today_override=TODAY)


@pytest.fixture
def llm():
    server, state = serve(0, delay=0.3)
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    server.shutdown()


def cli(site: Settings, db: str, llm_url: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "STUDIO_CORPUS_DIR": str(site.corpus_dir), "STUDIO_DATA_DIR": str(site.data_dir),
           "STUDIO_TODAY": TODAY.isoformat(), "STUDIO_LLM_BACKEND": "openai-compatible",
           "STUDIO_LLM_BASE_URL": llm_url, "STUDIO_LLM_MODEL": "fake-model", "DATABASE_URL": db}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _store(url: str) -> DraftStore:
    return DraftStore(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _drafted_once(store: DraftStore, run_id: int) -> list[dict]:
    """The run's items, after checking each is done with its own draft and no item has two drafts."""
    with store.engine.connect() as conn:
        items = [dict(r) for r in conn.execute(select(regen_items).where(regen_items.c.run_id == run_id)).mappings()]
        per_item = conn.execute(select(drafts.c.page_id, drafts.c.lang, func.count()).group_by(
            drafts.c.page_id, drafts.c.lang)).all()
    assert {i["state"] for i in items} == {"done"}
    assert len({i["draft_id"] for i in items}) == len(items)
    assert all(n == 1 for _, _, n in per_item) and len(per_item) == len(items)
    return items


def test_two_workers_share_one_run_and_the_summary_is_one_workers(site, postgres_server, llm, tmp_path):
    url, _ = llm
    one_db, two_db = postgres_server.new_database(), postgres_server.new_database()
    one = cli(site, one_db, url, "regenerate", *MARITIME, "--json")
    two = cli(site, two_db, url, "regenerate", *MARITIME, "--json", "--workers", "2", "--lease", "10")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    a, b = json.loads(one.stdout), json.loads(two.stdout)
    assert b["status"] == a["status"] == "done"
    assert sorted(d["item"] for d in b["done"]) == sorted(d["item"] for d in a["done"]) and len(a["done"]) == 8
    for k in ("skipped", "failed", "not_started", "tokens", "cost"):
        assert b[k] == a[k], k
    assert len(b["by_worker"]) == 2 and sum(b["by_worker"].values()) == 8  # both drafted some
    items = _drafted_once(_store(two_db), b["run_id"])
    assert {i["claimed_by"] for i in items} == set(b["by_worker"])
    assert "2 worker(s) on this machine: this process, pid " in two.stderr


def _planned_run(site: Settings, store: DraftStore, model, workers: int = 2):
    from pipeline.wiring import regenerator_for
    regen, specs, filieres = regenerator_for(site, store, model=model, embedder=_emb())
    batch = regen.prepare(specs, filieres, TWO_PAGES)
    run_id = regen._start(batch, batch.to_draft, [], None, workers=workers)
    return regen, batch, run_id


def test_a_dead_workers_item_is_taken_after_its_lease_and_its_late_draft_refused(site, postgres_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = DraftStore.for_data_dir(site.data_dir)
    regen, batch, run_id = _planned_run(site, store, WriterModel())
    keys = [i.key for i in batch.to_draft]
    dead = store.claim(run_id, "dead:1", keys, lease_s=1.5)  # a worker that claimed an item, then was killed
    assert store.claim(run_id, "other:3", [dead["inputs_key"]], lease_s=5) is None  # not free while leased
    report = Worker(regen, run_id, batch.to_draft, name="alive:2", lease_s=1.5).work()
    assert report.done == len(batch.to_draft) == 4 and report.lost == 0
    items = _drafted_once(store, run_id)
    assert {i["claimed_by"] for i in items} == {"alive:2"}
    assert {i["id"]: i["claims"] for i in items}[dead["id"]] == 2  # taken twice: by the dead worker, then again
    # the dead worker was only slow: its draft comes now, and is refused without storing anything
    late, _ = regen.draft_item(next(i for i in batch.to_draft if i.key == dead["inputs_key"]))
    before = len(store.list())
    with pytest.raises(LostClaim, match="no longer claimed by dead:1"):
        store.add_claimed_draft(late, run_id, dead["id"], "dead:1", tokens=1, cost=0.0, started=time.perf_counter())
    assert len(store.list()) == before
    s = summary_from_items(store, run_id, "done", 1.0)
    assert len(s.done) == 4 and s.by_worker == {"alive:2": 4}


def test_a_run_interrupted_by_the_next_regenerate_takes_no_more_drafts(site, postgres_url, monkeypatch):
    """The run's process was killed and the next `regenerate` marked its run interrupted (to resume it): a worker
    still drafting for it stores nothing more, and claims nothing, so the resuming run's plan stays true."""
    from pipeline.store.claims import RunStopped
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = DraftStore.for_data_dir(site.data_dir)
    regen, batch, run_id = _planned_run(site, store, WriterModel())
    keys = [i.key for i in batch.to_draft]
    got = store.claim(run_id, "w:1", keys, lease_s=60)
    rec, _ = regen.draft_item(next(i for i in batch.to_draft if i.key == got["inputs_key"]))
    store.interrupt_running_runs()
    with pytest.raises(RunStopped, match=rf"run #{run_id} is interrupted"):
        store.add_claimed_draft(rec, run_id, got["id"], "w:1", tokens=1, cost=0.0, started=time.perf_counter())
    with pytest.raises(RunStopped):
        store.claim(run_id, "w:1", keys, lease_s=60)
    assert store.list() == [] and store.count_open(run_id) == 4
    assert Worker(regen, run_id, batch.to_draft, name="w:2").work().done == 0  # it leaves at once


def test_a_worker_with_other_model_settings_or_inputs_is_refused(site, postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = DraftStore.for_data_dir(site.data_dir)
    with pytest.raises(RegenerationError, match="no regeneration is running"):
        join_run(site, store, model=WriterModel())
    regen, batch, run_id = _planned_run(site, store, WriterModel())
    other = WriterModel()
    other.settings = type(other.settings)(backend="fake", model="writer-2")
    with pytest.raises(RegenerationError, match=r"model settings differ from run #\d+'s \(model 'writer-2' here, "
                                                r"'writer-1' in the run\)") as exc:
        join_run(site, store, model=other)
    assert "STUDIO_LLM_MODEL=writer-1" in exc.value.fix
    # same model, but another brand voice on this machine: every item would get another inputs key
    shutil.copytree(site.corpus_dir, tmp_path / "corpus-b")
    with open(tmp_path / "corpus-b" / "brand.md", "a", encoding="utf-8") as fh:
        fh.write("\n- Always end with a question.\n")
    elsewhere = Settings(corpus_dir=tmp_path / "corpus-b", data_dir=site.data_dir, today_override=TODAY)
    with pytest.raises(RegenerationError, match="plans all 4 open item.* under other inputs than the run"):
        join_run(elsewhere, store, model=WriterModel(), embedder=_emb())
    assert store.count_open(run_id) == 4  # nothing claimed, nothing drafted
    regen._finish(run_id, "done", summary_from_items(store, run_id, "done", 0))
    # a run of one process takes no workers
    single = regen._start(batch, batch.to_draft, [], None, workers=None)
    with pytest.raises(RegenerationError, match=rf"run #{single} was started without --workers"):
        join_run(site, store, model=WriterModel())


def test_workers_on_sqlite_say_they_need_postgresql(site, monkeypatch, capsys):
    from pipeline.cli.main import main
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(site.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(site.data_dir))
    for argv in (["regenerate", *MARITIME, "--workers", "2"], ["regenerate", "worker"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "workers need the drafts database on PostgreSQL" in err and "--concurrency" in err
    assert DraftStore.for_data_dir(site.data_dir).newest_run() is None  # nothing was started


def test_postgres_gone_mid_run_stops_the_worker_clearly_and_loses_nothing(site, monkeypatch):
    """PostgreSQL stops while a worker drafts: it waits its grace, then stops with a message naming the database and
    the fix; once the server is back, the items not stored are still open and another worker finishes them."""
    pg = PostgresServer()
    try:
        url = pg.new_database()
        monkeypatch.setenv("DATABASE_URL", url)
        store = DraftStore.for_data_dir(site.data_dir)
        regen, batch, run_id = _planned_run(site, store, WriterModel(delay=0.4))
        w = Worker(regen, run_id, batch.to_draft, name="w:1", lease_s=2, db_grace=2)
        out: dict = {}
        t = threading.Thread(target=lambda: out.update(r=_try(w.work)))
        t.start()
        deadline = time.monotonic() + 60
        while store.count_open(run_id) == 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        pg.stop("immediate")
        t.join(60)
        err = out["r"]
        assert isinstance(err, StoreError), err
        assert "drafts database stopped answering" in err.message and "still to be drafted" in err.message
        assert "bring PostgreSQL back" in err.fix
        pg.start()
        done_before = 4 - store.count_open(run_id)
        assert 1 <= done_before < 4
        report = Worker(regen, run_id, batch.to_draft, name="w:2", lease_s=2).work()  # after w:1's lease ran out
        assert report.done == 4 - done_before
        _drafted_once(store, run_id)
    finally:
        pg.remove()


def _try(call):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the test reads it
        return exc


def test_postgres_gone_during_a_one_process_run_says_so_and_the_rerun_finishes(site, llm):
    """The same for `regenerate` without workers: it stops naming the database and the fix (exit 5); once the server
    is back, the same command drafts only what is left: every item has exactly one draft."""
    url, _ = llm
    pg = PostgresServer()
    try:
        db = pg.new_database()
        env = {**os.environ, "STUDIO_CORPUS_DIR": str(site.corpus_dir), "STUDIO_DATA_DIR": str(site.data_dir),
               "STUDIO_TODAY": TODAY.isoformat(), "STUDIO_LLM_BACKEND": "openai-compatible",
               "STUDIO_LLM_BASE_URL": url, "STUDIO_LLM_MODEL": "fake-model", "DATABASE_URL": db}
        p = subprocess.Popen([sys.executable, "-m", "pipeline", "regenerate", *MARITIME], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        store = _store(db)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and p.poll() is None:
            with store.engine.connect() as conn:
                if conn.execute(select(func.count()).select_from(regen_items)
                                .where(regen_items.c.state == "done")).scalar():
                    break
            time.sleep(0.1)
        store.engine.dispose()
        pg.stop("immediate")
        out, err = p.communicate(timeout=300)
        assert p.returncode == 5, err
        assert "the drafts database stopped answering during the run" in err and "run the same command again" in err
        assert "Traceback" not in err
        pg.start()
        again = cli(site, db, url, "regenerate", *MARITIME, "--json")
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout)
        with _store(db).engine.connect() as conn:
            per_item = conn.execute(select(drafts.c.page_id, drafts.c.lang, func.count()).group_by(
                drafts.c.page_id, drafts.c.lang)).all()
        assert len(per_item) == 8 and all(n == 1 for _, _, n in per_item)
        assert 1 <= summary["skipped"] < 8 and len(summary["done"]) == 8 - summary["skipped"]
    finally:
        pg.remove()


def test_a_worker_on_another_machine_joins_through_postgres_and_a_chroma_server(real_index_session, postgres_url,
                                                                                tmp_path):
    """Two "machines": each its own copy of the corpus and its own data folder, sharing only DATABASE_URL, a Chroma
    server (`chroma run`) and the model server. Machine B's `regenerate worker --wait` joins the run machine A
    starts with `--workers 1`; every item is drafted once, by one of the two, and A's summary counts B's drafts."""
    import socket

    from pipeline.index.embedding import default_embedder
    from pipeline.index.ingest import ingest
    from tests.conftest import free_port, stop_server, wait_serving
    exe = os.path.join(os.path.dirname(sys.executable), "chroma")
    port = free_port()
    chroma = subprocess.Popen([exe, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server, _ = serve(0, delay=0.6)
    llm_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        wait_serving(chroma, lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5).close() or True,
                     "chroma run", 60)
        machines = {}
        for name in ("a", "b"):
            shutil.copytree(real_index_session.corpus_dir, tmp_path / name / "corpus")
            machines[name] = Settings(corpus_dir=tmp_path / name / "corpus", data_dir=tmp_path / name / "data",
                                      today_override=TODAY, chroma_host="127.0.0.1", chroma_port=port)
        ingest(machines["a"], default_embedder())  # the shared index, built once from machine A

        def env(s: Settings) -> dict:
            return {**os.environ, "STUDIO_CORPUS_DIR": str(s.corpus_dir), "STUDIO_DATA_DIR": str(s.data_dir),
                    "STUDIO_TODAY": TODAY.isoformat(), "STUDIO_LLM_BACKEND": "openai-compatible",
                    "STUDIO_LLM_BASE_URL": llm_url, "STUDIO_LLM_MODEL": "fake-model", "DATABASE_URL": postgres_url,
                    "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)}
        b = subprocess.Popen([sys.executable, "-m", "pipeline", "regenerate", "worker", "--wait", "300", "--json"],
                             cwd=REPO, env=env(machines["b"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        a = subprocess.run([sys.executable, "-m", "pipeline", "regenerate", *MARITIME, "--workers", "1", "--json"],
                           cwd=REPO, env=env(machines["a"]), capture_output=True, text=True, timeout=600)
        try:
            b_out, b_err = b.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            b.kill()
            b_out, b_err = b.communicate()
            pytest.fail(f"machine B's worker did not finish; A: rc {a.returncode} {a.stderr[-800:]}\nB: {b_err[-800:]}")
        assert a.returncode == 0, a.stderr
        assert b.returncode == 0, b_err
        summary, worker = json.loads(a.stdout), json.loads(b_out)
        assert summary["status"] == "done" and len(summary["done"]) == 8
        assert worker["run_id"] == summary["run_id"] and worker["done"] >= 1 and not worker["other_inputs"]
        assert summary["by_worker"][worker["worker"]] == worker["done"] and sum(summary["by_worker"].values()) == 8
        _drafted_once(_store(postgres_url), summary["run_id"])
        assert not (machines["b"].data_dir / "chroma").exists()  # machine B used the server, not a folder
    finally:
        server.shutdown()
        stop_server(chroma)
