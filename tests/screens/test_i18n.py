"""One language on the screen: every catalogue message in French and English with the same placeholders, no literal
sentence handed to Streamlit, every page walked in AppTest without the other language's words, and the pipeline's
English refusals (every one pipeline/review/desk.py raises) and the checker's reasons shown in French."""
from __future__ import annotations

import ast
import re
import string
from datetime import date, datetime

import pytest

from pipeline.errors import StudioError
from pipeline.review.desk import MAX_COMMENT, MAX_TEXT, ReviewDesk
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from screens import i18n
from tests.conftest import REPO, TODAY, nav_pages, open_page, start
from tests.screens import test_review_screen as review

drafts = review.drafts  # the review tests' drafts (a flagged one, a stale one, one in English…), in this module too
SCREENS = REPO / "screens"
NOT_YET: set[str] = set()  # screens not yet translated (the barometer page is since issue 14's second pass)
# the Streamlit calls whose text a person reads, and the keywords that carry text
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "text", "error", "warning", "info",
         "success", "toast", "button", "form_submit_button", "text_input", "text_area", "selectbox", "multiselect",
         "radio", "checkbox", "number_input", "date_input", "slider", "metric", "expander", "tabs", "spinner",
         "progress", "LinkColumn", "NumberColumn", "DateColumn", "TextColumn", "Page", "download_button"}
TEXT_KEYWORDS = {"label", "help", "placeholder", "text", "title", "caption"}
MARKUP_ONLY = re.compile(r"^[\W\d_]*$|^<style>")  # separators, numbers, markup or CSS: no words to translate


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def in_lang(monkeypatch, code: str) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: code)


# ---------------------------------------------------------------- the catalogue
def test_every_message_has_french_and_english_with_the_same_placeholders():
    messages, patterns = i18n.catalogue()
    assert len(messages) > 150
    for key, entry in messages.items():
        assert set(entry) == {"fr", "en"}, key
        assert entry["fr"].strip() and entry["en"].strip(), key
        assert fields(entry["fr"]) == fields(entry["en"]), key
    for rx, entry in patterns:
        groups = set(rx.groupindex)
        assert {"fr", "en"} <= set(entry), entry["match"]
        assert fields(entry["fr"]) == fields(entry["en"]) <= groups, entry["match"]
        for option in ("nested", "numbers", "dates", "datetimes"):
            assert set(entry.get(option, ())) <= groups, (entry["match"], option)
        for group, prefix in (entry.get("lookup") or {}).items():
            assert group in groups and any(k.startswith(prefix + ".") for k in messages), entry["match"]


def _literal_words(node: ast.AST) -> list[str]:
    """The literal text parts of an expression given to Streamlit (a t(…) call or a variable has none)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) + _literal_words(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [w for e in node.elts for w in _literal_words(e)]
    return []


def test_no_screen_hands_a_literal_sentence_to_streamlit():
    found = []
    for path in sorted(SCREENS.glob("*.py")):
        if path.name in NOT_YET:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN):
                continue
            given = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
            if node.func.attr == "tabs" and node.args:
                given = node.args[:1]
            for literal in (w for g in given for w in _literal_words(g)):
                if not MARKUP_ONLY.match(literal) and re.search(r"[^\W\d_]{2,}", literal):
                    found.append(f"{path.name}:{node.lineno}: {literal!r}")
    assert not found, "literal text given to Streamlit (put it in screens/messages.yaml):\n" + "\n".join(found)


def test_no_hand_written_number_or_date_format_in_the_screens():
    for path in sorted(SCREENS.glob("*.py")):
        if path.name in NOT_YET:
            continue
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"strftime|:,\}|:,\.\d+f|\.replace\(\",\", \"\\\\u202f\"\)|%d/%m", code), path.name


def test_formats_follow_the_interface_language(monkeypatch):
    in_lang(monkeypatch, "fr")
    assert (i18n.date(date(2026, 12, 2)), i18n.date(date(2026, 12, 2), "medium")) == ("02/12/2026", "2 déc. 2026")
    assert i18n.number(1234567.5, 1) == "1\u202f234\u202f567,5" and i18n.datetime(datetime(2026, 12, 2, 14, 5)) == \
        "02/12/2026 14:05"
    assert i18n.t("cost.free") == "gratuit (modèle embarqué)" and i18n.date_input_format() == "DD/MM/YYYY"
    in_lang(monkeypatch, "en")
    assert (i18n.date(date(2026, 12, 2)), i18n.date(date(2026, 12, 2), "medium")) == ("02/12/2026", "2 Dec 2026")
    assert i18n.number(1234567.5, 1) == "1,234,567.5" and i18n.t("cost.free") == "free (embedded model)"


# ---------------------------------------------------------------- the pipeline's English, in French
def _refusals(tmp_path) -> list[StudioError]:
    """Every refusal pipeline/review/desk.py gives, raised by the desk itself."""
    store = DraftStore.for_data_dir(tmp_path)
    flagged = {"sentences": [{"text": "Le port a traité 95 millions de tonnes.", "status": "contradicted",
                              "reason": "95 millions: [MAR-001] says 70,5 millions de tonnes"}]}
    desk = ReviewDesk(store, recheck=lambda text, lang: flagged)
    editor, _ = desk.add_user("editor1", "editor", "correct horse battery")
    viewer, _ = desk.add_user("viewer1", "viewer", "correct horse battery")
    approver, _ = desk.add_user("approver1", "approver", "correct horse battery")
    rec = store.add(DraftRecord(page_id="p", lang="fr", title="p", text="Texte [MAR-001].", facts=[],
                                prompt_name="page", prompt_hash="h", backend="embedded", model="m", params={},
                                tokens_in=1, tokens_out=1, tokens_estimated=2, cost_estimate=0.0, timings={},
                                check_report={}))
    attempts = [lambda: desk.add_user("x", "boss"), lambda: desk.add_user("bad name!", "viewer"),
                lambda: desk.add_user("editor1", "editor", "correct horse battery"),
                lambda: desk.set_role("editor1", "boss"), lambda: desk.set_role("nobody", "viewer"),
                lambda: desk.change_password("editor1", "same one", "same one"),
                lambda: desk.edit(viewer, rec.id, 1, "x"), lambda: desk.edit(editor, rec.id, 1, "  "),
                lambda: desk.edit(editor, rec.id, 1, "x" * (MAX_TEXT + 1)),
                lambda: desk.edit(editor, rec.id, 1, rec.text), lambda: desk.edit(editor, rec.id, 7, "autre"),
                lambda: desk.edit(editor, 999, 1, "autre"), lambda: desk.comment(viewer, rec.id, " "),
                lambda: desk.comment(viewer, rec.id, "x" * (MAX_COMMENT + 1)),
                lambda: desk.reject(editor, rec.id, 1, ""), lambda: desk.request_changes(viewer, rec.id, 1, "r"),
                lambda: desk.approve(editor, rec.id, 1), lambda: desk.approve(approver, rec.id, 1)]
    attempts += [lambda: desk.sign_in("editor1", "wrong")] * 5 + [lambda: desk.sign_in("editor1", "wrong")]
    raised = []
    for attempt in attempts:
        with pytest.raises(StudioError) as exc:
            attempt()
        raised.append(exc.value)
    return raised


def test_every_desk_refusal_is_shown_in_french(tmp_path, monkeypatch):
    from screens.common import error_text
    in_lang(monkeypatch, "fr")
    refusals = _refusals(tmp_path)
    kinds = {type(e).__name__ for e in refusals}
    assert {"ReviewError", "ForbiddenError", "ConflictError", "AuthError", "SignInLockedError"} <= kinds
    for exc in refusals:
        for english in (exc.message, exc.fix):
            french, known = i18n._translate(english)
            assert known or english.startswith("python -m pipeline"), f"no French for {english!r}"
    shown = {e.message: error_text(e) for e in refusals}
    assert shown["the edited text is empty"] == ("le texte modifié est vide\n\nCorrection : écrivez le texte, ou "
                                                 "rejetez le brouillon avec une raison")

    def shows(start: str) -> bool:
        return any(v.startswith(start) for v in shown.values())
    assert shows("le texte modifié fait 500\u202f001 caractères (au plus 500\u202f000)\n\nCorrection : répartissez")
    assert shows("1 phrase(s) ne s'appuient sur aucun fait vérifié, par exemple 'Le port a traité 95 millions de "
                 "tonnes.' (95 millions : [MAR-001] indique 70,5 millions de tonnes)")
    assert shows("p [fr] a changé : vous avez la version 7, la plus récente est la version 1")
    assert shows("viewer1 (lecteur) n'a pas le droit de : modifier les brouillons\n\nCorrection : demandez à un "
                 "admin le rôle éditeur")
    assert shows("nom d'utilisateur ou mot de passe incorrect (ou compte désactivé)")
    assert any(re.match(r"trop de tentatives échouées pour « editor1 » : refusé, quel que soit le mot de passe, "
                        r"pendant encore \d+ minute\(s\) \(jusqu'au \d\d/\d\d/\d{4} \d\d:\d\d UTC\)", v)
               for v in shown.values())
    in_lang(monkeypatch, "en")
    assert error_text(refusals[7]).startswith("the edited text is empty\n\nFix: write the text")


def test_the_checkers_reasons_are_shown_in_french(monkeypatch):
    from pipeline.corpus.facts import load_corpus
    from pipeline.verify.checker import ClaimChecker
    from pipeline.verify.verdict import OK_STATUSES
    in_lang(monkeypatch, "fr")
    checker = ClaimChecker(load_corpus(REPO / "corpus", TODAY)[0], TODAY)
    text = ("Le port a traité 95 millions de tonnes en 2024 [MAR-001]. Le port a traité 70,5 millions de tonnes "
            "en 2024 [GONE-001]. Marseille compte 7 millions de pandas roux en 2024. Le port de Marseille a traité "
            "70,5 millions de tonnes en 2024. The port of Marseille handled 70.5 million tonnes in 2024 [MAR-001]. "
            "Le port a traité traité 70,5 millions de tonnes en 2024 [MAR-001]. Voir www.exemple-inconnu.fr pour "
            "le port [MAR-001].")
    flagged = [s for s in checker.check(text, "fr").sentences if s.status not in OK_STATUSES]
    assert len({s.status for s in flagged}) >= 4, [(s.status, s.reason) for s in flagged]
    for s in flagged:
        french, known = i18n._translate(s.reason)
        assert known and french != s.reason, f"{s.status}: no French for {s.reason!r}"
    assert i18n.translate("95 millions: [MAR-001] says 70,5 millions de tonnes | 3: [MAR-002] says 79; [MAR-003] "
                          "says 4") == ("95 millions : [MAR-001] indique 70,5 millions de tonnes | 3 : [MAR-002] "
                                        "indique 79 ; [MAR-003] indique 4")
    assert i18n.translate("something the catalogue does not know") == "something the catalogue does not know"
    assert i18n.translate("model unavailable (timeout); answer built from the facts' own statements") == \
        "modèle indisponible (timeout) ; réponse faite des énoncés des faits eux-mêmes"


# ---------------------------------------------------------------- every page, in each language
def _strings(message) -> list[str]:
    out = []
    for _, value in message.ListFields():
        for v in (value if hasattr(value, "__len__") and not isinstance(value, (str, bytes)) else [value]):
            if isinstance(v, str):
                out.append(v)
            elif hasattr(v, "ListFields"):
                out.extend(_strings(v))
    return out


def screen_texts(at) -> list[str]:
    """Every string the page's elements carry (labels, options, help, placeholders, text), the tables' column
    names and text cells, and the navigation's titles."""
    out = list(nav_pages(at))

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            out.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    for df in at.dataframe:
        out.extend(str(c) for c in df.value.columns)
        out.extend(v for v in df.value.to_numpy().ravel() if isinstance(v, str))
    return [s for s in out if s.strip()]


def _pattern(template: str) -> re.Pattern:
    parts = [re.escape(lit) + (".*?" if f is not None else "") for lit, f, _, _ in string.Formatter().parse(template)]
    return re.compile("".join(parts), re.S)


def foreign(texts: list[str], code: str) -> list[tuple[str, str]]:
    """(catalogue value in the other language, text on the screen holding it) for every such text."""
    other = "en" if code == "fr" else "fr"
    found = []
    for key, entry in i18n.catalogue()[0].items():
        value = entry[other]
        if value == entry[code] or key.startswith(("perimeter.", "lang_name.", "barometer.dimension.")):
            continue  # the same in both, or only a word inside another message (a dimension: also a filière's word)
        literal = "".join(lit for lit, *_ in string.Formatter().parse(value))
        if not re.search(r"[^\W\d_]{3,}", literal):
            continue
        if " " not in value.strip():  # one word: only a whole text, never part of a sentence or of content
            found += [(value, s) for s in texts if s.strip() == value.strip()]
        else:
            rx = _pattern(value)
            found += [(value, s) for s in texts if rx.search(s)]
    if code == "fr":  # and none of the pipeline's English that the catalogue knows how to say in French
        for rx, entry in i18n.catalogue()[1]:
            if entry["fr"] != entry["en"] and len(re.findall(r"[a-z]{2,}", rx.pattern)) >= 3:
                found += [(rx.pattern, s) for s in texts if rx.search(s)]
    return found


def walk_every_page(indexed, monkeypatch, user, code: str, drafts) -> dict[str, list[str]]:
    """Each page of the navigation, and three drafts (flagged, citing a deleted fact, in English), in `code`."""
    at = start(indexed, monkeypatch, user, lang=code)
    seen = {}
    for title in nav_pages(at):
        at = open_page(at, title)
        assert not at.exception, (title, at.exception)
        seen[title] = screen_texts(at)
    for name in ("bad", "gone", "english"):
        at = start(indexed, monkeypatch, user, lang=code, draft_id=drafts[name].id)
        assert not at.exception and at.header, name
        seen[f"draft {name}"] = screen_texts(at)
    return seen


@pytest.mark.integration
@pytest.mark.parametrize("code", ["fr", "en"])
def test_every_page_speaks_one_language(indexed, monkeypatch, people, drafts, code):
    seen = walk_every_page(indexed, monkeypatch, people["admin"], code, drafts)
    want = {"fr": ["Relecture", "Rédaction", "État du corpus", "Base de faits", "Journal d'audit"],
            "en": ["Review", "Drafting", "Corpus status", "Fact base", "Audit log"]}[code]
    titles = nav_pages(start(indexed, monkeypatch, people["admin"], lang=code))
    assert all(w in titles for w in want), titles  # the navigation follows the language too
    wrong = {page: foreign(texts, code) for page, texts in seen.items()}
    assert not {p: w for p, w in wrong.items() if w}, wrong
    other = "en" if code == "fr" else "fr"
    assert len(foreign(seen["draft bad"], other)) > 10  # the same check sees this page's words as foreign elsewhere
    shown = "\n".join(seen["draft bad"])
    if code == "fr":
        assert "chiffre contredit : 95 millions : [MAR-001] indique" in shown and "Correction" not in shown
    else:
        assert "contradicted figure: 95 millions: [MAR-001] says" in shown and "Back to the queue" in shown


@pytest.mark.integration
def test_the_switch_changes_the_language_and_keeps_it(indexed, monkeypatch, people, drafts):
    at = start(indexed, monkeypatch, people["editor"])
    assert at.header[0].value == "File de relecture" and at.radio(key="lang").value == "fr"
    at.multiselect(key="queue_status").set_value(["stale"]).run()
    at.radio(key="lang").set_value("en").run()
    assert at.header[0].value == "Review queue" and "Drafting" in nav_pages(at)
    assert at.multiselect(key="queue_status").value == ["stale"]  # the filters the person chose stay
    assert at.multiselect(key="queue_status").options[-1] == "stale" and at.metric[0].label == "to review"
    at = open_page(at, "Corpus status")
    assert at.header[0].value == "Corpus status" and at.session_state["lang"] == "en"
    assert {m.label for m in at.metric} >= {"Facts", "To re-check", "Errors"}
    at.radio(key="lang").set_value("fr").run()
    assert at.header[0].value == "État du corpus"


@pytest.mark.integration
def test_an_unreadable_catalogue_is_said_in_french(indexed, monkeypatch, people, drafts):
    pages = indexed.corpus_dir / "pages.yaml"
    original = pages.read_text(encoding="utf-8")
    try:
        pages.write_text(original + "- id: sans-sections\n  kind: page\n  audience: general\n  title_fr: Sans\n"
                         "  title_en: Without\n  languages: [fr]\n  filieres: [territoire]\n  sections: []\n"
                         "  length: 100\n  prompt: page\n", encoding="utf-8")
        at = start(indexed, monkeypatch, people["viewer"])
        (warning,) = [w.value for w in at.warning if w.value.startswith("Catalogue illisible")]
        assert "1 problème(s) : sans-sections" in warning and "Correction : corrigez ces éléments" in warning
        assert not at.exception and at.dataframe  # the drafts are still listed
    finally:
        pages.write_text(original, encoding="utf-8")
