"""The review screen, headless with AppTest: sign-in first, the queue (counts, filters, stale marks), a flagged draft
beside its facts, edit, approve, refusals, bad input (deleted fact, empty edit, 1 MB paste, markup in a comment),
markup shown as text, the corpus status page, and a rerun that does not reopen the index."""
from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.verify.checker import ClaimChecker
from tests.conftest import TODAY, edit_fact, nav_pages, open_page, start

pytestmark = pytest.mark.integration
SUPPORTED = "Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024"


@pytest.fixture(scope="module")
def drafts(indexed, people):
    from pipeline.index.embedding import default_embedder
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.prompts import load_prompt
    from pipeline.retrieve.fact_base import current_facts
    checker = ClaimChecker(current_facts(indexed, default_embedder()), TODAY)
    store = DraftStore.for_data_dir(indexed.data_dir)
    llm = llm_settings_from_env()  # drafted with today's prompt and model: only the facts can make them stale

    def add(page, text, lang="fr", cites="MAR-001", content_hash=None, report=None):
        rep = checker.check(text, lang)
        if report is None:
            report = rep.to_json()
            report["flagged"] = [s.text for s in rep.sentences if not s.ok]
        fact = checker.facts.get(cites)
        return store.add(DraftRecord(page_id=page, lang=lang, title=page, text=text,
                                     facts=[{"id": cites, "content_hash": content_hash or fact.content_hash}],
                                     prompt_name="page", prompt_hash=load_prompt("page").content_hash,
                                     backend=llm.backend, model=llm.model, params={"temperature": llm.temperature},
                                     tokens_in=1, tokens_out=1, tokens_estimated=2, cost_estimate=0.0, timings={},
                                     check_report=report))
    good = add("site-maritime-investors", f"# Port\n\n{SUPPORTED} [MAR-001].")
    # checked when GONE-001 still existed (its report says so); the fact was deleted from the base since
    gone_text = f"# Port\n\n{SUPPORTED} [GONE-001]."
    gone_report = {"sentences": [{"text": f"{SUPPORTED} [GONE-001].", "start": 8, "end": len(gone_text),
                                  "status": "supported", "reason": ""}], "flagged": []}
    return {"good": good,
            "bad": add("site-maritime-talents", "# Port\n\nLe port a traité 95 millions de tonnes en 2024 [MAR-001]. "
                                                "<script>alert('x')</script>"),
            "changed": add("argumentaire-aeronautique", f"{SUPPORTED} [MAR-001].", content_hash="0000"),
            "gone": add("argumentaire-maritime", gone_text, cites="GONE-001", content_hash="1111", report=gone_report),
            "english": add("site-territoire", "The port of Marseille handled 70.5 million tonnes in 2024 [MAR-001].",
                           lang="en"),
            "off": add("page-retiree-du-catalogue", f"{SUPPORTED} [MAR-001]."),
            "markup": add("site-sante-investors", f"{SUPPORTED} [MAR-001]."),
            "paste": add("site-sante-talents", f"{SUPPORTED} [MAR-001].")}


def queue_table(at):
    return at.dataframe[0].value if at.dataframe else None


def open_draft(at, draft_id):
    at.selectbox(key="queue_open").set_value(draft_id)
    at.button(key="open_draft").click().run()
    return at


def test_nothing_but_sign_in_without_a_user(indexed, monkeypatch, drafts):
    at = start(indexed, monkeypatch)
    assert at.title[0].value == "Studio — connexion"
    assert not at.dataframe and nav_pages(at) == ["Connexion"] and len(at.text_input) == 2


def test_wrong_password_is_refused_and_logged(indexed, monkeypatch, drafts):
    at = start(indexed, monkeypatch)
    at.text_input(key="signin_user").input("editor1")
    at.text_input(key="signin_password").input("not the password")
    at.button[0].click().run()
    assert any("mot de passe incorrect" in e.value for e in at.error)  # in French now
    assert at.text_input(key="signin_password").value == "" and at.text_input(key="signin_user").value == "editor1"
    desk = ReviewDesk(DraftStore.for_data_dir(indexed.data_dir))
    assert desk.audit_log()[0]["action"] == "sign_in_failed"
    at.text_input(key="signin_password").input("correct horse battery")
    at.button[0].click().run()
    assert at.session_state["user"].username == "editor1"


def test_crafted_session_without_a_user_still_shows_only_the_sign_in(indexed, monkeypatch, drafts):
    at = start(indexed, monkeypatch, nav="audit", draft_id=drafts["bad"].id)
    assert [t.value for t in at.title] == ["Studio — connexion"] and not at.header
    assert not at.markdown and not at.dataframe and not at.text_area and nav_pages(at) == ["Connexion"]


def test_queue_counts_filters_and_stale_reasons(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["viewer"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["à relire"] == str(len(drafts)) and metrics["approuvé"] == "0"
    assert metrics["périmé"] == "3"  # a cited fact changed; a cited fact deleted; a page gone from the catalogue
    table = queue_table(at)
    assert len(table) == len(drafts)
    row = table.set_index("page").loc["page-retiree-du-catalogue"]
    assert row["type"] == "(hors catalogue)"  # a page gone from the catalogue still shows
    assert table.set_index("page").loc["argumentaire-aeronautique"]["type"] == "argumentaire"

    at.multiselect(key="queue_status").set_value(["stale"]).run()
    stale = queue_table(at).set_index("page")["périmé"].to_dict()
    assert stale == {"argumentaire-aeronautique": "[MAR-001] a changé (énoncé, source ou vérification)",  # in French
                     "argumentaire-maritime": "[GONE-001] n'existe plus dans la base de faits",
                     "page-retiree-du-catalogue": "page page-retiree-du-catalogue : n'est plus au catalogue "
                                                  "(corpus/pages.yaml)"}
    at.multiselect(key="queue_status").set_value(["draft"]).run()
    at.selectbox(key="queue_kind").set_value("").run()
    assert list(queue_table(at)["page"]) == ["page-retiree-du-catalogue"]
    at.selectbox(key="queue_kind").set_value("__all__")
    at.selectbox(key="queue_filiere").set_value("maritime").run()
    assert set(queue_table(at)["page"]) == {"site-maritime-investors", "site-maritime-talents", "argumentaire-maritime"}
    at.selectbox(key="queue_filiere").set_value("__all__")
    at.selectbox(key="queue_lang").set_value("en").run()
    assert list(queue_table(at)["page"]) == ["site-territoire"]
    created = drafts["good"].created_at.date()
    at.selectbox(key="queue_lang").set_value("toutes")
    at.date_input(key="queue_until").set_value(created - timedelta(days=1)).run()
    assert queue_table(at) is None and any("Rien à relire" in i.value for i in at.info)
    at.date_input(key="queue_until").set_value(created)
    at.date_input(key="queue_since").set_value(created).run()
    assert len(queue_table(at)) == len(drafts)
    assert not at.exception


def test_queue_and_flagged_draft_beside_its_facts(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["editor"])
    assert at.header[0].value == "File de relecture" and at.dataframe
    at = open_draft(at, drafts["bad"].id)
    page = "\n".join(m.value for m in at.markdown)
    assert '<mark class="flag"' in page and "chiffre contredit" in page  # the status in French now
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
    assert any("ne s'appuient sur aucun fait vérifié" in e.value for e in at.error)  # the desk's refusal, in French
    assert store.get(flagged.id).status == "draft"
    at.text_input(key="override").input("Chiffre confirmé par téléphone avec le port")
    at.button(key="approve").click().run()
    assert store.get(flagged.id).status == "approved"
    assert ReviewDesk(store).audit_log()[0]["action"] == "approve_override"


def test_a_draft_citing_a_deleted_fact_renders_and_cannot_be_approved(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["approver"]), drafts["gone"].id)
    assert not at.exception and at.header  # the page renders
    assert any("[GONE-001] n'existe plus dans la base de faits" in e.value for e in at.error)
    assert any("Périmé : [GONE-001] n'existe plus" in w.value for w in at.warning)
    at.button(key="approve").click().run()  # its stored report was clean: the check at approval catches it
    assert any("ne s'appuient sur aucun fait vérifié" in e.value and "GONE-001 n'existe pas dans la base" in e.value
               for e in at.error)
    assert DraftStore.for_data_dir(indexed.data_dir).get(drafts["gone"].id).status == "draft"


def test_empty_and_unchanged_edits_get_a_message_and_no_version(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["editor"]), drafts["markup"].id)
    box = f"edit_{drafts['markup'].id}"
    at.text_area(key=box).input("   ")
    at.button(key="save").click().run()
    assert any("le texte modifié est vide" in e.value and "écrivez le texte" in e.value for e in at.error)
    at.text_area(key=box).input(drafts["markup"].text)
    at.button(key="save").click().run()
    assert any("rien n'a changé" in e.value for e in at.error)
    assert [r.version for r in DraftStore.for_data_dir(indexed.data_dir).list(page_id="site-sante-investors")] == [1]


def test_a_1mb_paste_is_refused_with_the_limit_and_kept_in_the_box(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["editor"]), drafts["paste"].id)
    box = f"edit_{drafts['paste'].id}"
    pasted = (f"{SUPPORTED} [MAR-001]. " * 12_000)[:1_000_000]
    at.text_area(key=box).input(pasted)
    at.button(key="save").click().run()
    assert any("1\u202f000\u202f000 caractères (au plus 500\u202f000)" in e.value and "reste dans le champ" in e.value
               for e in at.error)
    assert at.text_area(key=box).value == pasted  # nothing lost: the paste is still there to cut down
    assert [r.version for r in DraftStore.for_data_dir(indexed.data_dir).list(page_id="site-sante-talents")] == [1]


def test_a_comment_with_markup_is_stored_as_is_and_shown_as_text(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["viewer"]), drafts["markup"].id)
    at.button(key="comment_btn").click().run()
    assert any("le commentaire est vide" in e.value for e in at.error)
    note = "<b>gras</b> <script>alert(1)</script> **pas gras** [lien](javascript:alert(1))"
    at.text_input(key="comment").input(note)
    at.button(key="comment_btn").click().run()
    assert ReviewDesk(DraftStore.for_data_dir(indexed.data_dir)).comments(drafts["markup"].id)[-1]["text"] == note
    at.run()
    shown = next(m.value for m in at.markdown if "viewer1" in m.value)
    assert "&lt;script&gt;" in shown and "&lt;b&gt;" in shown
    assert "<script>" not in shown and "<b>" not in shown and "**pas" not in shown and "](javascript" not in shown


def test_corpus_status_page(indexed, monkeypatch, people, drafts):
    at = open_page(start(indexed, monkeypatch, people["viewer"]), "État du corpus")
    assert at.header[0].value == "État du corpus" and not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Faits"] == "278" and metrics["Erreurs"] == "0" and int(metrics["À revérifier"]) > 0
    tables = [d.value for d in at.dataframe]
    assert tables[0]["faits"].sum() == 278  # facts per filière (159 seed + 119 peer facts)
    assert "TER-002" in set(tables[1]["id"])  # review_by 2019-12-31: to re-check
    side_by_side = "\n".join(m.value for m in at.markdown)
    assert "**[AGE-009]**" in side_by_side and "**[TER-001]**" in side_by_side and "**[TER-007]**" in side_by_side
    # a statement with markup, then a broken corpus: shown as text, errors listed
    original = {p: p.read_text(encoding="utf-8") for p in (indexed.corpus_dir / "facts").glob("*.yaml")}
    try:
        edit_fact(indexed.corpus_dir, "AGE-009", "statement_fr: Destimed", "statement_fr: <script>x</script> Destimed")
        edit_fact(indexed.corpus_dir, "TER-002", "review_by: 2019-12-31", "review_by: pas une date")
        at.run()
        assert {m.label: m.value for m in at.metric}["Erreurs"] == "1"
        assert any("Erreurs du corpus" in h.value for h in at.subheader)
        assert "[TER-002]: review_by 'pas une date' is not a date" in at.code[0].value
        page = "\n".join(m.value for m in at.markdown)
        assert "&lt;script&gt;x&lt;/script&gt; Destimed" in page and "<script>" not in page
    finally:
        for p, text in original.items():
            p.write_text(text, encoding="utf-8")


def test_a_rerun_does_not_reopen_the_index(indexed, monkeypatch, people, drafts):
    from pipeline.index.chroma import ChromaFactIndex, IndexLock
    opened = []
    real_open = ChromaFactIndex.open
    monkeypatch.setattr(ChromaFactIndex, "open", lambda self, *a, **k: opened.append(1) or real_open(self, *a, **k))
    at = start(indexed, monkeypatch, people["editor"])
    before = len(opened)  # 0 or 1, as earlier tests left the cache
    at.run()
    open_draft(at, drafts["paste"].id)
    at.run()
    assert len(opened) == before and not at.exception
    lock = IndexLock(indexed.data_dir / "index.lock", timeout=0)
    lock.acquire()  # not held between reruns: other processes can ingest
    lock.release()
    (indexed.data_dir / "index-stamp").write_text("99 0\n")  # what ingest writes when the index changed
    at.run()
    at.run()
    assert len(opened) == before + 1


def test_pages_follow_the_role_even_from_a_crafted_session(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["editor"], nav="audit")
    assert "Journal d'audit" not in nav_pages(at)
    assert not any(h.value == "Journal d'audit" for h in at.header) and not at.exception
    at = open_page(start(indexed, monkeypatch, people["admin"]), "Journal d'audit")
    assert at.header[0].value == "Journal d'audit" and "sign_in_failed" in set(at.dataframe[0].value["action"])


def test_two_people_on_one_draft_the_second_sees_the_newer_version_and_keeps_their_text(
        indexed, monkeypatch, people, drafts):
    store = DraftStore.for_data_dir(indexed.data_dir)
    d = drafts["english"]
    mine = open_draft(start(indexed, monkeypatch, people["approver"]), d.id)  # I open version 1...
    theirs = ReviewDesk(store).edit(people["editor"], d.id, d.version, d.text + "\n\nA colleague's line.")  # ...they save
    typed = d.text.replace("70.5", "70,5") + "\n\nMy own line."
    mine.text_area(key=f"edit_{d.id}").input(typed)
    mine.button(key="save").click().run()
    assert any("la plus récente est la version 2, par editor1" in w.value for w in mine.warning)
    assert "version 2" in mine.header[0].value  # the newer version is what the page now shows
    assert mine.code and mine.code[0].value == typed  # and what I typed is still there to copy
    versions = [r for r in store.list(page_id=d.page_id) if r.lang == d.lang]
    assert [(r.version, r.author) for r in versions] == [(1, "studio"), (2, "editor1")]  # nothing overwritten
    # approving the version I had open (not the newest) is refused the same way
    again = open_draft(start(indexed, monkeypatch, people["approver"]), theirs.id)
    ReviewDesk(store).edit(people["editor"], theirs.id, 2, theirs.text + " More.")
    again.text_input(key="override").input("checked by hand")
    again.button(key="approve").click().run()
    assert any("la plus récente est la version 3" in w.value for w in again.warning)
    assert all(r.status != "approved" for r in store.list(page_id=d.page_id))
    assert not mine.exception and not again.exception


def test_sections_left_out_are_listed_with_their_reason_in_french(indexed, monkeypatch, people, drafts):
    from dataclasses import replace
    store = DraftStore.for_data_dir(indexed.data_dir)
    good = store.get(drafts["good"].id)
    report = dict(good.check_report, omitted_sections=[
        {"title": "Les conteneurs", "kind": "translation_gap", "facts": ["MAR-003"], "query": "EVP conteneurs",
         "reason": "translation gap: [MAR-003] has no wording_en"},
        {"title": "Les croisières", "kind": "no_fact", "facts": [], "query": "croisière passagers",
         "reason": "no verified, current fact of maritime found for 'croisière passagers'"},
        {"title": "Ancien format", "reason": "recorded before reasons had a kind"}])
    rec = store.add(replace(good, id=None, page_id="site-maritime-omitted", version=1, status="draft",
                            check_report=report))
    at = open_draft(start(indexed, monkeypatch, people["editor"]), rec.id)
    (warning,) = [w.value.replace("\\", "") for w in at.warning if "laissée(s) de côté" in w.value]  # unescaped
    assert warning.startswith("3 section(s) du catalogue laissée(s) de côté")
    assert "**Les conteneurs**" in warning and "[MAR-003]" in warning and "n'a pas encore de formulation" in warning
    assert "« croisière passagers »" in warning and "aucun fait vérifié" in warning
    assert "recorded before reasons had a kind" in warning  # an old draft's reason, as it was recorded
    assert not at.exception
