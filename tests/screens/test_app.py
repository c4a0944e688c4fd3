"""The search page, run headless with Streamlit's AppTest on a real index."""
from __future__ import annotations

import re

import pytest

from tests.conftest import open_page, start

pytestmark = pytest.mark.integration


@pytest.fixture
def app(indexed, monkeypatch, people):
    return open_page(start(indexed, monkeypatch, people["viewer"]), "Base de faits")


def test_search_shows_facts_with_sources_and_conflicts(app):
    assert not app.exception
    assert app.sidebar.metric[0].value == "278"
    app.text_input(key="query").input("Combien de communes compte la Métropole ?")
    app.button[0].click().run()
    text = "\n".join(m.value for m in app.markdown)
    assert "[TER-001]" in text and "92 communes" in text
    assert any("AGE-009" in i.value for i in app.info)  # the conflict is shown, not hidden
    assert any("businews.fr" in c.value for c in app.caption)


def test_filiere_filter_and_stale_marks(app):
    app.text_input(key="query").input("emplois")
    app.selectbox[0].select("aeronautique")
    app.button[0].click().run()
    ids = [m.group(1) for m in (re.match(r"\*\*\d+\. \[([A-Z]+-\d+)\]", x.value) for x in app.markdown) if m]
    assert ids and all(i.startswith("AER-") for i in ids)
    assert any("à revérifier" in w.value for w in app.warning)


def test_empty_query_gets_a_message_not_a_crash(app):
    app.button[0].click().run()
    assert not app.exception
    assert any("la recherche est vide" in e.value for e in app.error)  # the retriever's refusal, in French


def test_ask_tab_answers_with_citations_or_abstains(app):
    app.text_input(key="question").input("Combien de pays participent à ITER ?")
    app.checkbox(key="use_model").uncheck()  # facts' own statements: no model needed for this page test
    ask = next(b for b in app.button if b.label == "Demander")
    ask.click().run()
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    assert "[ENE-002]" in text and "Les sources divergent" in text
    app.text_input(key="question").input("How many visitors did the MuCEM receive in 2024?")
    next(b for b in app.button if b.label == "Demander").click().run()
    assert any("no verified answer" in w.value for w in app.warning)
