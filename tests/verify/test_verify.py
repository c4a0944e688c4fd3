"""The claim checker: each status on real facts, bad input, and the figures the issue asks for."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from pipeline.corpus.facts import load_corpus
from pipeline.verify.checker import ClaimChecker, split_sentences
from pipeline.verify.evaluate import evaluate_claims, read_claims
from tests.conftest import REPO, TODAY, edit_fact


@pytest.fixture(scope="module")
def checker():
    facts, _ = load_corpus(REPO / "corpus", TODAY)
    return ClaimChecker(facts, TODAY)


def status(checker, text, lang="fr"):
    report = checker.check(text, lang)
    assert len(report.sentences) == 1, [s.text for s in report.sentences]
    return report.sentences[0]


def test_supported_with_reformatted_and_hedged_figures(checker):
    v = status(checker, "En 2024, le port de Marseille-Fos a traité 70,5 Mt [MAR-001].")
    assert v.status == "supported" and v.fact_ids == ["MAR-001"]
    v = status(checker, "The port of Marseille-Fos handled some 70 million tonnes in 2024 [MAR-001].", "en")
    assert v.status == "supported"
    v = status(checker, "Airbus Helicopters compte 12 500 collaborateurs à Marignane-Vitrolles [AER-011].")
    assert v.status == "supported"


def test_contradicted_shows_both_figures(checker):
    v = status(checker, "Le port de Marseille-Fos a traité 75 millions de tonnes en 2024 [MAR-001].")
    assert v.status == "contradicted" and "75 millions" in v.reason and "70,5" in v.reason
    v = status(checker, "Le port de Marseille-Fos a traité 70,5 millions de tonnes en 2022 [MAR-001].")
    assert v.status == "contradicted" and "2024" in v.reason
    v = status(checker, "Le port de Marseille-Fos a traité 70,5 millions d'EVP en 2024 [MAR-001].")
    assert v.status == "contradicted" and "tonne" in v.reason


def test_a_contradiction_names_each_figure_of_the_fact_once(checker):
    """The fact's statement and its wordings in both languages hold the same figure: the reason says it once."""
    v = status(checker, "Le port a traité 95 millions de tonnes en 2024 [MAR-001].")
    assert v.status == "contradicted" and v.reason.count("[MAR-001]") == 1, v.reason


def test_figure_of_a_conflicting_fact_is_named(checker):
    v = status(checker, "ITER réunit 35 pays [ENE-002].")
    assert v.status == "contradicted" and "ENE-005" in v.reason


def test_unsupported_and_invented_figures(checker):
    v = status(checker, "Airbus Helicopters emploie 12 500 collaborateurs et 400 apprentis [AER-011].")
    assert v.status == "unsupported" and "400" in v.reason
    v = status(checker, "Provence Studios compte 12 500 collaborateurs [CIN-008].")
    assert v.status in ("unsupported", "contradicted")


def test_uncited_sentences_are_backed_by_the_right_entity_only(checker):
    v = status(checker, "Airbus Helicopters compte 12 500 collaborateurs à Marignane-Vitrolles.")
    assert v.status == "supported" and v.fact_ids == ["AER-011"] and "add the citation" in v.reason
    v = status(checker, "Provence Studios compte 12 500 collaborateurs.")  # the figure belongs to Airbus
    assert v.status == "unsupported"
    v = status(checker, "Airbus Helicopters est un acteur majeur de l'aéronautique.")
    assert v.status == "uncited" and "Airbus Helicopters" in v.reason
    v = status(checker, "Le soleil brille souvent ici.")  # nothing to back: a connective, publishable
    assert v.status == "connective" and v.ok


def test_dangling_citations(checker):
    assert status(checker, "Un chiffre inventé : 42 % [FACT-999].").status == "dangling_citation"
    v = status(checker, "La Métropole compte 92 communes [TER-001].")  # TER-001 (2015) is stale
    assert v.status == "dangling_citation" and "stale" in v.reason and v.figure_status == "supported"


def test_retired_citation_is_dangling(tmp_path, corpus_dir):
    edit_fact(corpus_dir, "MAR-001", "status: verified", "status: retired")
    facts, _ = load_corpus(corpus_dir, TODAY)
    v = ClaimChecker(facts, TODAY).check("Le port a traité 70,5 Mt en 2024 [MAR-001].").sentences[0]
    assert v.status == "dangling_citation" and "retired" in v.reason


def test_malformed_citations_are_reported_not_crashing(checker):
    report = checker.check("Le port a traité 70,5 Mt en 2024 [[MAR-001]]. Une phrase [FACT- coupée. Et [MAR-")
    notes = [n for s in report.sentences for n in s.notes]
    assert report.sentences[0].status == "supported"
    assert any("double brackets" in n for n in notes) and any("malformed citation" in n for n in notes)


def test_sentence_splitting_keeps_decimals_and_trailing_citations():
    text = "Le port a traité 70,5 Mt en 2024. [MAR-001] Il a traité 1.45 million d'EVP.\n\n## Titre\n- Point un."
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans == ["Le port a traité 70,5 Mt en 2024. [MAR-001]", "Il a traité 1.45 million d'EVP.",
                     "## Titre", "- Point un."]


def test_empty_other_language_and_huge_texts(checker):
    assert checker.check("   ").sentences == [] and "empty" in checker.check("").notes[0]
    german = "Der Hafen von Marseille-Fos hat im Jahr 2024 insgesamt 70,5 Millionen Tonnen umgeschlagen. " * 5
    report = checker.check(german)
    assert any("does not look French or English" in n for n in report.notes)
    big = ("Le port de Marseille-Fos a traité 70,5 Mt en 2024 [MAR-001]. Airbus compte 900 salariés [AER-011].\n"
           * 20000)  # about 2 MB
    t0 = time.monotonic()
    report = checker.check(big)
    assert len(report.sentences) == 40000 and report.counts()["supported"] == 20000
    assert time.monotonic() - t0 < 120


def test_cli_check_json_and_exit_codes(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("Le port de Marseille-Fos a traité 70,5 Mt en 2024 [MAR-001].", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("Le port de Marseille-Fos a traité 80 Mt en 2024 [MAR-001].", encoding="utf-8")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    env = {"STUDIO_DATA_DIR": str(tmp_path / "none"), "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin"}

    def run(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "pipeline", "check", *args], cwd=REPO, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)
    p = run(str(good), "--json")
    assert p.returncode == 0
    out = json.loads(p.stdout)
    s = out["sentences"][0]
    assert {"text", "status", "fact_ids", "figures", "reason"} <= set(s) and s["status"] == "supported"
    p = run(str(bad))
    assert p.returncode == 1 and "contradicted" in p.stdout
    p = run(str(binary))
    assert p.returncode == 2 and "binary" in p.stderr
    p = run("-", stdin="")
    assert p.returncode == 2 and "empty" in p.stderr
    p = run(str(tmp_path / "missing.md"))
    assert p.returncode == 2 and "cannot read" in p.stderr


@pytest.mark.parametrize("name", ["claims_labelled.csv", "claims_heldout.csv"])
def test_labelled_sets_reach_the_issue_figures(checker, name):
    path = REPO / "bench" / "data" / name
    result = evaluate_claims(checker, read_claims(path))["figure_check"]
    assert result["caught"] >= 0.95, result
    assert result["false_flags_on_true"] <= 0.05, result


def test_llm_judge_annotates_and_parses_answers(checker):
    from pipeline.verify.judge import LLMJudge
    from tests.conftest import FakeChatModel
    model = FakeChatModel("YES", "No.", "maybe")
    report = checker.check("Le port de Marseille-Fos a traité 70,5 Mt en 2024 [MAR-001]. "
                           "Provence Studios traite 70,5 Mt en 2024 [MAR-001]. CMA CGM a été fondée en 1978 [MAR-011].")
    LLMJudge(model, checker).annotate(report)
    assert [s.judge for s in report.sentences] == [True, False, None]
    assert report.sentences[1].semantic_ok is False and report.sentences[0].semantic_ok
    assert "[MAR-001]" in model.prompts[0][1] and "Provence Studios" in model.prompts[1][1]
    assert report.to_json()["sentences"][0]["semantic"]["judge"] is True
