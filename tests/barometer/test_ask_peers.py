"""`ask` on the real index: a peer's figure (Lyon's airport) is never an answer about the home territory; asked
about the peer itself, the base says it holds no verified answer rather than quote a comparison fact."""
from __future__ import annotations

from pipeline.ask.answerer import Answerer
from pipeline.corpus.names import load_aliases, load_glossary
from pipeline.index.chroma import ChromaFactIndex
from pipeline.index.embedding import default_embedder
from pipeline.retrieve.retriever import Retriever
from pipeline.verify.checker import ClaimChecker
from tests.conftest import TODAY


def test_ask_never_answers_with_a_comparison_fact(real_index_session):
    s = real_index_session
    idx = ChromaFactIndex(s, default_embedder()).open()
    try:
        r = Retriever.for_settings(idx, default_embedder(), s)
        assert r.fact("PAI-035") is not None  # Lyon's airport is in the index...
        answerer = Answerer(r, ClaimChecker(list(r.snap.facts.values()), TODAY), None, None, None,
                            aliases=load_aliases(s.corpus_dir), glossary=load_glossary(s.corpus_dir))
        home = answerer.ask("Combien de passagers a accueillis l'aéroport Marseille Provence en 2024 ?",
                            use_model=False)
        cited = {c["id"] for c in home.citations}
        assert not home.abstained and cited & {"TER-016", "TER-017"} and not [i for i in cited if i.startswith("PAI")]
        peer = answerer.ask("Combien de passagers a accueillis l'aéroport de Lyon en 2024 ?", use_model=False)
        assert not [c["id"] for c in peer.citations if c["id"].startswith("PAI")]  # ...but never an answer
        assert "10 463 678" not in peer.answer and "10,463,678" not in peer.answer
    finally:
        idx.close()
