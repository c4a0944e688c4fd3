"""Figures as French and English writers write them are read as the same numbers; units and hedges matter."""
from __future__ import annotations

import pytest

from pipeline.verify.figures import extract_figures, matches


def one(text: str, lang: str = "fr"):
    figs = [f for f in extract_figures(text, lang) if f.kind != "year"]
    assert len(figs) == 1, [(f.raw, f.kind) for f in figs]
    return figs[0]


@pytest.mark.parametrize("text, lang", [
    ("1,5 million de visiteurs", "fr"), ("1 500 000 visiteurs", "fr"), ("1.5 million visitors", "en"),
    ("1,5 M de visiteurs", "fr"), ("1.5m visitors", "en"), ("1,500,000 visitors", "en"),
    ("1\u202f500\u202f000 visiteurs", "fr"),
])
def test_one_and_a_half_million_in_every_form(text, lang):
    f = one(text, lang)
    assert f.value == 1_500_000 and f.unit == "visitor"


@pytest.mark.parametrize("text, lang", [("17 %", "fr"), ("17%", "en"), ("17 per cent", "en"),
                                        ("17 pour cent", "fr"), ("17 percent", "en")])
def test_percentages(text, lang):
    f = one(text, lang)
    assert (f.value, f.kind) == (17, "percent")


@pytest.mark.parametrize("text, lang", [("3,4 Md€", "fr"), ("3,4 milliards d'euros", "fr"), ("€3.4bn", "en"),
                                        ("EUR 3.4 billion", "en"), ("3.4 billion euros", "en")])
def test_money(text, lang):
    f = one(text, lang)
    assert (f.value, f.kind, f.unit) == (3.4e9, "money", "eur")


def test_dates_and_years():
    figs = extract_figures("Lancée le 17 octobre 2023 ; bilan le 28 novembre 2024 ; October 17, 2023 ; en 2024.")
    dates = [(f.day, f.month, int(f.value)) for f in figs if f.kind == "date"]
    assert dates == [(17, 10, 2023), (28, 11, 2024), (17, 10, 2023)]
    assert [f.value for f in figs if f.kind == "year"] == [2024]


def test_hedges_are_read():
    assert one("près de 15 millions de vues").hedge == "approx"
    assert one("plus de 2 000 chercheurs").hedge == "min"
    assert one("un peu moins de 9 000 salariés").hedge == "max"
    assert one("more than 10 million visitors", "en").hedge == "min"
    assert one("environ 4 500 personnes").hedge == "approx"


def test_units_tell_tonnes_from_teu_and_inhabitants_from_jobs():
    tonnes, teu = one("70,5 millions de tonnes"), one("70,5 millions d'EVP")
    assert (tonnes.unit, teu.unit) == ("tonne", "teu") and not matches(teu, tonnes)
    assert not matches(one("750 800 habitants"), one("750 800 emplois"))
    assert matches(one("70.5 million tonnes", "en"), tonnes) and matches(one("70,5 Mt"), tonnes)


def test_rates_tell_per_year_from_per_day():
    year = one("84 000 t d'hydrogène par an")
    assert year.rate == "year"
    assert not matches(one("84,000 t of hydrogen per day", "en"), year)
    assert matches(one("84,000 tonnes of hydrogen a year", "en"), year)


@pytest.mark.parametrize("sentence, fact, ok", [
    ("près de 9 000 salariés", "9 000 salariés", True),
    ("près de 900 salariés", "9 000 salariés", False),        # a hedge never rescues a wrong figure
    ("près de 1,9 million d'habitants", "1 889 666 habitants", True),
    ("1,9 million d'habitants", "1 889 666 habitants", True),  # rounding to the written precision
    ("9 000 salariés", "8 500 salariés", False),
    ("plus de 11 millions de passagers", "11 167 485 passagers", True),
    ("plus de 12 millions de passagers", "11 167 485 passagers", False),
    ("more than 1.9 million people", "1 889 666 habitants", False),
    ("about 15.5 million travellers", "14 638 309 voyageurs", False),  # 5.9 % off: beyond "about"
    ("environ 877 000 habitants", "environ 877 215 habitants", True),
    ("868 040 habitants", "environ 877 215 habitants", False),         # the fact's hedge widens nothing
    ("moins de 9 000 salariés", "8 500 salariés", True),
    ("1 418 jours de tournage", "1 434 jours de tournage", False),
])
def test_tolerances(sentence, fact, ok):
    lang = "en" if any(w in sentence for w in ("more", "about")) else "fr"
    assert matches(one(sentence, lang), one(fact)) is ok


def test_spelled_out_numbers_and_ranks():
    assert one("en trois heures").value == 3 and one("en trois heures").unit == "hour"
    assert one("dix-sept plateaux").value == 17
    assert one("seventeen sound stages", "en").value == 17
    assert one("une quarantaine de personnalités").value == 40
    third, third_en = one("3e transporteur mondial"), one("the world's third-largest carrier", "en")
    assert third.kind == third_en.kind == "ordinal" and matches(third_en, third)


def test_numbers_inside_names_are_not_figures():
    assert [f.raw for f in extract_figures("Le projet H2V, le COVID-19, l'A350 et MP2013.")] == []


def test_ranges_share_scale_and_unit():
    lo, hi = extract_figures("11 à 15 milliards d'euros")
    assert (lo.value, lo.kind, hi.value) == (11e9, "money", 15e9)
    lo, hi = extract_figures("€11–15 billion", "en")
    assert (lo.value, hi.value, hi.kind) == (11e9, 15e9, "money")


def test_metres_are_not_millions():
    f = one("la tour culmine à 147 m")
    assert f.value == 147


def test_a_year_before_a_name_is_a_year():
    """"In 2016 Airbus Helicopters…": not 2016 aircraft (a unit word inside a name)."""
    years = [f for f in extract_figures("In 2016 Airbus Helicopters employed 9,200 people.", "en") if f.kind == "year"]
    assert [f.value for f in years] == [2016.0]


def test_member_before_its_head_noun():
    """English puts "member" before what is counted: 92 member municipalities are 92 communes membres."""
    fr = one("La Métropole regroupe 92 communes membres.")
    en = one("The Metropolis brings together 92 member municipalities.", "en")
    assert en.unit == fr.unit == "commune" and matches(en, fr)
    assert one("The cluster has 92 members.", "en").unit == "member"


def test_counts_of_things_compare_their_head_nouns():
    assert matches(one("12 grandes écoles"), one("12 écoles"))  # an adjective before the noun
    assert matches(one("400 heritage buildings", "en"), one("400 buildings", "en"))
    assert not matches(one("12 écoles"), one("12 festivals"))
