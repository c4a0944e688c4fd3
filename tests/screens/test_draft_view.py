"""The draft view as an editor uses it: the page rendered with flags in place, its own address, versions compared
word by word and restored, edits that ask before saving, comments posted once, facts with their conflicts."""
from __future__ import annotations

import pytest

from pipeline.store.database import DraftStore
from screens.draft_render import edit_warnings, review_html, word_diff_html
from tests.conftest import start
from tests.screens import test_review_screen as review
from tests.screens.test_review_screen import SUPPORTED, open_draft

drafts = review.drafts  # the same module-scoped drafts, in this module too

pytestmark = pytest.mark.integration


def test_flags_are_marked_in_the_rendered_page_after_heading_markers_and_escaped():
    text = "# Le port\n\nLe port a traité 95 Mt <b>en</b> 2024 [MAR-001]. Il est grand."
    start = text.index("Le port a")
    html = review_html(text, [{"start": 0, "end": 9, "status": "uncited", "reason": "titre"},
                              {"start": start, "end": text.index(" Il"), "status": "contradicted",
                               "reason": "95: [MAR-001] says 70,5 <x>"}])
    assert "<h1><mark class=\"flag\" title=\"titre\">Le port</mark>" in html  # after the "# ", inside the heading
    assert "⚠ chiffre contredit : 95 : [MAR-001] indique 70,5 &lt;x&gt;" in html  # the checker's reason in French
    assert "&lt;b&gt;en&lt;/b&gt;" in html and "<b>" not in html
    assert html.count("<mark") == 2 and html.count("</mark>") == 2


def test_word_diff_shows_what_changed_on_each_side_escaped():
    left, right = word_diff_html("Le port a traité 70 Mt.\nFin.", "Le port a traité <i>75</i> Mt.\nFin.")
    assert '<del class="gone">70</del>' in left and '<ins class="new">&lt;i&gt;75&lt;/i&gt;</ins>' in right
    assert "<br>Fin." in left and "<br>Fin." in right
    assert word_diff_html("a b", "a b") == ("<div class='diff'>a b</div>", "<div class='diff'>a b</div>")


def test_edit_warnings():
    old = f"{SUPPORTED} [MAR-001]. " * 4
    assert edit_warnings(old, old) == []
    assert any("plus grande partie" in w for w in edit_warnings(old, f"{SUPPORTED} [MAR-001]."))
    assert any("ne cite aucun fait" in w for w in edit_warnings(old, old.replace("[MAR-001]", "")))
    assert edit_warnings(old, "   ") == []  # refused on save with its own message


def test_a_draft_opens_from_its_address_and_a_bad_address_says_so(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["editor"], query={"draft": str(drafts["good"].id)})
    assert at.header[0].value.startswith("site-maritime-investors [fr]") and not at.exception
    assert at.query_params["draft"] == str(drafts["good"].id)
    at = start(indexed, monkeypatch, people["editor"], query={"draft": "999999"})
    assert any("n° 999999 n'existe pas" in e.value for e in at.error)
    at = start(indexed, monkeypatch, people["editor"], query={"draft": "abc"})
    assert any("n'est pas un numéro de brouillon" in e.value for e in at.error)
    assert at.header[0].value == "File de relecture"


def test_an_edit_without_citation_asks_before_saving(indexed, monkeypatch, people, drafts):
    rec = drafts["changed"]
    at = open_draft(start(indexed, monkeypatch, people["editor"]), rec.id)
    at.text_area(key=f"edit_{rec.id}").input("Un texte sans aucune citation.").run()
    assert any("ne cite aucun fait" in w.value for w in at.warning)
    at.button(key="save").click().run()
    assert any("Cochez « Enregistrer quand même »" in e.value for e in at.error)
    store = DraftStore.for_data_dir(indexed.data_dir)
    assert [r.version for r in store.list(page_id=rec.page_id)] == [1]
    at.checkbox(key=f"sure_{rec.id}").check().run()
    at.button(key="save").click().run()
    assert [r.version for r in store.list(page_id=rec.page_id)] == [1, 2]


def test_versions_side_by_side_then_restore_the_older_one(indexed, monkeypatch, people, drafts):
    rec = drafts["english"]
    store = DraftStore.for_data_dir(indexed.data_dir)
    at = open_draft(start(indexed, monkeypatch, people["editor"]), rec.id)
    at.text_area(key=f"edit_{rec.id}").input(rec.text.replace("70.5 million", "seventy point five million"))
    at.button(key="save").click().run()
    v2 = [r for r in store.list(page_id=rec.page_id) if r.lang == "en"][-1]
    assert v2.version == 2
    page = "\n".join(m.value for m in at.markdown)
    assert '<del class="gone">70.5</del>' in page and '<ins class="new">seventy point five</ins>' in page  # v1 against v2
    at.button(key="restore").click().run()
    versions = [r for r in store.list(page_id=rec.page_id) if r.lang == "en"]
    assert [r.version for r in versions] == [1, 2, 3] and versions[-1].text == rec.text
    assert versions[-1].check_report["sentences"]  # checked again
    assert any("Version 1 restaurée" in c["text"] for c in _comments(indexed, versions[-1].id))
    assert any("Version 1 restaurée" in s.value for s in at.success)


def _comments(indexed, draft_id):
    from pipeline.review.desk import ReviewDesk
    return ReviewDesk(DraftStore.for_data_dir(indexed.data_dir)).comments(draft_id)


def test_a_comment_posted_twice_is_stored_once_and_the_box_clears(indexed, monkeypatch, people, drafts):
    rec = drafts["off"]
    at = open_draft(start(indexed, monkeypatch, people["editor"]), rec.id)
    at.text_input(key="comment").input("À revoir avec l'équipe port.")
    at.button(key="comment_btn").click().run()
    assert at.text_input(key="comment").value == ""
    at.text_input(key="comment").input("À revoir avec l'équipe port.")
    at.button(key="comment_btn").click().run()  # the same words again at once: a double click
    assert [c["text"] for c in _comments(indexed, rec.id)] == ["À revoir avec l'équipe port."]


def test_facts_beside_show_who_verified_them_and_their_conflicts(indexed, monkeypatch, people, drafts):
    at = open_draft(start(indexed, monkeypatch, people["editor"]), drafts["good"].id)
    page = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert "importé, non relu le" in page and "à revoir le" in page
    (conflict,) = [i.value.replace("\\", "") for i in at.info if "En conflit avec" in i.value]
    assert "[MAR-002]" in conflict and "2023" in conflict and "79" in conflict  # its figure, year and source


def test_a_restore_while_someone_else_saves_shows_their_version_and_loses_nothing(indexed, monkeypatch, people,
                                                                                 drafts):
    from pipeline.review.desk import ReviewDesk
    rec = drafts["paste"]
    store = DraftStore.for_data_dir(indexed.data_dir)
    desk = ReviewDesk(store)
    at = open_draft(start(indexed, monkeypatch, people["editor"]), rec.id)
    at.text_area(key=f"edit_{rec.id}").input(rec.text + " Le port est ouvert [MAR-001].")
    at.button(key="save").click().run()
    v2 = [r for r in store.list(page_id=rec.page_id)][-1]
    assert v2.version == 2
    # while the comparison is on the screen, someone else saves a third version
    other = people["approver"]
    desk.edit(other, v2.id, v2.version, rec.text + " Une autre phrase [MAR-001].")
    at.button(key="restore").click().run()
    versions = [r.version for r in store.list(page_id=rec.page_id)]
    assert versions == [1, 2, 3]  # nothing restored over their version, nothing lost
    assert any("version 3" in w.value for w in at.warning), [w.value for w in at.warning]  # theirs, said
    assert "version 3" in at.header[0].value  # and shown


def test_a_social_post_shows_each_variant_s_characters_against_its_limit(monkeypatch):
    from screens.draft_view import variant_counts
    from tests.conftest import REPO
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(REPO / "corpus"))
    sentence = f"{SUPPORTED} [MAR-001]."
    text = (f"## LinkedIn\n\n{sentence}\n\n#OneProvence #Maritime\n\nLien : fr/site-maritime-investors.html\n\n"
            f"## X\n\n{' '.join([sentence] * 8)}\n\n#OneProvence\n\nLien : https://x.example/fr/a.html\n")
    (linkedin, ok), (x, over) = variant_counts(text)
    posted = len(SUPPORTED) + 1 + 2 + len("#OneProvence #Maritime") + 2 + len("fr/site-maritime-investors.html")
    assert linkedin == f"LinkedIn : {posted} caractères sur 3\u202f000 (liens comptés comme le réseau les compte, " \
                       "citations non publiées)" and not ok
    assert over and x.startswith("X : ") and "sur 280" in x and "de trop : raccourcissez cette variante" in x
    assert variant_counts(f"# Port\n\n{sentence}") == []
