"""Content studio: sign in, review drafts beside their facts, the corpus status, search the fact base and ask it.
Renders only; all logic lives in `pipeline` (review_screen.py, queue_screen.py and corpus_screen.py render pages).
What every rerun needs (facts, checker, catalogue, database) is cached and rebuilt only when the index or the
corpus changes, so a click does not reopen the index (whose lock other processes need)."""
from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from pipeline.config import Settings, load_settings
from pipeline.index.embedding import default_embedder
from pipeline.errors import StudioError
from pipeline.retrieve.fact_base import FactBase
from pipeline.wiring import open_answerer

st.set_page_config(page_title="Studio — base de faits", layout="wide")


@st.cache_resource
def _embedder():
    return default_embedder()


@st.cache_resource
def _chat_model():
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    return make_chat_model(llm_settings_from_env())


def _stat(path) -> tuple | None:
    try:
        s = path.stat()
        return s.st_mtime_ns, s.st_size
    except FileNotFoundError:
        return None


def corpus_fingerprint(settings: Settings) -> tuple:
    """Modification times and sizes of the corpus files, the brand voice and the prompts (what makes a draft
    stale besides the index): changes when anyone edits them; opens nothing."""
    from pipeline.llm.prompts import PROMPTS_DIR
    files = [*sorted(settings.corpus_dir.rglob("*.yaml")), settings.corpus_dir / "brand.md",
             *sorted(PROMPTS_DIR.glob("*.yaml"))]
    return (repr(settings),) + tuple((str(p), _stat(p)) for p in files)


def index_fingerprint(settings: Settings) -> tuple:
    """Changes when the index changes: ingest rewrites data/index-stamp; without a stamp, the Chroma file itself
    (which reading also touches: see `snapshot`). A remote index is re-read at most once a minute."""
    if settings.remote_index:
        return ("remote", int(time.time() // 60))
    stamp = settings.data_dir / "index-stamp"
    if stamp.exists():
        return ("stamp", _stat(stamp), (settings.chroma_dir / "chroma.sqlite3").exists())
    return ("chroma", _stat(settings.chroma_dir / "chroma.sqlite3"))


@st.cache_resource(show_spinner=False)
def _read_signatures() -> dict:
    return {}  # fingerprint seen right after our own read -> the fingerprint the snapshot was built for


@st.cache_resource(show_spinner="Lecture de la base de faits…", max_entries=4)
def _snapshot(_settings: Settings, key: tuple):
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.review.desk import FactSnapshot
    from pipeline.llm.base import llm_settings_from_env
    try:
        llm = llm_settings_from_env()
    except StudioError:  # a misconfigured model is reported where it is used; staleness leaves the model out
        llm = None
    from pipeline.corpus.catalogue import read_brand
    pages, _ = _catalogue(_settings, corpus_fingerprint(_settings))
    return FactSnapshot(current_facts(_settings, _embedder()), _settings.today(), llm=llm,  # index open only here
                        brand=read_brand(_settings.corpus_dir),
                        specs={p.id: p for p in pages} if pages else None)


def snapshot(settings: Settings):
    """The facts as indexed and a checker on them; the index is opened only when it changed."""
    key = corpus_fingerprint(settings) + (settings.today().isoformat(),) + index_fingerprint(settings)
    seen = _read_signatures()
    key = seen.get(key, key)
    snap = _snapshot(settings, key)
    after = corpus_fingerprint(settings) + (settings.today().isoformat(),) + index_fingerprint(settings)
    if after != key:  # opening Chroma touched its file: that is our read, not a change
        seen[after] = key
    return snap


@st.cache_resource(show_spinner=False)
def _store(url: str):
    from pipeline.store import DraftStore
    return DraftStore(url)  # one engine (and one migration check) per database, not per click


def store(settings: Settings):
    from pipeline.store import database_url
    return _store(database_url(settings.data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def _fact_base(_settings: Settings, key: tuple) -> FactBase:
    return FactBase(_settings, _embedder())


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalogue(_settings: Settings, key: tuple) -> tuple[list, str | None]:
    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    try:
        return load_pages(_settings.corpus_dir, load_filieres(_settings.corpus_dir)), None
    except StudioError as exc:  # the queue still shows every draft, as "hors catalogue"
        return [], f"{exc.message}\n\nCorrection : {exc.fix}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _corpus_view(_fb: FactBase, key: tuple) -> tuple:
    from pipeline.corpus.facts import read_corpus
    facts, _ = read_corpus(_fb.settings.corpus_dir, _fb.settings.today())
    return _fb.status(), facts


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


def render_hit(n: int, hit, lang: str) -> None:
    j = hit.to_json(lang)
    badges = []
    if hit.stale:
        badges.append(f"⚠️ à revérifier (revue prévue le {j['review_by']})")
    if hit.fact.status != "verified":
        badges.append(f"statut : {hit.fact.status}")
    if hit.superseded_by:
        badges.append("remplacé par " + ", ".join(hit.superseded_by))
    with st.container(border=True):
        st.markdown(f"**{n}. [{j['id']}]** {html.escape(j['statement'])}")
        st.caption(f"{j['year']} · [{j['source_title']}]({j['source_url']}) · score {j['score']:.4f}")
        if badges:
            st.warning(" · ".join(badges))
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
            model = _chat_model() if use_model else None
            with open_answerer(fb.settings, use_model=use_model, embedder=_embedder(), model=model) as answerer:
                result = answerer.ask(question)
    except StudioError as exc:
        st.error(f"{exc.message}\n\nCorrection : {exc.fix}")
        return
    if result.abstained:
        st.warning(result.answer)
        return
    st.markdown(html.escape(result.answer).replace("\n", "  \n"))
    st.caption(result.reason)
    for c in result.citations:
        st.caption(f"[{c['id']}] {c['year']} · [{c['source_title']}]({c['source_url']})")


@dataclass(frozen=True)
class Studio:
    """What a signed-in page gets: settings, the user, the review desk, the facts and the catalogue."""

    settings: Settings
    user: object
    desk: object
    snap: object
    fact_base: FactBase
    pages: list
    pages_error: str | None


@dataclass(frozen=True)
class Page:
    label: str
    render: Callable[[Studio], None]
    role: str = "viewer"  # the least role that sees the page in the navigation


def review_page(s: Studio) -> None:
    import queue_screen
    import review_screen as rs
    if st.session_state.get("draft_id"):
        rs.draft_view(s.desk, s.user, s.snap)
    else:
        queue_screen.queue(s.desk, s.snap, s.pages, s.fact_base.filieres, s.pages_error)


def corpus_page(s: Studio) -> None:
    import corpus_screen
    status, facts = _corpus_view(s.fact_base, corpus_fingerprint(s.settings))
    corpus_screen.corpus_status(status, facts, s.fact_base.filieres)


def facts_page(s: Studio) -> None:
    st.title("Base de faits vérifiés")
    render_status(s.fact_base, _corpus_view(s.fact_base, corpus_fingerprint(s.settings))[0])
    search_tab, ask_tab = st.tabs(["Chercher", "Poser une question"])
    with ask_tab:
        render_ask(s.fact_base)
    with search_tab:
        render_search(s.fact_base)


def drafting_page(s: Studio) -> None:
    import regen_screen
    regen_screen.drafting_page(s.settings, s.desk.store, s.pages, s.fact_base.filieres, s.user, s.desk.record_action)


def audit_page(s: Studio) -> None:
    import review_screen as rs
    rs.audit_page(s.desk)


# the navigation, in order; a new page is one more line here
PAGES = [Page("Relecture", review_page), Page("Rédaction", drafting_page, "editor"),
         Page("État du corpus", corpus_page), Page("Base de faits", facts_page),
         Page("Journal d'audit", audit_page, "admin")]


def main() -> None:
    import review_screen as rs
    from pipeline.review.desk import ReviewDesk
    try:
        settings = load_settings()
        desk = ReviewDesk(store(settings))
    except StudioError as exc:
        st.error(f"{exc.message}\n\nCorrection : {exc.fix}")
        return
    user = st.session_state.get("user")
    if user is None:  # nothing but the sign-in until someone signs in (and no index opened for a stranger)
        rs.sign_in(desk)
        return
    st.sidebar.write(f"Connecté : **{html.escape(user.username)}** ({user.role})")
    if st.sidebar.button("Se déconnecter", key="signout"):
        st.session_state.clear()
        st.rerun()
    try:
        snap = snapshot(settings)
        fb = _fact_base(settings, corpus_fingerprint(settings))
        pages, pages_error = _catalogue(settings, corpus_fingerprint(settings))
    except StudioError as exc:
        st.error(f"{exc.message}\n\nCorrection : {exc.fix}")
        return
    desk = ReviewDesk(desk.store, recheck=snap.report, facts=snap.facts)
    studio = Studio(settings, user, desk, snap, fb, pages, pages_error)
    visible = [p for p in PAGES if user.can(p.role)]
    label = st.sidebar.radio("Aller à", [p.label for p in visible], key="nav")
    next(p for p in visible if p.label == label).render(studio)


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
        st.error(f"{exc.message}\n\nCorrection : {exc.fix}")
        return
    if not hits:
        st.info("Aucun fait ne correspond (vérifiez les filtres).")
    for n, hit in enumerate(hits, 1):
        render_hit(n, hit, lang)


main()
