"""The review screen, headless with AppTest: sign-in first, the queue, a flagged draft beside its facts, edit,
approve, refusals, and markup shown as text."""
from __future__ import annotations

import pytest

from pipeline.review import ReviewDesk
from pipeline.store import DraftRecord, DraftStore
from pipeline.verify import ClaimChecker
from tests.conftest import TODAY
from tests.test_app import indexed, people, start  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def drafts(indexed, people):
    from pipeline.fact_base import current_facts
    from pipeline.embedding import default_embedder
    checker = ClaimChecker(current_facts(indexed, default_embedder()), TODAY)
    store = DraftStore.for_data_dir(indexed.data_dir)

    def add(page, text):
        rep = checker.check(text, "fr")
        report = rep.to_json()
        report["flagged"] = [s.text for s in rep.sentences if s.status != "supported"]
        return store.add(DraftRecord(page_id=page, lang="fr", title=page, text=text,
                                     facts=[{"id": "MAR-001", "content_hash": checker.facts["MAR-001"].content_hash}],
                                     prompt_name="page", prompt_hash="h", backend="fake", model="m", params={},
                                     tokens_in=1, tokens_out=1, tokens_estimated=2, cost_estimate=0.0, timings={},
                                     check_report=report))
    return {"good": add("site-maritime-investors", "# Port\n\nLe Grand Port Maritime de Marseille a traité 70,5 millions "
                                                   "de tonnes en 2024 [MAR-001]."),
            "bad": add("site-maritime-talents", "# Port\n\nLe port a traité 95 millions de tonnes en 2024 [MAR-001]. "
                                                "<script>alert('x')</script>")}


def open_draft(at, draft_id):
    at.selectbox(key="queue_open").set_value(draft_id)
    at.button(key="open_draft").click().run()
    return at


def test_nothing_but_sign_in_without_a_user(indexed, monkeypatch, drafts):
    at = start(indexed, monkeypatch)
    assert at.title[0].value == "Studio — connexion"
    assert not at.dataframe and not at.sidebar.radio and len(at.text_input) == 2


def test_wrong_password_is_refused_and_logged(indexed, monkeypatch, drafts):
    at = start(indexed, monkeypatch)
    at.text_input(key="signin_user").input("editor1")
    at.text_input(key="signin_password").input("not the password")
    at.button[0].click().run()
    assert any("wrong user name or password" in e.value for e in at.error)
    desk = ReviewDesk(DraftStore.for_data_dir(indexed.data_dir))
    assert desk.audit_log()[0]["action"] == "sign_in_failed"
    at.text_input(key="signin_password").input("correct horse battery")
    at.button[0].click().run()
    assert at.session_state["user"].username == "editor1"


def test_queue_and_flagged_draft_beside_its_facts(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["editor"])
    assert at.header[0].value == "File de relecture" and at.dataframe
    at = open_draft(at, drafts["bad"].id)
    page = "\n".join(m.value for m in at.markdown)
    assert '<mark class="flag"' in page and "contradicted" in page
    assert "&lt;script&gt;" in page and "<script>" not in page  # markup from a draft is shown, never run
    assert "[MAR-001]" in page and "70,5 millions de tonnes" in page  # the fact beside the text
    assert not [b for b in at.button if b.key == "approve"]  # an editor sees no approve button


def test_edit_makes_a_new_checked_version(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["editor"]), drafts["bad"].id)
    at.text_area(key=f"edit_{drafts['bad'].id}").input(
        "# Port\n\nLe Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024 [MAR-001].")
    at.button(key="save").click().run()
    assert any("Nouvelle version" in s.value for s in at.success)
    newest = [r for r in DraftStore.for_data_dir(indexed.data_dir).list(page_id="site-maritime-talents")][-1]
    assert newest.version == 2 and newest.author == "editor1" and newest.check_report["flagged"] == []


def test_approver_refused_over_flags_then_approves_a_clean_draft(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["approver"]), drafts["good"].id)
    at.button(key="approve").click().run()
    assert any("Approuvé" in s.value for s in at.success)
    assert DraftStore.for_data_dir(indexed.data_dir).get(drafts["good"].id).status == "approved"


def test_approval_over_flags_needs_a_written_override(indexed, monkeypatch, people, drafts):
    store = DraftStore.for_data_dir(indexed.data_dir)
    bad = store.get(drafts["bad"].id)
    from dataclasses import replace
    flagged = store.add(replace(bad, id=None, version=None, status="draft", page_id="site-energie-investors"))
    at = open_draft(start(indexed, monkeypatch, people["approver"]), flagged.id)
    at.button(key="approve").click().run()
    assert any("not backed by a verified fact" in e.value for e in at.error)
    assert store.get(flagged.id).status == "draft"
    at.text_input(key="override").input("Chiffre confirmé par téléphone avec le port")
    at.button(key="approve").click().run()
    assert store.get(flagged.id).status == "approved"
    assert ReviewDesk(store).audit_log()[0]["action"] == "approve_override"
