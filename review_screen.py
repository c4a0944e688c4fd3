"""The review screen (Streamlit): sign-in, the queue, a draft beside its facts, edit, diff, comment, decide.
Renders only; every action goes through pipeline.review.ReviewDesk, which enforces roles and versions."""
from __future__ import annotations

import difflib
import html

import streamlit as st

from pipeline.errors import StudioError
from pipeline.review import ROLES, ReviewDesk, latest_drafts, stale_reasons
from pipeline.store import DraftStore

STATUS_FR = {"draft": "à relire", "in_review": "en relecture", "changes_requested": "modifs demandées",
             "approved": "approuvé", "rejected": "rejeté", "superseded": "remplacé"}


def desk_for(settings, checker) -> ReviewDesk:
    store = DraftStore.for_data_dir(settings.data_dir)
    return ReviewDesk(store, recheck=lambda text, lang: _report(checker, text, lang))


def _report(checker, text: str, lang: str) -> dict:
    rep = checker.check(text, lang)
    d = rep.to_json()
    d["flagged"] = [s.text for s in rep.sentences if s.status != "supported"]
    return d


def sign_in(desk: ReviewDesk) -> None:
    st.title("Studio — connexion")
    with st.form("signin"):
        user = st.text_input("Utilisateur", key="signin_user")
        password = st.text_input("Mot de passe", type="password", key="signin_password")
        if st.form_submit_button("Se connecter"):
            try:
                st.session_state.user = desk.sign_in(user, password)
                st.rerun()
            except StudioError as exc:
                st.error(exc.message)


def highlighted(rec) -> str:
    """The draft as HTML: every character escaped, flagged sentences marked with their reason."""
    text = rec.text
    marks = [(s["start"], s["end"], s["status"], s.get("reason", "")) for s in rec.check_report.get("sentences", [])
             if s.get("status") != "supported" and s.get("end", 0) <= len(text)]
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


def queue(desk: ReviewDesk, facts: dict, today) -> None:
    st.header("File de relecture")
    drafts = latest_drafts(desk.store)
    counts = {k: sum(d.status == k for d in drafts) for k in STATUS_FR}
    cols = st.columns(5)
    for col, key in zip(cols, ("draft", "in_review", "changes_requested", "approved", "rejected")):
        col.metric(STATUS_FR[key], counts[key])
    wanted = st.multiselect("Statut", list(STATUS_FR), default=["draft", "in_review", "changes_requested"],
                            format_func=STATUS_FR.get, key="queue_status")
    lang = st.selectbox("Langue", ["toutes", "fr", "en"], key="queue_lang")
    rows = [d for d in drafts if d.status in wanted and (lang == "toutes" or d.lang == lang)]
    if not rows:
        st.info("Rien à relire avec ces filtres.")
        return
    table = [{"id": d.id, "page": d.page_id, "langue": d.lang, "version": d.version, "statut": STATUS_FR[d.status],
              "signalés": len(d.check_report.get("flagged", [])),
              "périmé": "; ".join(stale_reasons(d, facts, today))} for d in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    choice = st.selectbox("Ouvrir le brouillon", [d.id for d in rows],
                          format_func=lambda i: next(f"#{d.id} {d.page_id} [{d.lang}] v{d.version}" for d in rows if d.id == i),
                          key="queue_open")
    if st.button("Ouvrir", key="open_draft"):
        st.session_state.draft_id = choice
        st.rerun()


def draft_view(desk: ReviewDesk, user, facts: dict, today) -> None:
    rec = desk.store.get(st.session_state.draft_id)
    if rec is None:
        st.error("Ce brouillon n'existe plus.")
        return
    if st.button("← Retour à la file", key="back"):
        st.session_state.pop("draft_id")
        st.rerun()
    st.header(f"{rec.title} [{rec.lang}] — version {rec.version} ({STATUS_FR[rec.status]})")
    for reason in stale_reasons(rec, facts, today):
        st.warning("Périmé : " + reason)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(highlighted(rec), unsafe_allow_html=True)  # escaped above: no markup from the text runs
        flagged = rec.check_report.get("flagged", [])
        st.caption(f"{len(flagged)} phrase(s) signalée(s) · auteur {rec.author} · modèle {rec.model}")
    with right:
        st.subheader("Faits cités")
        for f in rec.facts:
            fact = facts.get(f["id"])
            if fact is None:
                st.error(f"[{f['id']}] n'existe plus dans la base")
                continue
            with st.container(border=True):
                st.markdown(f"**[{fact.id}]** {html.escape(fact.statement_fr)}")
                st.caption(f"{fact.year} · [{fact.source.title}]({fact.source.url}) · vérifié le "
                           f"{fact.verified_on.isoformat()} par {fact.verified_by}")
                if fact.conflict_with:
                    st.info("En conflit avec : " + ", ".join(fact.conflict_with))
    _actions(desk, user, rec)


def _actions(desk: ReviewDesk, user, rec) -> None:
    st.subheader("Modifier")
    new_text = st.text_area("Texte (Markdown, citations [ID])", value=rec.text, height=300, key=f"edit_{rec.id}")
    if st.button("Enregistrer une nouvelle version", key="save"):
        _do(lambda: desk.edit(user, rec.id, rec.version, new_text), "Nouvelle version enregistrée et revérifiée.",
            follow=True)
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
        _do(lambda: desk.request_changes(user, rec.id, rec.version, reason), "Modifications demandées.")
    if c2.button("Rejeter", key="reject"):
        _do(lambda: desk.reject(user, rec.id, rec.version, reason), "Brouillon rejeté.")
    if user.can("approver"):
        override = st.text_input("Approuver malgré les signalements : raison écrite", key="override")
        if st.button("Approuver", key="approve"):
            _do(lambda: desk.approve(user, rec.id, rec.version, override or None), "Approuvé.")
    else:
        st.caption("Seul un approbateur peut approuver.")
    st.subheader("Commentaires")
    for c in desk.comments(rec.id):
        st.markdown(f"**{html.escape(c['author'])}** : {html.escape(c['text'])}")
    note = st.text_input("Ajouter un commentaire", key="comment")
    if st.button("Commenter", key="comment_btn"):
        _do(lambda: desk.comment(user, rec.id, note), "Commentaire ajouté.")


def _do(action, success: str, follow: bool = False) -> None:
    try:
        result = action()
    except StudioError as exc:
        st.error(f"{exc.message}\n\nCorrection : {exc.fix}")
        return
    st.success(success)
    if follow and result is not None:
        st.session_state.draft_id = result.id


def audit_page(desk: ReviewDesk) -> None:
    st.header("Journal d'audit")
    st.dataframe([{k: (str(v) if k == "detail" else v) for k, v in row.items()} for row in desk.audit_log(500)],
                 hide_index=True, width="stretch")


def roles_help() -> str:
    return " · ".join(ROLES)

