"""The FactIndex protocol, run against the in-memory fake and Chroma alike: retrieval and ingest see one behaviour,
so a test may use the fake and a new backend passes the same tests before it is used."""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager

import pytest

from pipeline.corpus.facts import load_corpus, load_filieres
from pipeline.index.chroma import open_index
from pipeline.index.ingest import sync
from pipeline.retrieve.retriever import Retriever
from pipeline.types import FactFilter
from tests.fakes.index import FakeFactIndex


@contextmanager
def _index(kind: str, settings, embedder):
    if kind == "fake":
        yield FakeFactIndex(embedder.name)
    else:
        with open_index(settings, embedder, create=True) as idx:
            yield idx


@pytest.fixture(params=["fake", "chroma"])
def index(request, settings, fake_embedder):
    with _index(request.param, settings, fake_embedder) as idx:
        yield idx


@pytest.fixture
def corpus(settings):
    facts, _ = load_corpus(settings.corpus_dir, settings.today())
    return facts, load_filieres(settings.corpus_dir)


def test_sync_adds_then_changes_exactly_what_differs(index, corpus, fake_embedder):
    facts, filieres = corpus
    first = sync(index, facts, filieres, fake_embedder)
    assert len(first.added) == len(facts) == index.count() and first.reembedded == len(facts)
    version = index.version
    again = sync(index, facts, filieres, fake_embedder)
    assert not again.changed and again.unchanged == len(facts) and index.version == version

    by_id = {f.id: f for f in facts}
    reworded = dataclasses.replace(by_id["MAR-001"], statement_fr=by_id["MAR-001"].statement_fr + " (révisé)")
    redated = dataclasses.replace(by_id["MAR-003"], review_by=by_id["MAR-003"].review_by.replace(year=2030))
    changed = [reworded if f.id == "MAR-001" else redated if f.id == "MAR-003" else f
               for f in facts if f.id != "LOG-002"]
    r = sync(index, changed, filieres, fake_embedder)
    assert sorted(r.updated) == ["MAR-001", "MAR-003"] and r.deleted == ["LOG-002"]
    assert r.reembedded == 1                       # a new review date changes metadata only
    assert index.version > version and index.count() == len(facts) - 1
    stored = {it.id: it for it in index.all_facts()}
    assert stored["MAR-001"].fact == reworded and stored["MAR-003"].fact.review_by.year == 2030
    assert "LOG-002" not in stored and index.hashes()["MAR-001"][0] == reworded.record_hash


def test_query_ranks_by_similarity_and_filters_by_filiere(index, corpus, fake_embedder):
    facts, filieres = corpus
    sync(index, facts, filieres, fake_embedder)
    doc = {it.id: it.document for it in index.all_facts()}["MAR-001"]
    hits = index.query(fake_embedder.embed_query(doc), 5)
    assert hits[0][0] == "MAR-001" and hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    only = index.query(fake_embedder.embed_query(doc), 5, filiere="aeronautique")
    assert only and all(fid.startswith("AER-") for fid, _ in only)


def test_retriever_gives_the_same_answers_on_the_fake_and_on_chroma(settings, corpus, fake_embedder):
    facts, filieres = corpus
    results = {}
    for kind in ("fake", "chroma"):
        with _index(kind, settings, fake_embedder) as idx:
            sync(idx, facts, filieres, fake_embedder)
            ret = Retriever.for_settings(idx, fake_embedder, settings)
            results[kind] = [
                [h.fact.id for h in ret.search(q, k=3, flt=FactFilter(filiere=fil), mode=mode)]
                for q, fil, mode in [("tonnage du port de Marseille-Fos", None, "lexical"),
                                     ("Airbus Helicopters salariés Marignane", "aeronautique", "hybrid"),
                                     ("festival de cinéma", None, "dense")]]
    assert results["fake"] == results["chroma"]
    assert results["fake"][0][0].startswith("MAR-")
