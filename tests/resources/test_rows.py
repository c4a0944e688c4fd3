"""What a figure counts when only the document's layout says it (pipeline/resources/rows.py), as propose-facts
proposes it: a table's row read as one number, an infobox's labels, a subject and a verb of measure, "dont"."""
from __future__ import annotations

from pipeline.resources.proposals import propose


def read(text: str, lang: str = "fr") -> list[tuple[str, str, str]]:
    return [(p.value, p.unit_family, p.unit) for p in propose(text, lang, "doc.md", [], "Source", "", 2017)]


def test_a_row_of_values_read_as_one_number_is_split_and_shares_its_label():
    got = read("Population 889 029 908 600 874 436 800 550 798 430 852 395 852 516 863 310")
    assert [v for v, _, _ in got] == ["889 029", "908 600", "874 436", "800 550", "798 430", "852 395", "852 516",
                                      "863 310"]
    assert {(f, u) for _, f, u in got} == {("inhabitant", "Population")}


def test_a_number_is_split_only_where_it_cannot_be_one():
    assert [v for v, _, _ in read("La métropole compte 1 889 666 habitants.")] == ["1 889 666"]
    # values of very different sizes, or a group starting with 0, are no row of one width: kept as read
    assert [v for v, _, _ in read("Codes 123 045 678 901 234")] == ["123 045 678 901 234"]


def test_an_infobox_label_is_what_the_value_after_it_counts():
    got = read("Étudiants Près de 80 000 Effectif 8 000 [...] Budget 720 millions €")
    assert [(v, f) for v, f, _ in got] == [("80 000", "student"), ("8 000", "worker"), ("720", "eur")]
    assert got[0][2] == "Étudiants"  # shown as written, for the person who confirms it


def test_a_subject_and_a_verb_of_measure_say_what_is_counted():
    assert read("Its population was 1,889,666 in 2018.", "en")[0][:2] == ("1,889,666", "inhabitant")
    assert read("La population de la métropole s'élève à 1 900 000.")[0][:2] == ("1 900 000", "inhabitant")


def test_after_dont_a_figure_without_unit_counts_what_the_one_before_counts():
    got = read("Airbus Helicopters emploie 9.200 personnes en France dont 8.500 à Marignane.")
    assert got == [("9 200", "people", "personnes"), ("8 500", "people", "personnes")]
    # nothing to share: the figure before counts nothing the sentence says
    assert [f for _, f, _ in read("Il y en eut précisément 71.000 dont 43.400 pour les opéras.")] == ["", ""]


def test_a_sentence_with_its_units_is_read_as_before():
    got = read("En 2024, le port a traité 70,5 millions de tonnes et accueilli 2,5 millions de passagers.")
    assert [(v, f) for v, f, _ in got] == [("70,5", "tonne"), ("2,5", "passenger")]
    # a capitalised word inside a sentence is no label
    assert read("Le Vélodrome peut accueillir 67 394 spectateurs.")[0][:2] == ("67 394", "visitor")
