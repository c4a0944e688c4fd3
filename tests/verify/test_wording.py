"""Wording parity: validate refuses a wording whose figures differ from its fact or from the other language."""
from __future__ import annotations

import subprocess
import sys

from pipeline.corpus.facts import load_corpus
from pipeline.verify.figures import extract_figures
from pipeline.verify.wording import parity_validation, wording_checker, wording_problems
from tests.conftest import REPO, TODAY, edit_fact


def _validate(corpus_dir, tmp_path):
    env = {"STUDIO_CORPUS_DIR": str(corpus_dir), "STUDIO_DATA_DIR": str(tmp_path / "data"),
           "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "pipeline", "validate"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_shipped_wordings_have_no_parity_error(corpus_dir):
    facts, _ = load_corpus(corpus_dir, TODAY)
    errors = [i for i in parity_validation(facts, corpus_dir) if i.level == "error"]
    assert errors == []


def test_an_english_wording_with_another_figure_is_an_error_naming_the_fact_and_the_fix(corpus_dir, tmp_path):
    edit_fact(corpus_dir, "MAR-001", "handled 70.5 million tonnes", "handled 75.5 million tonnes")
    p = _validate(corpus_dir, tmp_path)
    assert p.returncode == 1
    line = next(x for x in p.stdout.splitlines() if x.startswith("ERROR") and "[MAR-001]: wording_en" in x)
    assert "maritime.yaml" in line and "75.5" in line and "fix: make wording_en give the figures" in line
    assert "figures differ from wording_fr" in p.stdout  # the French one says 70,5: both lines name the gap


def test_a_wording_is_judged_on_the_statement_not_on_itself(corpus_dir):
    facts, _ = load_corpus(corpus_dir, TODAY)
    checker = wording_checker(facts)
    mar = next(f for f in facts if f.id == "MAR-001")
    assert wording_problems(mar, checker, mar.wording_fr, "fr") == []
    wrong = mar.wording_fr.replace("70,5", "71,5")
    problems = wording_problems(mar, checker, wrong, "fr")
    assert any(p.startswith("contradicted") for p in problems), problems
    assert any("figures differ from wording_en" in p for p in problems)
    # a stale fact's wording is still judged on what it says, not refused for the fact's age
    stale = next(f for f in facts if f.is_stale(TODAY) and f.wording_fr)
    assert not any("stale" in p for p in wording_problems(stale, checker, stale.wording_fr, "fr"))


def test_a_lone_scale_word_is_a_figure():
    (g,) = [g for g in extract_figures("Le bâti avoisine le million de mètres carrés.", "fr")]
    assert (g.value, g.unit) == (1e6, "m2")
    (g,) = extract_figures("Elle comptera à terme plus d'un million de m² d'entrepôts.", "fr")
    assert (g.value, g.hedge) == (1e6, "min")
    assert extract_figures("C'est un des premiers ports.", "fr") == []
