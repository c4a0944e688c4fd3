"""The "Baromètre" page (AppTest): charts whose every point is a fact's figure with its year, source and id, a table
under each chart, read-only weights for viewers, sliders for editors that move the positions."""
from __future__ import annotations

import json
import time

import pyarrow as pa
import pytest

from pipeline.barometer.model import parse_value
from pipeline.corpus.facts import load_corpus
from tests.conftest import TODAY, nav_pages, open_page, start


def chart_elements(at) -> list:
    return list(at.get("vega_lite_chart"))


def chart_values(at) -> list[list[dict]]:
    """The rows each Altair chart on the page was given (Streamlit sends them as Arrow)."""
    out = []
    for c in chart_elements(at):
        rows = pa.ipc.open_stream(c.proto.data.data).read_all().to_pylist() if c.proto.data.data else []
        for d in c.proto.datasets:
            rows += pa.ipc.open_stream(d.data.data).read_all().to_pylist()
        out.append(rows)
    return out


@pytest.fixture(scope="module")
def facts(indexed):
    return {f.id: f for f in load_corpus(indexed.corpus_dir, TODAY)[0]}


def test_viewer_sees_charts_backed_by_facts_and_tables_but_no_sliders(indexed, monkeypatch, people, facts):
    at = start(indexed, monkeypatch, people["viewer"])
    assert "Baromètre" in nav_pages(at)
    at = open_page(at, "Baromètre")
    assert not at.exception and at.header[0].value == "Baromètre de l'attractivité"
    assert not at.slider  # weights are read-only for a viewer
    at.selectbox(key="barometre_indicateur").select("Passagers de l'aéroport").run()
    assert not at.exception
    values = chart_values(at)
    assert len(values) == 3  # the compass, the home's series, the peer comparison
    figures = [v for vs in values[1:] for v in vs]
    assert {v["fait"] for v in figures} >= {"TER-017", "PAI-041", "PAI-034"}
    for v in figures:  # every point: one fact's value, its year, its source and its id
        f = facts[v["fait"]]
        assert v["valeur"] == parse_value(f.value) and v["année"] == f.year and v["source"] == f.source.title
    spec = json.loads(chart_elements(at)[2].proto.spec)
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"chiffre", "année", "source", "fait"}
    tables = [d.value for d in at.dataframe]
    assert any("Fait" in t.columns and "TER-017" in set(t["Fait"]) for t in tables)  # the table under the chart
    assert any("Fait" in t.columns and "PAI-031" in set(t["Fait"]) and "Raison" in t.columns for t in tables)


def test_editor_moves_the_positions_with_the_weights(indexed, monkeypatch, people):
    at = open_page(start(indexed, monkeypatch, people["editor"]), "Baromètre")
    assert not at.exception and at.slider

    def ranking(at):
        table = next(d.value for d in at.dataframe if "Score global" in d.value.columns)
        return list(zip(table["Territoire ou port"], table["Score global"]))
    before = ranking(at)
    for s in at.slider:
        s.set_value(0.0)
    at.slider(key="poids_student_city_rank").set_value(3.0)
    at.run()
    after = ranking(at)
    assert not at.exception and after != before
    assert after[0][0] in ("Toulouse", "Montpellier")  # first in the student cities' ranking
    at.slider(key="poids_student_city_rank").set_value(0.0)
    at.run()
    assert [e for e in at.error if "Pondérations refusées" in e.value]  # all weights at zero: refused, said


def test_the_page_renders_quickly_once_cached(indexed, monkeypatch, people):
    at = open_page(start(indexed, monkeypatch, people["viewer"]), "Baromètre")
    t0 = time.perf_counter()
    at.run()
    print(f"barometer page rerun in AppTest: {time.perf_counter() - t0:.2f} s")  # measured, not asserted
    assert not at.exception
