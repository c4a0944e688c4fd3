"""Every sentence is grounded or flagged, not only those with figures: the issue's own examples, on real facts."""
from __future__ import annotations

import pytest

from pipeline.corpus.facts import load_corpus
from pipeline.corpus.names import load_aliases, load_glossary
from pipeline.verify.checker import ClaimChecker
from pipeline.verify.sentences import other_language, perimeter_mismatch, stutter, unverified_links
from tests.conftest import REPO, TODAY


@pytest.fixture(scope="module")
def checker():
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    corpus = REPO / "corpus"
    return ClaimChecker(facts, TODAY, aliases=load_aliases(corpus), glossary=load_glossary(corpus))


def verdict(checker, text, lang="fr"):
    sentences = checker.check(text, lang).sentences
    assert len(sentences) == 1, [s.text for s in sentences]
    return sentences[0]


def test_the_leaked_prompt_and_the_invented_address_of_the_seen_draft_are_flagged(checker):
    text = ("Le grand public, le grand public et les citoyens sont invités à consulter cette page. "
            "Les informations sont disponibles sur www.accessibite-tGV.com. "
            "If you are not sure of a fact, cite it directly in your text. "
            "Use only facts that have been cited by the agency's website.")
    got = [(v.status, v.ok) for v in checker.check(text, "fr").sentences]
    assert [s for s, _ in got] == ["prompt_echo", "unverified_link", "wrong_language", "wrong_language"]
    assert not any(ok for _, ok in got) and not checker.check(text, "fr").ok
    assert verdict(checker, "Use only facts that have been cited.", "en").status == "prompt_echo"


def test_a_stutter_is_flagged_and_a_plain_connective_is_kept(checker):
    v = verdict(checker, "Le territoire accueille le grand public, le grand public et les entreprises.")
    assert v.status == "stutter" and "grand public" in v.reason
    v = verdict(checker, "La Provence attire aussi les entreprises.")
    assert v.status == "connective" and v.ok
    v = verdict(checker, "The port of Marseille-Fos is the largest container terminal in France.", "en")
    assert v.status == "uncited" and not v.ok  # a place beyond the territory's own names: a claim to cite
    long = "Une phrase sans chiffre mais très longue " + "qui parle encore et encore de tout " * 5 + "."
    assert verdict(checker, long).status == "uncited"


def test_the_right_figure_about_the_wrong_thing_is_flagged(checker):
    # TER-022 is the population of the city of Marseille: under "the Métropole" it is a false claim
    v = verdict(checker, "La Métropole Aix-Marseille-Provence compte 886 040 habitants [TER-022].")
    assert v.figure_status == "supported" and v.entity_problem and "metropolis" in v.entity_problem
    v = verdict(checker, "Le port de Marseille-Fos compte 886 040 habitants [TER-022].")
    assert v.entity_problem and "Fos" in v.entity_problem
    v = verdict(checker, "L'édition 2022 du Festival de Cannes a réuni 71 000 spectateurs [CUL-008].")
    assert v.entity_problem and "Cannes" in v.entity_problem
    # the same figures about the things their facts name are backed
    assert verdict(checker, "La ville de Marseille compte 886 040 habitants [TER-022].").entity_problem is None
    v = verdict(checker, "En 2024, le port de Marseille-Fos a traité 70,5 Mt [MAR-001].")
    assert v.entity_problem is None and v.figure_status == "supported"


def test_context_names_of_the_territory_and_the_source_are_not_unknown(checker):
    for text in ("Au cœur de la Provence, Airbus Helicopters compte plus de 13 000 emplois directs en 2024 [AER-001].",
                 "Selon l'OCDE, Aix-Marseille est la troisième agglomération française [TER-025]."):
        assert verdict(checker, text).entity_problem is None, text
    v = verdict(checker, "The OECD ranks Aix-Marseille as France's third-largest urban area [TER-025].", "en")
    assert v.entity_problem is None  # OECD -> OCDE through corpus/glossary_en_fr.yaml


def test_the_sentence_checks_one_by_one():
    assert other_language("If you are not sure of a fact, cite it in your text.", "fr") == "en"
    assert other_language("Le port a traité 70,5 millions de tonnes en 2024.", "en") == "fr"
    assert other_language("Airbus Helicopters, Marignane, 2024.", "fr") is None  # names alone say nothing
    assert stutter("le grand public, le grand public") == "le grand public"
    assert stutter("En 2023 et en 2024, le trafic a crû.") is None
    assert unverified_links("Voir www.exemple-invente.fr ou 04 91 00 00 00.", ["Le port de Marseille."]) == \
        ["www.exemple-invente.fr", "04 91 00 00 00"]
    assert unverified_links("Voir https://www.destimed.fr/insee.", ["https://www.destimed.fr/insee"]) == []
    assert perimeter_mismatch("L'aéroport a accueilli 70,5 Mt.", ["Le port de Marseille-Fos a traité 70,5 Mt."])
    assert perimeter_mismatch("Le port a traité 70,5 Mt.", ["Le port de Marseille-Fos a traité 70,5 Mt."]) is None


def test_a_line_of_the_prompts_fact_list_repeated_is_an_echo(checker):
    v = verdict(checker, "[MAR-001] (2024) Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024.")
    assert v.status == "prompt_echo" and "fact list" in v.reason
