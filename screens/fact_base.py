"""The fact base page ("Base de faits"): search (filters, sources, conflicts, stale marks) and "Poser une question"."""
from __future__ import annotations

import html

import streamlit as st

from pipeline.errors import StudioError
from pipeline.retrieve.fact_base import FactBase
from pipeline.wiring import open_answerer
from screens.common import link, show_error
from screens.state import Studio, chat_model, corpus_fingerprint, corpus_view, embedder


def page(s: Studio) -> None:
    st.title("Base de faits vérifiés")
    render_status(s.fact_base, corpus_view(s.fact_base, corpus_fingerprint(s.settings))[0])
    search_tab, ask_tab = st.tabs(["Chercher", "Poser une question"])
    with ask_tab:
        render_ask(s.fact_base)
    with search_tab:
        render_search(s.fact_base)


def render_status(fb: FactBase, status) -> None:
    st.sidebar.header("Base de faits")
    st.sidebar.metric("Faits", status.facts)
    st.sidebar.write(f"**{len(status.stale)}** à revérifier (date de revue passée) · "
                     f"**{len(status.retired)}** retirés · **{status.conflict_groups}** groupes en conflit")
    if status.errors:
        st.sidebar.error(f"{len(status.errors)} erreur(s) dans le corpus : l'index garde la version précédente. "
                         "Lancez `python -m pipeline validate`.")
    with st.sidebar.expander("Faits par filière"):
        for fid, n in status.by_filiere.items():
            st.write(f"{fb.filieres.label(fid)} : {n}")


def render_search(fb: FactBase) -> None:
    with st.form("search"):
        query = st.text_input("Question ou mots-clés (français ou anglais)", key="query")
        c1, c2, c3 = st.columns(3)
        options = ["(toutes)"] + list(fb.filieres.items)
        filiere = c1.selectbox("Filière", options, format_func=lambda f: f if f == "(toutes)" else fb.filieres.label(f))
        lang = c2.radio("Langue d'affichage", ["fr", "en"], horizontal=True)
        k = c3.number_input("Résultats", min_value=1, max_value=50, value=5)
        include_retired = c1.checkbox("Inclure les faits retirés")
        exclude_stale = c2.checkbox("Exclure les faits à revérifier")
        submitted = st.form_submit_button("Chercher")
    if not submitted:
        return
    try:
        hits = fb.search(query, k=int(k), filiere=None if filiere == "(toutes)" else filiere,
                         include_retired=include_retired, exclude_stale=exclude_stale)
    except StudioError as exc:
        show_error(exc)
        return
    if not hits:
        st.info("Aucun fait ne correspond (vérifiez les filtres).")
    best = max((h.score for h in hits), default=0) or 1
    for n, hit in enumerate(hits, 1):
        render_hit(n, hit, lang, hit.score / best)


def relevance(share: float) -> str:
    """A hit's relevance said in words, from its score against the best hit's (the scores alone mean nothing)."""
    return "très pertinent" if share >= 0.9 else "pertinent" if share >= 0.75 else "moins pertinent"


def render_hit(n: int, hit, lang: str, share: float = 1.0) -> None:
    j = hit.to_json(lang)
    badges = []
    if hit.stale:
        badges.append(f"⚠️ à revérifier (revue prévue le {j['review_by']})")
    if hit.fact.status != "verified":
        badges.append(f"statut : {hit.fact.status}")
    if hit.superseded_by:
        badges.append("remplacé par " + ", ".join(hit.superseded_by))
    with st.container(border=True):
        if badges:  # before the statement: nobody copies a stale figure without seeing that it is
            st.warning(" · ".join(badges))
        st.markdown(f"**{n}. [{j['id']}]** {html.escape(j['statement'])}")
        st.caption(f"{relevance(share)} · {j['year']} · {link(j['source_title'], j['source_url'])}")
        if hit.conflicts:
            st.info("En conflit avec : " + ", ".join(hit.conflicts) + " — ne pas choisir un chiffre en silence.")


def render_ask(fb: FactBase) -> None:
    with st.form("ask"):
        question = st.text_input("Question (français ou anglais)", key="question")
        use_model = st.checkbox("Rédiger avec le modèle (chaque phrase est vérifiée ; sinon, les faits eux-mêmes)",
                                value=True, key="use_model")
        asked = st.form_submit_button("Demander")
    if not asked:
        return
    try:
        with st.spinner("Recherche des faits et vérification…"):
            model = chat_model() if use_model else None
            with open_answerer(fb.settings, use_model=use_model, embedder=embedder(), model=model) as answerer:
                result = answerer.ask(question)
    except StudioError as exc:
        show_error(exc)
        return
    if result.abstained:
        st.warning(result.answer)
        return
    st.markdown(html.escape(result.answer).replace("\n", "  \n"))
    st.caption(result.reason)
    for c in result.citations:
        st.caption(f"[{c['id']}] {c['year']} · {link(c['source_title'], c['source_url'])}")
