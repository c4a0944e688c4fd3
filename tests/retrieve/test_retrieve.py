"""Retrieval: cross-lingual search on the real embedded model, one filter everywhere, conflicts shown."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli.main import main
from pipeline.errors import QueryError
from pipeline.index.chroma import open_index
from pipeline.index.embedding import default_embedder
from pipeline.index.ingest import ingest
from pipeline.retrieve.evaluate import eval_retrieval, read_questions
from pipeline.retrieve.lexical import BM25, analyze
from pipeline.retrieve.retriever import Retriever
from pipeline.types import FactFilter
from tests.conftest import REPO, SEED, TODAY, edit_fact


@pytest.fixture
def real_index(real_index_session):
    """The shipped corpus indexed once per session with the real embedded model (read-only here)."""
    return real_index_session


@pytest.fixture
def retriever(real_index):
    with open_index(real_index, default_embedder()) as idx:
        yield Retriever.for_settings(idx, default_embedder(), real_index)


def test_lexical_analysis_normalises_numbers_accents_and_stems():
    assert analyze("1 418 jours de tournage") == ["1418", "jour", "tournag"]
    assert analyze("70,5 Mt") == ["70.5", "mt"]
    assert analyze("Étudiants") == analyze("etudiants")
    bm = BM25(["a", "b"], ["Le port de Marseille-Fos", "Airbus Helicopters à Marignane"])
    assert bm.search("airbus", 5)[0][0] == "b" and bm.search("inconnu", 5) == []


@pytest.mark.integration
@pytest.mark.parametrize("question, expected", [
    ("How long does the TGV take between Paris and Marseille?", "TER-019"),
    ("How many twenty-foot containers did the port handle in 2024?", "MAR-003"),
    ("Who chairs the One Provence agency?", "AGE-006"),
    ("How many cruise passengers came to Marseille in 2022?", "TOU-001"),
])
def test_english_questions_find_french_facts(retriever, question, expected):
    ids = [h.fact.id for h in retriever.search(question, k=5)]
    assert expected in ids[:3], ids


@pytest.mark.integration
def test_recall_at_5_on_the_development_questions(retriever):
    scores = {s.mode: s for s in eval_retrieval(retriever, read_questions(SEED / "questions_dev.csv"))}
    assert scores["hybrid"].recall_at_5 >= 0.95
    assert scores["hybrid"].recall_at_5 >= scores["lexical"].recall_at_5


@pytest.mark.integration
def test_filiere_filter_is_the_same_in_every_mode(retriever):
    flt = FactFilter(filiere="energie")
    for mode in ("dense", "lexical", "hybrid"):
        hits = retriever.search("emplois et chiffres clés", k=10, flt=flt, mode=mode)
        assert hits and all(h.fact.filiere == "energie" for h in hits), mode


@pytest.mark.integration
def test_conflicts_are_shown_both_ways(retriever):
    hits = {h.fact.id: h for h in retriever.search("nombre de communes de la Métropole", k=10)}
    assert set(hits["TER-001"].conflicts) == {"AGE-009", "TER-007"}
    assert "TER-001" in hits["AGE-009"].conflicts  # AGE-009 lists TER-001; shown from both sides


@pytest.mark.integration
def test_stale_marked_by_default_and_dropped_on_request(retriever):
    hits = retriever.search("emplois aéronautique PACA 2006", k=10)
    stale = [h for h in hits if h.stale]
    assert any(h.fact.id == "AER-009" for h in stale)
    fresh = retriever.search("emplois aéronautique PACA 2006", k=10, flt=FactFilter(include_stale=False))
    assert fresh and not any(h.stale for h in fresh)


def test_retired_and_superseded_facts_are_excluded_unless_asked(settings, fake_embedder, corpus_dir):
    edit_fact(corpus_dir, "CUL-007", "status: verified", "status: retired")
    edit_fact(corpus_dir, "MAR-001", "supersedes: []", "supersedes: [MAR-002]")
    ingest(settings, fake_embedder)
    with open_index(settings, fake_embedder) as idx:
        r = Retriever.for_settings(idx, fake_embedder, settings)
        for q in ("visiteurs Marseille-Provence 2013 bilan provisoire", "quelque 79 Mt exercice précédent"):
            ids = [h.fact.id for h in r.search(q, k=159)]
            assert "CUL-007" not in ids and "MAR-002" not in ids
        all_ids = {h.fact.id: h for h in r.search("quelque 79 Mt exercice précédent", k=159,
                                                   flt=FactFilter(include_retired=True))}
        assert "CUL-007" in all_ids and all_ids["MAR-002"].superseded_by == ("MAR-001",)


def test_bad_queries(settings, fake_embedder):
    ingest(settings, fake_embedder)
    with open_index(settings, fake_embedder) as idx:
        r = Retriever.for_settings(idx, fake_embedder, settings)
        for q in ("", "   ", "x" * 5000):
            with pytest.raises(QueryError):
                r.search(q)
        with pytest.raises(QueryError):
            r.search("port", k=0)


@pytest.mark.integration
def test_cli_retrieve_json_and_filters(real_index, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(real_index.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(real_index.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    assert main(["retrieve", "tonnage du port en 2024", "--json", "--k", "3", "--filiere", "Transport maritime"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and rows[0]["id"] in {"MAR-001", "MAR-004"}
    for row in rows:
        assert {"id", "statement", "source_url", "year", "score", "conflicts", "status", "stale"} <= set(row)
        assert row["filiere"] == "maritime"
    assert main(["retrieve", "port", "--filiere", "spatial"]) == 2
    err = capsys.readouterr().err
    assert "unknown filière 'spatial'" in err and "maritime" in err


@pytest.mark.integration
def test_cli_eval_prints_all_three_modes(real_index):
    env = {"STUDIO_CORPUS_DIR": str(real_index.corpus_dir), "STUDIO_DATA_DIR": str(real_index.data_dir),
           "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-m", "pipeline", "eval", "retrieval", "--questions",
                        str(SEED / "questions_dev.csv"), "--json"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    modes = {m["mode"]: m for m in json.loads(p.stdout)["modes"]}
    assert set(modes) == {"dense", "lexical", "hybrid"} and modes["hybrid"]["recall@5"] >= 0.95
