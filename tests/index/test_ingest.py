"""Ingest is incremental by content hash, refuses an invalid corpus without touching the index, and locks."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from pipeline.errors import CorpusError, IndexLockedError, IndexUnavailableError
from pipeline.index.chroma import open_index
from pipeline.index.ingest import ingest
from pipeline.retrieve.retriever import Retriever
from tests.conftest import REPO, FakeEmbedder, edit_fact, remove_fact


def test_first_ingest_adds_everything_and_second_does_nothing(settings, fake_embedder):
    first = ingest(settings, fake_embedder)
    assert len(first.added) == 278 and first.reembedded == 278 and not first.updated and not first.deleted
    calls = fake_embedder.passage_calls
    again = ingest(settings, fake_embedder)
    assert not again.changed and again.unchanged == 278
    assert "nothing changed" in again.summary()
    assert fake_embedder.passage_calls == calls  # nothing re-embedded


def test_changes_are_applied_exactly(settings, fake_embedder, corpus_dir):
    ingest(settings, fake_embedder)
    edit_fact(corpus_dir, "MAR-001", "70,5 millions de tonnes en 2024", "71 millions de tonnes en 2024")
    edit_fact(corpus_dir, "MAR-003", "review_by: 2027-11-29", "review_by: 2028-06-30")
    remove_fact(corpus_dir, "LOG-002")
    text = (corpus_dir / "facts/logistique.yaml").read_text(encoding="utf-8")
    new = text.split("\n\n- id: LOG-003")[0].split("- id: LOG-001")[1]
    (corpus_dir / "facts/logistique.yaml").write_text(text + "\n- id: LOG-012" + new.replace(
        "16 %", "17 %"), encoding="utf-8")
    fake_embedder.embedded_texts.clear()
    r = ingest(settings, fake_embedder)
    assert r.added == ["LOG-012"] and r.deleted == ["LOG-002"]
    assert sorted(r.updated) == ["MAR-001", "MAR-003"]
    assert r.reembedded == 2  # MAR-003 only changed its review date: metadata update, no new vector
    assert len(fake_embedder.embedded_texts) == 2
    with open_index(settings, fake_embedder) as idx:
        ret = Retriever.for_settings(idx, fake_embedder, settings)
        assert ret.fact("MAR-001").statement_fr.startswith("Le Grand Port Maritime de Marseille a traité 71 millions")
        assert str(ret.fact("MAR-003").review_by) == "2028-06-30"
        assert ret.fact("LOG-002") is None and ret.fact("LOG-012") is not None
        assert idx.count() == 278


def test_invalid_corpus_is_refused_and_previous_index_stays_queryable(settings, fake_embedder, corpus_dir):
    ingest(settings, fake_embedder)
    edit_fact(corpus_dir, "MAR-001", "70,5 millions de tonnes", "99 millions de tonnes")  # a valid edit ...
    edit_fact(corpus_dir, "CIN-001", "filiere: cinema", "filiere: cine")                 # ... next to an error
    with pytest.raises(CorpusError) as exc:
        ingest(settings, fake_embedder)
    assert "nothing was indexed" in exc.value.message
    assert any(i.fact_id == "CIN-001" for i in exc.value.issues)
    with open_index(settings, fake_embedder) as idx:
        assert idx.count() == 278
        ret = Retriever.for_settings(idx, fake_embedder, settings)
        assert "70,5 millions" in ret.fact("MAR-001").statement_fr
        assert ret.search("port de Marseille tonnes", k=3)


def test_changing_the_embedding_model_reembeds_everything(settings, fake_embedder):
    ingest(settings, fake_embedder)

    class Other(FakeEmbedder):
        name = "fake/other-model"
    r = ingest(settings, Other())
    assert r.reembedded == 278


def test_retrieve_before_any_ingest_says_to_ingest(settings, fake_embedder):
    with pytest.raises(IndexUnavailableError) as exc:
        with open_index(settings, fake_embedder):
            pass
    assert "ingest" in exc.value.fix


def test_second_process_gets_a_clear_message_not_a_hang(settings, fake_embedder):
    ingest(settings, fake_embedder)
    lock = settings.data_dir / "index.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl,sys,time; f=open(sys.argv[1],'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
        "f.seek(0); f.truncate(); f.write('pid 4242 (python -m pipeline ingest)'); f.flush(); "
        "print('locked', flush=True); time.sleep(30)"), str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(IndexLockedError) as exc:
            ingest(settings, fake_embedder)
        assert time.monotonic() - t0 < 5
        assert "pid 4242" in exc.value.message and "CHROMA_HOST" in exc.value.fix
    finally:
        holder.kill()
        holder.wait()
    assert not ingest(settings, fake_embedder).changed  # lock released by the dead holder: works again


def test_cli_ingest_refuses_a_broken_corpus_with_exit_code(tmp_path, corpus_dir):
    (corpus_dir / "facts/sport.yaml").write_text("- id: SPO-001\n  filiere: [sport\n", encoding="utf-8")
    env = {"STUDIO_CORPUS_DIR": str(corpus_dir), "STUDIO_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-m", "pipeline", "ingest"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 2
    assert "sport.yaml:" in p.stderr and "not valid YAML" in p.stderr and "nothing was indexed" in p.stderr
