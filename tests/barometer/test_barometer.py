"""The barometer: every figure is a fact's value; series, comparisons, conflicts, gaps and mismatches said; the
compass's scores, weights and robustness; the bad inputs of issue 14 reported with the indicator or fact and the fix."""
from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline.barometer.build import build_barometer, load_barometer
from pipeline.barometer.compass import compute_compass
from pipeline.barometer.model import parse_value
from pipeline.barometer.series import indicator_report, rank
from pipeline.cli.main import main
from pipeline.corpus.facts import load_corpus
from pipeline.corpus.indicators import Indicator, Territories, Territory
from pipeline.errors import BarometerError
from pipeline.types import Fact, Source
from tests.conftest import TODAY

TERR = Territories("AMP", {t: Territory(t, t, t) for t in ("AMP", "Lyon", "Nice", "Lille")})
PAX = Indicator("pax", "Passagers", "Passengers", "million passengers", "millions de passagers", "airport", "higher",
                "accessibilité", 1.0)
RANK = Indicator("students", "Rang", "Rank", "rank", "rang", "city", "lower", "talents", 1.0)


def fact(fid, territory, value, year=2024, unit="million passengers", perimeter="airport", indicator="pax", **kw):
    return Fact(id=fid, filiere="territoire", statement_fr=f"{territory} {value} {unit} {year}",
                source=Source(f"source of {fid}", f"https://example.org/{fid}", kw.pop("primary", None)),
                year=year, verified_on=date(2026, 11, 29), verified_by="test", review_by=date(2027, 11, 29),
                value=str(value), unit=unit, territory=territory, indicator=indicator, perimeter=perimeter, **kw)


def _walk(obj):
    """Every mapping in a JSON document that carries a fact's figure."""
    if isinstance(obj, dict):
        if "fact_id" in obj and "value" in obj:
            yield obj
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)


def test_every_figure_of_the_shipped_barometer_is_a_facts_value(settings):
    facts = {f.id: f for f in load_corpus(settings.corpus_dir, TODAY)[0]}
    doc = json.loads(json.dumps(load_barometer(settings, draws=50).to_json()))
    figures = list(_walk(doc))
    assert len(figures) > 60
    for fig in figures:
        f = facts[fig["fact_id"]]
        assert fig["value"] == parse_value(f.value) and fig["value_text"] == f.value, fig
        if "year" in fig and "rank" in fig:
            assert fig["year"] == f.year and fig["source_url"] == f.source.url
    by_id = {r["id"]: r for r in doc["indicators"]}
    airport = by_id["airport_passengers"]["comparison"]
    assert airport["year"] == 2024 and airport["home_rank"] == 2  # behind Nice (14.8 M), ahead of Toulouse
    assert [r["fact_id"] for r in airport["rows"]][:2] == ["PAI-041", "TER-017"]
    assert [m for m in airport["missing"] if m["name"] == "Lyon"]  # Lyon's 2023-2024 figures are in units, not millions
    assert {x["fact_id"] for x in by_id["airport_passengers"]["left_out"]} >= {"PAI-031", "PAI-035", "TER-016"}


def test_parse_value_reads_one_number_or_none():
    assert [parse_value(v) for v in ("1911311", "70,5", "11.7", "1 234", "1,234,567")] == \
           [1911311, 70.5, 11.7, 1234, 1234567]
    assert parse_value("70,5 / 19,7") is None and parse_value("2e") is None


def test_series_by_year_and_place_among_peers_with_year_gaps_marked():
    facts = [fact("A-1", "", 9.1, 2022), fact("A-2", "", 11.7, 2024), fact("L-1", "Lyon", 10.5, 2024),
             fact("N-1", "Nice", 14.2, 2023), fact("I-1", "Lille", 1.9, 2021)]
    r = indicator_report(PAX, facts, TERR, TODAY)
    assert [(p.year, p.value, p.fact_id) for p in r.series] == [(2022, 9.1, "A-1"), (2024, 11.7, "A-2")]
    c = r.comparison
    assert c.year == 2024 and c.home_rank == 2
    assert [(x.point.fact_id, x.rank, x.year_gap) for x in c.rows] == [("N-1", 1, -1), ("A-2", 2, 0), ("L-1", 3, 0)]
    assert c.missing == (("Lille", 2021),)  # never filled in


def test_two_units_in_one_indicator_leave_the_odd_fact_out_with_the_fix():
    facts = [fact("A-1", "", 11.7), fact("A-2", "", 11167485, unit="passengers"), fact("L-1", "Lyon", 10.46)]
    r = indicator_report(PAX, facts, TERR, TODAY)
    out = {x.fact_id: x for x in r.left_out}
    assert set(out) == {"A-2"} and out["A-2"].kind == "unit" and "'million passengers'" in out["A-2"].fix
    assert 11167485 not in [p.value for p in r.points()]  # never converted, never plotted


def test_a_perimeter_mismatch_is_marked_and_never_compared():
    facts = [fact("A-1", "", 19, unit="rank", perimeter="city", indicator="students"),
             fact("N-1", "Nice", 3, unit="rank", perimeter="departement", indicator="students")]
    r = indicator_report(RANK, facts, TERR, TODAY)
    assert [(x.fact_id, x.kind) for x in r.left_out] == [("N-1", "perimeter")]
    assert "perimeter: city" in r.left_out[0].fix and r.comparison is None
    assert any("one territory only" in n for n in r.notes)


def test_one_territory_only_has_a_series_and_no_comparison():
    r = indicator_report(PAX, [fact("A-1", "", 9.1, 2022), fact("A-2", "", 11.7)], TERR, TODAY)
    assert len(r.series) == 2 and r.comparison is None
    assert [n for n in r.notes if "one territory only" in n and "pax" in n]
    compass = compute_compass([r], {"": "AMP"})
    assert not compass.scores and compass.notes  # nothing to normalise against: no score, said


def test_conflicting_facts_show_the_preferred_one_and_the_other_beside_it():
    facts = [fact("A-1", "", 11.7, conflict_with=("A-2",)), fact("A-2", "", 11.2, preferred=True),
             fact("L-1", "Lyon", 10.5), fact("L-2", "Lyon", 10.9)]  # Lyon's two figures: no conflict_with
    r = indicator_report(PAX, facts, TERR, TODAY)
    home = r.series[0]
    assert home.fact_id == "A-2" and home.value == 11.2 and home.conflict
    assert [(o.fact_id, o.value, o.declared) for o in home.others] == [("A-1", 11.7, True)]
    assert [n for n in r.notes if "L-1" in n and "L-2" in n and "conflict_with" in n]


def test_a_lower_is_better_indicator_ranks_the_smallest_first():
    assert rank([1, 11, 11, 19], "lower") == [1, 2, 2, 4]
    assert rank([14.8, 11.7, 11.7], "higher") == [1, 2, 2]


def _reports():
    pax = [fact("A-1", "", 11.7), fact("L-1", "Lyon", 10.5), fact("N-1", "Nice", 14.8), fact("I-1", "Lille", 1.9)]
    students = [fact(f"S-{n}", t, v, 2023, unit="rank", perimeter="city", indicator="students")
                for n, (t, v) in enumerate((("", 19), ("Lyon", 11), ("Nice", 19), ("Lille", 17)))]
    return [indicator_report(PAX, pax, TERR, TODAY), indicator_report(RANK, students, TERR, TODAY)]


def test_compass_scores_are_min_max_within_peers_and_direction_aware():
    c = compute_compass(_reports(), {"": "AMP", "Lyon": "Lyon", "Nice": "Nice", "Lille": "Lille"}, draws=200)
    assert c.scores["Nice"]["pax"] == 100 and c.scores["Lille"]["pax"] == 0
    assert c.scores["Lyon"]["students"] == 100 and c.scores[""]["students"] == 0  # rank 11 best, 19 worst
    assert c.dimensions["Lyon"] == {"accessibilité": pytest.approx(100 * (10.5 - 1.9) / (14.8 - 1.9)),
                                    "talents": 100.0}
    assert sorted(c.ranks.values()) == [1, 2, 3, 4] and c.ranks["Lyon"] == 1
    assert all(0 <= v <= 1 for v in c.robustness.values()) and c.robustness["Lyon"] == 1.0
    # the weights move the positions: all the weight on airports puts Nice first
    moved = compute_compass(_reports(), {t: t for t in ("", "Lyon", "Nice", "Lille")}, {"students": 0.0})
    assert moved.ranks["Nice"] == 1 and moved.weights == {"pax": 1.0, "students": 0.0}


@pytest.mark.parametrize("weights, expected", [
    ({"pax": -1.0}, "weight of indicator 'pax' is negative"),
    ({"pax": 0.0, "students": 0.0}, "weights sum to zero"),
    ({"tonnage": 1.0}, "no compass indicator tonnage"),
])
def test_bad_weights_are_refused_naming_the_indicator_and_the_fix(weights, expected):
    with pytest.raises(BarometerError) as exc:
        compute_compass(_reports(), {}, weights)
    assert expected in exc.value.message and exc.value.fix


def test_cli_prints_the_barometer_and_refuses_bad_weights(settings, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    assert main(["barometer", "--draws", "20"]) == 0
    out = capsys.readouterr().out
    assert "Airport passengers [airport_passengers]" in out and "2. Aix-Marseille-Provence: 11,7 (2024) [TER-017]" in out
    assert "left out [PAI-031]" in out and "one territory only" in out and "Compass" in out
    assert main(["barometer", "--json", "--draws", "20", "--weight", "teu=2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["compass"]["weights"]["teu"] == 2.0 and doc["home"] == "AMP"
    assert main(["barometer", "--weight", "teu=-1"]) == 2
    assert "negative" in capsys.readouterr().err
    assert main(["barometer", "--weight", "teu"]) == 2


def test_an_empty_indicator_list_is_refused():
    with pytest.raises(BarometerError) as exc:
        build_barometer([], {}, TERR, TODAY)
    assert "corpus/indicators.yaml" in exc.value.fix
