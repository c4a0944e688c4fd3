"""A true figure moved to the other thing its own fact names is flagged; the figure with its own thing is not."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.corpus.facts import load_corpus
from pipeline.verify.checker import ClaimChecker
from tests.conftest import REPO, TODAY


@pytest.fixture(scope="module")
def checker():
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    return ClaimChecker(facts, date(2019, 1, 1))  # a day these facts were current: only what they say counts


@pytest.mark.parametrize("sentence,lang", [
    ("Dans sa tour de Marseille, CMA CGM emploie 34 000 personnes [MAR-008].", "fr"),  # the group's, worldwide
    ("CMA CGM, headquartered in Marseille, employs 2,500 people worldwide [MAR-008].", "en"),  # the tower's
    ("En 2016, Airbus Helicopters employait 8 500 personnes en France [AER-004].", "fr"),  # Marignane's
])
def test_a_figure_given_to_the_other_thing_of_its_fact_is_flagged(checker, sentence, lang):
    v = checker.check(sentence, lang).sentences[0]
    assert not v.ok and v.entity_problem, v
    assert "[MAR-008]" in v.entity_problem or "[AER-004]" in v.entity_problem


@pytest.mark.parametrize("sentence,lang", [
    ("CMA CGM emploie 2 500 personnes dans sa tour de Marseille [MAR-008].", "fr"),
    ("CMA CGM employs 34,000 people worldwide [MAR-008].", "en"),
    ("En 2016, Airbus Helicopters employait 9 200 personnes en France, dont 8 500 à Marignane [AER-004].", "fr"),
    # a part of the port's traffic, said of the port: the fact's subject holds for its every figure
    ("Les marchandises diverses ont atteint 19,7 Mt en 2024 au port de Marseille-Fos [MAR-004].", "fr"),
])
def test_the_figure_with_its_own_thing_is_not(checker, sentence, lang):
    v = checker.check(sentence, lang).sentences[0]
    assert v.ok and not v.entity_problem, v


@pytest.fixture(scope="module")
def corpus_checker():
    """As every entry point builds it (for_corpus): it knows which facts are about another territory."""
    from types import SimpleNamespace
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    return ClaimChecker.for_corpus(facts, SimpleNamespace(corpus_dir=REPO / "corpus", today=lambda: TODAY))


@pytest.mark.parametrize("sentence,lang", [
    ("En 2024, l'aéroport Marseille Provence a enregistré 14,8 millions de passagers [PAI-041].", "fr"),  # Nice's
    ("In 2021, the city of Marseille recorded 1,863 filming days [PAI-118].", "en"),  # the Alpes-Maritimes'
])
def test_a_peer_territory_figure_given_to_the_home_territory_is_flagged(corpus_checker, sentence, lang):
    """The home's own names are context in a sentence backed by home facts, a claim when the fact is a peer's."""
    v = corpus_checker.check(sentence, lang).sentences[0]
    assert v.entity_problem and "Marseille" in v.entity_problem, v


def test_the_home_names_stay_context_for_home_facts(corpus_checker):
    v = corpus_checker.check("Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024 "
                             "[MAR-001], premier port de Provence.", "fr").sentences[0]
    assert not v.entity_problem, v


@pytest.mark.parametrize("sentence,lang", [
    ("Happiness index: 7.8/10 across the territory vs a 7.4 national average [AGE-012] #OneProvence", "en"),
    ("🚀 77 implantations concrétisées en 2022 par Provence Promotion, dont 35 entreprises étrangères ! [INV-001] "
     "#Provence #Invest", "fr"),
])
def test_hashtags_claim_nothing(corpus_checker, sentence, lang):
    report = corpus_checker.check(sentence, lang)
    assert not any(v.entity_problem for v in report.sentences), report.sentences


@pytest.mark.parametrize("sentence,lang", [
    # a place name with "University" is a body, not the territory: AP-HM's budget is not AMU's
    ("Aix-Marseille University runs on a budget of nearly €1.5 billion [SAN-001].", "en"),
    # cruise passengers are the port's, not the airport's
    ("Été 2025 : 525 000 passagers en juillet-août à l'aéroport Marseille Provence [TOU-004].", "fr"),
    # a figure written without its unit still belongs to its own clause: 1 400 is PACA's, not France's
    ("Au niveau national, la direction d'ITER estimait à 1 400 le nombre d'emplois indirects [ENE-006].", "fr"),
])
def test_bodies_gateways_and_unit_less_figures_keep_their_things(checker, sentence, lang):
    v = checker.check(sentence, lang).sentences[0]
    assert v.entity_problem, v


@pytest.mark.parametrize("sentence,lang", [
    ("Aix-Marseille Université accueille 73 000 étudiants [TER-012].", "fr"),
    ("Été 2025 : 525 000 croisiéristes en juillet-août à Marseille [TOU-004].", "fr"),
    ("La direction d'ITER estimait à 1 400 les emplois indirects en PACA [ENE-006].", "fr"),
])
def test_and_the_right_thing_passes(checker, sentence, lang):
    v = checker.check(sentence, lang).sentences[0]
    assert not v.entity_problem and v.figure_status == "supported", v
