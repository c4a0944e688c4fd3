"""Citable results: `barometer cite` writes the barometer's ranks and changes as derived facts with the facts they were
computed from; the checker verifies a sentence citing one like any fact; it goes stale (and so do the drafts citing
it) when one of its facts does, changes or is retired; recomputing keeps its id."""
from __future__ import annotations

import json

import yaml

from pipeline.cli.main import main
from pipeline.corpus.facts import load_corpus
from pipeline.draft.staleness import StalenessJudge
from pipeline.store.record import DraftRecord
from pipeline.verify.checker import ClaimChecker
from tests.conftest import TODAY, edit_fact

SITE = "https://www.example.org/"


def cite(monkeypatch, capsys, settings, *extra):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    code = main(["barometer", "cite", "--json", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def loaded(settings):
    facts, warnings = load_corpus(settings.corpus_dir, TODAY)
    return {f.id: f for f in facts}, warnings


def airport_rank(facts):
    return next(f for f in facts.values() if f.notes == "barometer: rank airport_passengers")


def draft_citing(f) -> DraftRecord:
    return DraftRecord(page_id="p", lang="fr", title="t", text=f"{f.wording_fr} [{f.id}]",
                       facts=[{"id": f.id, "content_hash": f.content_hash, "value": f.value}], prompt_name="page",
                       prompt_hash="h", backend="fake", model="m", params={}, tokens_in=0, tokens_out=0,
                       tokens_estimated=0, cost_estimate=0.0, timings={}, check_report={})


def test_a_rank_becomes_a_fact_with_its_inputs_and_the_checker_verifies_it(settings, monkeypatch, capsys):
    code, done = cite(monkeypatch, capsys, settings, "--site-url", SITE)
    assert code == 0 and len(done["added"]) > 10
    facts, warnings = loaded(settings)  # the written file loads without error
    rank = airport_rank(facts)
    assert rank.value == "2" and "2e sur 7" in rank.statement_fr and "2nd of 7" in rank.statement_en
    inputs = dict(rank.derived_from)
    assert {"PAI-041", "TER-017", "PAI-047"} <= set(inputs) and len(inputs) == 7
    assert all(inputs[i] == facts[i].content_hash for i in inputs)
    assert rank.review_by == min(facts[i].review_by for i in inputs) and not rank.is_stale(TODAY)
    assert rank.source.url == SITE + "fr/barometre/airport_passengers.html" and not rank.territory
    checker = ClaimChecker.for_corpus(list(facts.values()), settings)
    ok = checker.check(f"Aix-Marseille-Provence est 2e sur 7 territoires comparés pour les passagers de l'aéroport "
                       f"en 2024 [{rank.id}].", "fr")
    wrong = checker.check(f"Aix-Marseille-Provence est 3e sur 7 territoires comparés pour les passagers de "
                          f"l'aéroport en 2024 [{rank.id}].", "fr")
    assert ok.ok and not wrong.ok
    change = next(f for f in facts.values() if f.notes == "barometer: change airport_passengers")
    assert change.value == "28,3" and set(dict(change.derived_from)) == {"PAI-034", "TER-017"}  # 9.12 -> 11,7


def test_the_result_goes_stale_when_an_input_changes_and_recomputing_keeps_its_id(settings, monkeypatch, capsys):
    cite(monkeypatch, capsys, settings, "--site-url", SITE)
    before, _ = loaded(settings)
    rank = airport_rank(before)
    draft = draft_citing(rank)
    assert not [r for r in StalenessJudge(before, TODAY).reasons(draft) if r.kind == "fact"]
    edit_fact(settings.corpus_dir, "PAI-041", 'value: "14.8"', 'value: "15.1"')  # Nice's figure is corrected
    after, warnings = loaded(settings)
    moved = after[rank.id]
    assert moved.is_stale(TODAY) and moved.content_hash != rank.content_hash
    assert [w for w in warnings if w.fact_id == rank.id and "PAI-041 changed" in w.message and "cite" in w.fix]
    assert [r for r in StalenessJudge(after, TODAY).reasons(draft) if r.item == rank.id]  # the draft is stale
    code, done = cite(monkeypatch, capsys, settings, "--site-url", SITE)
    assert rank.id in done["changed"]  # recomputed under the same id, fresh again
    again, warnings = loaded(settings)
    assert not again[rank.id].is_stale(TODAY) and not [w for w in warnings if w.fact_id == rank.id]
    assert dict(again[rank.id].derived_from)["PAI-041"] == again["PAI-041"].content_hash
    code, done = cite(monkeypatch, capsys, settings, "--site-url", SITE)
    assert rank.id in done["kept"] and not done["changed"] and not done["added"]  # nothing moved: nothing rewritten


def test_a_retired_input_or_a_result_that_no_longer_holds(settings, monkeypatch, capsys):
    cite(monkeypatch, capsys, settings, "--site-url", SITE)
    rank = airport_rank(loaded(settings)[0])
    edit_fact(settings.corpus_dir, "TER-017", "status: verified", "status: retired")  # the home's own figure goes
    facts, warnings = loaded(settings)
    assert facts[rank.id].is_stale(TODAY)
    assert [w for w in warnings if w.fact_id == rank.id and "TER-017 is retired" in w.message]
    code, done = cite(monkeypatch, capsys, settings, "--site-url", SITE)
    # 2024 is no longer in the home's series: the place is now for 2022, or none; the old result changed or retired
    assert rank.id in done["changed"] + done["retired"]
    rows = yaml.safe_load((settings.corpus_dir / "facts" / "barometre.yaml").read_text(encoding="utf-8"))
    assert rank.id in {r["id"] for r in rows}  # never deleted: drafts may cite it


def test_cite_needs_the_sites_address(settings, monkeypatch, capsys):
    monkeypatch.delenv("STUDIO_SITE_URL", raising=False)
    code, err = cite(monkeypatch, capsys, settings)
    assert code == 2 and "--site-url" in err
    assert not (settings.corpus_dir / "facts" / "barometre.yaml").exists()
