"""The draft view ("Relecture", one draft): its flagged sentences marked beside the facts it cites, then the actions."""
from __future__ import annotations

import difflib
import html

import streamlit as st

from pipeline.errors import ConflictError, StudioError
from pipeline.review.desk import MAX_COMMENT, MAX_TEXT, ReviewDesk
from pipeline.verify.checker import OK_STATUSES, cited_ids
from screens.common import STATUS_FR, plain, show_error

# Renders only; every action (edit, diff, comment, decide) goes through pipeline.review.ReviewDesk, which enforces
# roles and versions. Everything a person or the corpus wrote is shown as text: escaped before any rendering.


def highlighted(rec) -> str:
    """The draft as HTML: every character escaped, flagged sentences marked with their reason."""
    text = rec.text
    marks = [(s["start"], s["end"], s["status"], s.get("reason", "")) for s in rec.check_report.get("sentences", [])
             if s.get("status") not in OK_STATUSES and s.get("end", 0) <= len(text)]
    out, pos = [], 0
    for a, b, status, reason in sorted(marks):
        if a < pos:
            continue
        out.append(html.escape(text[pos:a]))
        out.append(f'<mark class="flag" title="{html.escape(reason, quote=True)}">{html.escape(text[a:b])}</mark>'
                   f' <small>⚠ {html.escape(status)} : {html.escape(reason)}</small>')
        pos = b
    out.append(html.escape(text[pos:]))
    return "<div class='draft'>" + "".join(out).replace("\n", "<br>") + "</div>"


def draft_view(desk: ReviewDesk, user, snap) -> None:
    """One draft: the text with its flagged sentences marked, the facts it cites beside it, then the actions."""
    rec = desk.store.get(st.session_state.draft_id)
    if st.button("← Retour à la file", key="back"):
        st.session_state.pop("draft_id")
        st.rerun()
    if rec is None:
        st.error("Ce brouillon n'existe plus (supprimé de la base). Revenez à la file.")
        return
    st.header(f"{rec.title} [{rec.lang}] — version {rec.version} ({STATUS_FR[rec.status]})")
    if "flash" in st.session_state:  # the outcome of the action that led here, shown once
        st.success(st.session_state.pop("flash"))
    if "conflict" in st.session_state:  # someone saved or decided first: this is their newer version
        message, unsaved = st.session_state.pop("conflict")
        st.warning(f"{message}\n\nVous voyez maintenant la version la plus récente ; refaites votre action si elle "
                   "vaut toujours.")
        if unsaved:
            with st.expander("Votre texte, non enregistré (à copier)", expanded=True):
                st.code(unsaved, language="markdown")
    for reason in snap.stale(rec):
        st.warning("Périmé : " + reason)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(highlighted(rec), unsafe_allow_html=True)  # escaped above: no markup from the text runs
        flagged = rec.check_report.get("flagged", [])
        st.caption(f"{len(flagged)} phrase(s) signalée(s) · auteur {plain(rec.author)} · modèle {plain(rec.model)}")
        _left_out(rec.check_report.get("omitted_sections", []))
    with right:
        _cited_facts(rec, snap.facts)
    _actions(desk, user, rec)


def omitted_reason(o: dict) -> str:
    """Why the drafter left a section out, in French (drafts made before the reason had a kind: as recorded)."""
    if o.get("kind") == "translation_gap":
        ids = ", ".join(f"[{i}]" for i in o.get("facts", []))
        return (f"le fait qui y répond ({ids}) n'a pas encore de formulation dans cette langue : ajoutez-la dans la "
                "base de faits (wording_fr / wording_en), puis régénérez")
    if o.get("kind") == "no_fact":
        return (f"aucun fait vérifié et à jour ne répond à la recherche « {o.get('query', '')} » : ajoutez ou "
                "revérifiez un fait de la filière, puis régénérez")
    return o.get("reason", "")


def _left_out(omitted: list[dict]) -> None:
    """The catalogue's sections this draft does not have, each with why: an editor knows what is missing."""
    if not omitted:
        return
    st.warning(f"{len(omitted)} section(s) du catalogue laissée(s) de côté :\n\n" + "\n".join(
        f"- **{plain(o['title'])}** : {plain(omitted_reason(o))}" for o in omitted))


def _cited_facts(rec, facts: dict) -> None:
    """The facts the text cites now and those it was drafted from; a fact gone or retired since says so."""
    st.subheader("Faits cités")
    ids = list(dict.fromkeys(cited_ids(rec.text) + [f["id"] for f in rec.facts]))
    if not ids:
        st.info("Ce texte ne cite aucun fait.")
    for fid in ids:
        fact = facts.get(fid)
        if fact is None:
            st.error(f"[{fid}] n'existe plus dans la base de faits (supprimé depuis la rédaction). Les phrases qui le "
                     "citent bloquent l'approbation : remplacez la citation par un fait vérifié ou retirez la phrase.")
            continue
        with st.container(border=True):
            st.markdown(f"**[{fact.id}]** {plain(fact.statement_fr)}")
            st.caption(f"{fact.year} · [{plain(fact.source.title)}]({fact.source.url}) · vérifié le "
                       f"{fact.verified_on.isoformat()} par {plain(fact.verified_by)}")
            if fact.status == "retired":
                st.warning("Fait retiré : ne plus le citer.")
            if fact.conflict_with:
                st.info("En conflit avec : " + ", ".join(fact.conflict_with))


def _actions(desk: ReviewDesk, user, rec) -> None:
    st.subheader("Modifier")
    new_text = st.text_area("Texte (Markdown, citations [ID])", value=rec.text, height=300, key=f"edit_{rec.id}")
    st.caption(f"{len(new_text):,} caractères (au plus {MAX_TEXT:,})".replace(",", "\u202f"))
    if st.button("Enregistrer une nouvelle version", key="save"):
        _do(lambda: desk.edit(user, rec.id, rec.version, new_text), "Nouvelle version enregistrée et revérifiée.",
            follow=True, kept="Rien n'a été enregistré ; votre texte reste dans le champ ci-dessus.",
            on=(desk, rec, new_text))
    versions = [r for r in desk.store.list(page_id=rec.page_id) if r.lang == rec.lang]
    if len(versions) > 1:
        with st.expander("Comparer deux versions"):
            nums = [r.version for r in versions]
            a = st.selectbox("De", nums, index=len(nums) - 2, key="diff_a")
            b = st.selectbox("À", nums, index=len(nums) - 1, key="diff_b")
            ta = next(r.text for r in versions if r.version == a)
            tb = next(r.text for r in versions if r.version == b)
            st.code("".join(difflib.unified_diff(ta.splitlines(True), tb.splitlines(True), f"v{a}", f"v{b}")) or
                    "(identiques)", language="diff")
    st.subheader("Décider")
    reason = st.text_input("Raison (obligatoire pour demander des modifications ou rejeter)", key="reason")
    c1, c2 = st.columns(2)
    if c1.button("Demander des modifications", key="changes"):
        _do(lambda: desk.request_changes(user, rec.id, rec.version, reason), "Modifications demandées.",
            on=(desk, rec, None))
    if c2.button("Rejeter", key="reject"):
        _do(lambda: desk.reject(user, rec.id, rec.version, reason), "Brouillon rejeté.", on=(desk, rec, None))
    if user.can("approver"):
        override = st.text_input("Approuver malgré les signalements : raison écrite", key="override")
        if st.button("Approuver", key="approve"):
            _do(lambda: desk.approve(user, rec.id, rec.version, override or None), "Approuvé.", on=(desk, rec, None))
    else:
        st.caption("Seul un approbateur peut approuver.")
    st.subheader("Commentaires")
    for c in desk.comments(rec.id):
        when = c["ts"].strftime("%d/%m/%Y %H:%M") if c.get("ts") else ""
        st.markdown(f"**{plain(c['author'])}** ({when}) : {plain(c['text'])}")  # as typed: markup shown, not run
    note = st.text_input("Ajouter un commentaire", key="comment",
                         help=f"Au plus {MAX_COMMENT:,} caractères ; affiché tel quel.".replace(",", "\u202f"))
    if st.button("Commenter", key="comment_btn"):
        _do(lambda: desk.comment(user, rec.id, note), "Commentaire ajouté.",
            kept="Rien n'a été enregistré ; votre commentaire reste dans le champ.")


def _do(action, success: str, follow: bool = False, kept: str = "", on: tuple | None = None) -> None:
    """Run a desk action; a refusal is shown with its fix (and, for typed text, that the text is still there).
    `on` = (desk, draft, typed text): when someone else changed the draft first, show their newer version, with
    the message and what this user typed (nothing silently overwritten, nothing lost)."""
    try:
        result = action()
    except ConflictError as exc:
        if on is None:
            show_error(exc, kept)
            return
        desk, rec, typed = on
        newest = max((r for r in desk.store.list(page_id=rec.page_id) if r.lang == rec.lang), key=lambda r: r.version)
        st.session_state.conflict = (exc.message, typed if typed and typed != rec.text else None)
        st.session_state.draft_id = newest.id
        st.rerun()
    except StudioError as exc:
        show_error(exc, kept)
        return
    # show the draft as it is now (new version, new status), not as it was before the click
    st.session_state.flash = success
    if follow and result is not None:
        st.session_state.draft_id = result.id
    st.rerun()
