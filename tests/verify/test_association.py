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
