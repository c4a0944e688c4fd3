"""The "Propositions de faits" page (AppTest): editors only; each waiting proposal shows its sentence and what it may
duplicate; confirming a duplicate is refused and said, nothing written; confirming another writes it into the corpus
as a draft fact under the signed-in person's name; discarding leaves the corpus as it was."""
from __future__ import annotations

import pytest

from pipeline.corpus.facts import load_corpus
from pipeline.resources import proposals as pr
from tests.conftest import TODAY, nav_pages, open_page, start

pytestmark = pytest.mark.integration

DOC = ("En 2024, le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes de marchandises. "
       "En 2022, le musée du Santon a accueilli 12 345 visiteurs pour ses expositions.")


@pytest.fixture(scope="module")
def waiting(indexed):
    facts, _ = load_corpus(indexed.corpus_dir, TODAY)
    found = pr.propose(DOC, "fr", "compte-rendu.md", facts, "Compte rendu", "https://example.org/cr.md")
    pr.record(indexed.data_dir, found)
    return found


def test_editors_confirm_or_discard_and_only_then_the_corpus_changes(indexed, monkeypatch, people, waiting):
    port, museum = waiting
    assert "Propositions de faits" not in nav_pages(start(indexed, monkeypatch, people["viewer"]))
    at = open_page(start(indexed, monkeypatch, people["editor"]), "Propositions de faits")
    assert not at.exception and at.header[0].value == "Faits proposés à partir de documents"
    assert [e.label for e in at.expander if "compte-rendu.md" in e.label] == [
        "70,5 millions de tonnes · 2024 — compte-rendu.md", "12 345 visiteurs · 2022 — compte-rendu.md"]
    assert any("MAR-001" in w.value for w in at.warning)  # the duplicate said
    before = (indexed.corpus_dir / "facts" / "culture.yaml").read_text(encoding="utf-8")
    at.selectbox(key=f"pf_{port.id}").select("maritime").run()
    at.button(key=f"pc_{port.id}").click().run()
    assert any("MAR-001" in e.value for e in at.error)  # refused: a duplicate (said, nothing written)
    at.selectbox(key=f"pf_{museum.id}").select("culture").run()
    at.button(key=f"pc_{museum.id}").click().run()
    assert not at.exception and any("en brouillon" in s.value for s in at.success), [s.value for s in at.success]
    after = (indexed.corpus_dir / "facts" / "culture.yaml").read_text(encoding="utf-8")
    assert after.startswith(before) and "12 345" in after
    new = [f for f in load_corpus(indexed.corpus_dir, TODAY)[0] if "musée du Santon" in f.statement_fr]
    assert len(new) == 1 and new[0].status == "draft" and new[0].verified_by == "editor1"
    at.button(key=f"pd_{port.id}").click().run()
    assert pr.load(indexed.data_dir)[port.id].status == "discarded"
    assert "compte-rendu.md" not in (indexed.corpus_dir / "facts" / "maritime.yaml").read_text(encoding="utf-8")
