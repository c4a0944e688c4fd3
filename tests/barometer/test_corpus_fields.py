"""Territories, indicators and perimeters in the corpus: the peers imported whole, validate's messages, old facts'
hashes unchanged, and no comparison fact reaching a draft, an answer or a default search."""
from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import date

import pytest

from pipeline.corpus.catalogue import find_page, load_pages
from pipeline.corpus.facts import load_corpus, load_filieres, read_corpus
from pipeline.corpus.peer_import import UNDATED, UNTITLED, peer_facts
from pipeline.corpus.seed_import import review_date
from pipeline.index.ingest import sync
from pipeline.types import FactFilter
from tests.conftest import SEED, TODAY, FakeChatModel, FakeEmbedder, edit_fact
from tests.draft.test_compose import make_drafter
from tests.fakes.index import FakeFactIndex


def issues_of(corpus_dir, level=None):
    _, issues = read_corpus(corpus_dir, TODAY)
    return [i for i in issues if level is None or i.level == level]


def test_the_peer_facts_are_in_the_corpus_with_their_ids_sources_and_statements(corpus_dir):
    facts, _ = load_corpus(corpus_dir, TODAY)
    by_id = {f.id: f for f in facts}
    with (SEED / "peers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 119
    for r in rows:
        f = by_id[r["id"]]
        assert f.statement_fr == r["statement_fr"] and f.statement_en == r["statement_en"]
        assert f.value == r["value"] and f.unit == r["unit"] and f.source.url == r["source_url"]
        assert f.source.title == r["source_title"] or (not r["source_title"] and f.source.title.startswith(UNTITLED))
        assert f.territory == r["territory"] and f.indicator == r["indicator"] and f.perimeter
        assert set(f.conflict_with) == {c for c in r["conflict_with"].split(";") if c}
        assert f.year == (int(r["year"]) if r["year"] else 0) and (r["year"] or f.year_note == UNDATED)
        if f.year:  # the seed's review rule
            assert f.review_by == review_date(f.year, f.unit, f.verified_on)
    assert by_id["PAI-117"].perimeter == "departement" and by_id["PAI-041"].perimeter == "airport"


def test_the_peers_file_is_what_the_importer_writes_from_the_csv():
    written = {f["id"]: f for f in peer_facts(SEED / "peers.csv", date(2026, 12, 2))}
    assert len(written) == 119 and written["PAI-019"].get("year") is None  # areas carry no year


def test_fields_left_out_keep_a_facts_content_hash(corpus_dir):
    facts, _ = load_corpus(corpus_dir, TODAY)
    plain = next(f for f in facts if f.id == "SPO-007")
    assert not {"territory", "indicator", "perimeter"} & set(plain.to_dict())
    tagged = next(f for f in facts if f.id == "MAR-001")
    assert tagged.to_dict()["indicator"] == "port_tonnage" and tagged.to_dict()["perimeter"] == "port"
    # tagging a fact for the barometer leaves the hash drafts record as it was: no draft turns stale for it; the
    # index still sees the change (record_hash) and updates its copy without re-embedding
    untagged = replace(tagged, indicator="", perimeter="")
    assert tagged.content_hash == untagged.content_hash == untagged.record_hash != tagged.record_hash
    assert replace(tagged, territory="Lyon").content_hash != tagged.content_hash  # a territory is content


def test_tagging_a_fact_updates_the_index_without_reembedding(settings, corpus_dir):
    emb = FakeEmbedder()
    idx = FakeFactIndex(emb.name)
    facts, _ = load_corpus(corpus_dir, TODAY)
    sync(idx, facts, load_filieres(corpus_dir), emb)
    edit_fact(corpus_dir, "MAR-005", "  perimeter: port\n", "  perimeter: city\n")
    facts, _ = load_corpus(corpus_dir, TODAY)
    report = sync(idx, facts, load_filieres(corpus_dir), emb)
    assert report.updated == ["MAR-005"] and report.reembedded == 0
    assert [it.fact.perimeter for it in idx.all_facts() if it.id == "MAR-005"] == ["city"]


@pytest.mark.parametrize("fact_id, old, new, expected, fix", [
    ("MAR-001", "indicator: port_tonnage", "indicator: tonnage", "unknown indicator 'tonnage'", "corpus/indicators"),
    ("MAR-001", "perimeter: port", "perimeter: harbour", "unknown perimeter 'harbour'", "use one of"),
    ("PAI-003", "territory: Lyon", "territory: Lyon Métropole", "unknown territory 'Lyon Métropole'", "territories"),
])
def test_bad_barometer_fields_are_errors_naming_the_fact_and_the_fix(corpus_dir, fact_id, old, new, expected, fix):
    edit_fact(corpus_dir, fact_id, old, new)
    errs = issues_of(corpus_dir, "error")
    assert [e for e in errs if e.fact_id == fact_id and expected in e.message and fix in e.fix], \
        [e.render() for e in errs]


def test_unit_and_perimeter_mismatches_are_warnings_naming_fact_indicator_and_fix(corpus_dir):
    warns = {(w.fact_id, w.message.split(" ")[0]): w for w in issues_of(corpus_dir, "warning")}
    unit = warns[("PAI-031", "unit")]  # 11 167 485 passengers, where the indicator counts millions
    assert "airport_passengers" in unit.message and "'million passengers'" in unit.fix
    per = warns[("PAI-117", "perimeter")]  # Alpes-Maritimes filming days against the city's
    assert "filming_days" in per.message and "perimeter: city" in per.fix
    assert not issues_of(corpus_dir, "error")


@pytest.mark.parametrize("old, new, expected", [
    ("  weight: 0.5\n", "  weight: -1\n", "weight -1 is negative"),
    ("  direction: lower\n  dimension: talents", "  direction: down\n  dimension: talents", "direction 'down'"),
    ("  unit: congresses\n", "  unit: congresses\n  colour: red\n", "unknown field 'colour'"),
])
def test_bad_indicator_definitions_are_errors(corpus_dir, old, new, expected):
    path = corpus_dir / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    errs = issues_of(corpus_dir, "error")
    assert [e for e in errs if expected in e.message and e.fix and "indicators.yaml" in e.file], \
        [e.render() for e in errs]


def test_all_compass_weights_zero_is_an_error(corpus_dir):
    path = corpus_dir / "indicators.yaml"
    path.write_text(re.sub(r"weight: [0-9.]+", "weight: 0", path.read_text(encoding="utf-8")), encoding="utf-8")
    errs = issues_of(corpus_dir, "error")
    assert [e for e in errs if "every compass weight is zero" in e.message and "above 0" in e.fix]


def test_a_corpus_without_the_barometer_files_still_loads(corpus_dir):
    (corpus_dir / "facts" / "peers.yaml").unlink()
    (corpus_dir / "indicators.yaml").unlink()
    (corpus_dir / "territories.yaml").unlink()
    for name in ("maritime", "territoire", "tourisme", "cinema", "investissement", "agence"):
        path = corpus_dir / "facts" / f"{name}.yaml"
        path.write_text(re.sub(r"  (indicator|perimeter): .*\n", "", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    facts, _ = load_corpus(corpus_dir, TODAY)
    assert len(facts) == 159


# ---------------------------------------------------------------- no peer figure on a home page
def _drafter(settings):
    drafter = make_drafter(settings, FakeChatModel())
    return drafter, drafter.retriever


def test_peer_facts_never_reach_a_draft_even_with_a_wording(settings):
    # give Lyon's and Nice's airport facts publication wordings: only the territory keeps them out of drafts
    for fid, text in (("PAI-035", "En 2024, l'aéroport de Lyon a accueilli 10 463 678 passagers."),
                      ("PAI-041", "En 2024, l'aéroport de Nice a accueilli 14,8 millions de passagers.")):
        edit_fact(settings.corpus_dir, fid, "  value:", f"  wording_fr: {text}\n  wording_status: seed\n  value:")
    drafter, retriever = _drafter(settings)
    assert retriever.fact("PAI-035").wording_fr
    spec = find_page(load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), "site-territoire")
    plan = drafter.plan(spec, "fr")
    planned = [h.fact for s in plan.sections for h in s.facts]
    assert planned and not [f.id for f in planned if f.territory]
    assert "PAI-" not in " ".join(plan.notes)
    # the same search that feeds drafts and answers finds them only when asked
    query = "passagers de l'aéroport en 2024"
    assert not [h for h in retriever.search(query, k=20) if h.fact.territory]
    wide = retriever.search(query, k=20, flt=FactFilter(include_comparison=True))
    assert {"PAI-035", "PAI-041"} & {h.fact.id for h in wide}


def test_comparison_facts_do_not_crowd_the_home_facts_out_of_a_search(settings, tmp_path):
    _, with_peers = _drafter(settings)
    (settings.corpus_dir / "facts" / "peers.yaml").unlink()
    _, without = _drafter(settings.with_(data_dir=tmp_path / "other"))
    for q in ("trafic du port de Marseille-Fos", "population de la métropole", "jours de tournage à Marseille"):
        assert [h.fact.id for h in with_peers.search(q, k=8, mode="dense")] == \
               [h.fact.id for h in without.search(q, k=8, mode="dense")]


def test_validate_says_which_barometer_figures_are_weak(corpus_dir):
    warns = issues_of(corpus_dir, "warning")
    weak = [w for w in warns if "weak source" in w.message]
    assert [w.fact_id for w in weak] == ["PAI-001"] and "official" in weak[0].fix  # read on a search-results page
    undated = {w.fact_id for w in warns if w.message.startswith("no year")}
    assert undated == {f"PAI-{n:03d}" for n in range(19, 31)}  # the areas their sources do not date


def test_import_peers_writes_the_shipped_file_again(tmp_path, monkeypatch, capsys):
    from pipeline.cli.main import main
    from tests.conftest import REPO
    (tmp_path / "corpus" / "facts").mkdir(parents=True)
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(tmp_path / "corpus"))
    args = ["barometer", "import-peers", str(SEED / "peers.csv"), "--verified-on", "2026-12-02"]
    assert main(args) == 0 and "119 facts" in capsys.readouterr().out
    assert (tmp_path / "corpus" / "facts" / "peers.yaml").read_text(encoding="utf-8") == \
        (REPO / "corpus" / "facts" / "peers.yaml").read_text(encoding="utf-8")
    assert main(args) == 2 and "--overwrite" in capsys.readouterr().err  # never replaced unasked
