"""The fact base page ("Base de faits"): search (filters, sources, conflicts, stale marks) and "Poser une question"."""
from __future__ import annotations

import html

import streamlit as st

from pipeline.errors import StudioError
from pipeline.retrieve.fact_base import FactBase
from pipeline.wiring import open_answerer
from screens.common import link, show_error
from screens.i18n import date, label, t, translate
from screens.state import Studio, chat_model, corpus_fingerprint, corpus_view, embedder


def page(s: Studio) -> None:
    st.title(t("facts_page.title"))
    render_status(s.fact_base, corpus_view(s.fact_base, corpus_fingerprint(s.settings))[0])
    search_tab, ask_tab = st.tabs([t("facts_page.search_tab"), t("facts_page.ask_tab")])
    with ask_tab:
        render_ask(s.fact_base)
    with search_tab:
        render_search(s.fact_base)


def render_status(fb: FactBase, status) -> None:
    st.sidebar.header(t("facts_page.sidebar"))
    st.sidebar.metric(t("facts_page.count"), status.facts)
    st.sidebar.write(t("facts_page.status", stale=len(status.stale), retired=len(status.retired),
                       conflicts=status.conflict_groups))
    if status.errors:
        st.sidebar.error(t("facts_page.errors", n=len(status.errors)))
    with st.sidebar.expander(t("facts_page.by_filiere")):
        for fid, n in status.by_filiere.items():
            st.write(t("facts_page.filiere_count", label=fb.filieres.label(fid), n=n))


def render_search(fb: FactBase) -> None:
    with st.form("search"):
        query = st.text_input(t("facts_page.query"), key="query")
        c1, c2, c3 = st.columns(3)
        options = {"(toutes)": t("any.feminine")} | {f: fb.filieres.label(f) for f in fb.filieres.items}
        filiere = c1.selectbox(t("label.filiere"), list(options), key="search_filiere", format_func=options.get)
        lang = c2.radio(t("facts_page.display_lang"), ["fr", "en"], horizontal=True, key="search_lang")
        k = c3.number_input(t("facts_page.results"), min_value=1, max_value=50, value=5, key="search_k")
        include_retired = c1.checkbox(t("facts_page.include_retired"), key="search_retired")
        exclude_stale = c2.checkbox(t("facts_page.exclude_stale"), key="search_fresh")
        submitted = st.form_submit_button(t("facts_page.search"))
    if not submitted:
        return
    try:
        hits = fb.search(query, k=int(k), filiere=None if filiere == "(toutes)" else filiere,
                         include_retired=include_retired, exclude_stale=exclude_stale)
    except StudioError as exc:
        show_error(exc)
        return
    if not hits:
        st.info(t("facts_page.no_hit"))
    best = max((h.score for h in hits), default=0) or 1
    for n, hit in enumerate(hits, 1):
        render_hit(n, hit, lang, hit.score / best)


def relevance(share: float) -> str:
    """A hit's relevance said in words, from its score against the best hit's (the scores alone mean nothing)."""
    return t("facts_page.very_relevant" if share >= 0.9 else "facts_page.relevant" if share >= 0.75
             else "facts_page.less_relevant")


def render_hit(n: int, hit, lang: str, share: float = 1.0) -> None:
    j = hit.to_json(lang)
    badges = []
    if hit.stale:
        badges.append(t("facts_page.stale_badge", date=date(j["review_by"])))
    if hit.fact.status != "verified":
        badges.append(t("facts_page.status_badge", status=label("fact_status", hit.fact.status)))
    if hit.superseded_by:
        badges.append(t("facts_page.replaced_badge", ids=", ".join(hit.superseded_by)))
    with st.container(border=True):
        if badges:  # before the statement: nobody copies a stale figure without seeing that it is
            st.warning(" · ".join(badges))
        st.markdown(f"**{n}. [{j['id']}]** {html.escape(j['statement'])}")
        st.caption(f"{relevance(share)} · {j['year']} · {link(j['source_title'], j['source_url'])}")
        if hit.conflicts:
            st.info(t("facts_page.conflict", ids=", ".join(hit.conflicts)))


def render_ask(fb: FactBase) -> None:
    with st.form("ask"):
        question = st.text_input(t("facts_page.question"), key="question")
        use_model = st.checkbox(t("facts_page.use_model"), value=True, key="use_model")
        asked = st.form_submit_button(t("facts_page.ask"))
    if not asked:
        return
    try:
        with st.spinner(t("facts_page.asking")):
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
    st.caption(translate(result.reason))
    for c in result.citations:
        st.caption(f"[{c['id']}] {c['year']} · {link(c['source_title'], c['source_url'])}")
