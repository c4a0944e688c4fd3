"""The review queue ("Relecture"): the newest version of every page and language, counts, filters, stale reasons."""
from __future__ import annotations

import streamlit as st

from pipeline.review.desk import OFF_CATALOGUE, STALE, QueueFilter, ReviewDesk, queue_counts, queue_items
from screens.common import STATUS_FR
from screens.draft_view import draft_view
from screens.state import Studio

# Renders only; the rows come from pipeline.review.queue_items (one query, no draft text loaded). Filters: status or
# stale, kind, filière, language, creation date.
OFF_CATALOGUE_FR = "(hors catalogue)"
KIND_FR = {"page": "page web", "argumentaire": "argumentaire", "employer_brand": "marque employeur",
           "social": "réseaux sociaux", OFF_CATALOGUE: OFF_CATALOGUE_FR}
COUNTED = ("draft", "in_review", "changes_requested", "approved", "rejected", STALE)
ALL = "__all__"  # the "any" choice of a selectbox


def page(s: Studio) -> None:
    """The "Relecture" page: the draft a click opened, else the queue."""
    asked = st.query_params.get("draft")  # a draft's own address, ?draft=ID: a shared link or a refresh
    if asked and not st.session_state.get("draft_id"):
        if asked.isdigit():
            st.session_state.draft_id = int(asked)
        else:
            st.query_params.pop("draft", None)
            st.error(f"« {asked} » n'est pas un numéro de brouillon : l'adresse d'un brouillon finit par ?draft= suivi "
                     "de son numéro, par exemple ?draft=12. Voici la file.")
    if st.session_state.get("draft_id"):
        draft_view(s.desk, s.user, s.snap)
    else:
        queue(s.desk, s.snap, s.pages, s.fact_base.filieres, s.pages_error)


def queue(desk: ReviewDesk, snap, pages: list, filieres, pages_error: str | None = None) -> None:
    """The queue page; `pages` is the catalogue (PageSpec), `filieres` the corpus's filières."""
    st.header("File de relecture")
    if pages_error:
        st.warning("Catalogue illisible : les brouillons sont listés « hors catalogue ».\n\n" + pages_error)
    items = queue_items(desk.store, pages, snap.stale)
    if not items:  # first run without the starter set (or a fresh database)
        st.info("Aucun brouillon pour l'instant. Un éditeur ou un administrateur peut en faire rédiger depuis la page "
                "« Rédaction » (ou : `python -m pipeline starter` pour trois textes de démonstration, "
                "`python -m pipeline regenerate --all` pour tout le catalogue).")
        return
    counts = queue_counts(items)
    for col, key in zip(st.columns(len(COUNTED)), COUNTED):
        col.metric(STATUS_FR[key], counts[key])
    flt = _filters(items, filieres)
    rows = [it for it in items if flt.keeps(it)]
    st.caption(f"{len(rows)} brouillon(s) sur {len(items)} avec ces filtres.")
    if not rows:
        st.info("Rien à relire avec ces filtres.")
        return
    st.dataframe([{"id": it.id, "page": it.page_id, "titre": it.title, "type": KIND_FR.get(it.kind, it.kind),
                   "langue": it.lang, "version": it.version, "statut": STATUS_FR.get(it.status, it.status),
                   "créé le": it.created, "signalés": it.flagged, "périmé": "; ".join(it.stale)} for it in rows],
                 hide_index=True, width="stretch")
    labels = {it.id: f"#{it.id} {it.page_id} [{it.lang}] v{it.version}" + (" ⚠ périmé" if it.stale else "")
              for it in rows}
    choice = st.selectbox("Ouvrir le brouillon", list(labels), format_func=labels.get, key="queue_open")
    if st.button("Ouvrir", key="open_draft"):
        st.session_state.draft_id = choice
        st.query_params["draft"] = str(choice)
        st.rerun()


def _filters(items: list, filieres) -> QueueFilter:
    """The filter widgets; choices come from the catalogue and the drafts present."""
    c1, c2 = st.columns([3, 1])
    statuses = c1.multiselect("Statut", list(COUNTED), default=["draft", "in_review", "changes_requested"],
                              format_func=STATUS_FR.get, key="queue_status")
    lang = c2.selectbox("Langue", ["toutes", "fr", "en"], key="queue_lang")
    c3, c4, c5, c6 = st.columns(4)
    kinds = [ALL] + sorted({it.kind for it in items if it.kind != OFF_CATALOGUE}) + [OFF_CATALOGUE]
    kind = c3.selectbox("Type", kinds, format_func=lambda k: "(tous)" if k == ALL else KIND_FR.get(k, k),
                        key="queue_kind")
    fils = [ALL] + list(filieres.items) + [OFF_CATALOGUE]
    filiere = c4.selectbox("Filière", fils, key="queue_filiere",
                           format_func=lambda f: "(toutes)" if f == ALL else OFF_CATALOGUE_FR if f == OFF_CATALOGUE
                           else filieres.label(f))
    since = c5.date_input("Créé depuis le", value=None, format="DD/MM/YYYY", key="queue_since")
    until = c6.date_input("Créé jusqu'au", value=None, format="DD/MM/YYYY", key="queue_until")
    return QueueFilter(statuses=frozenset(statuses), kind=None if kind == ALL else kind,
                       filiere=None if filiere == ALL else filiere, lang=None if lang == "toutes" else lang,
                       since=since, until=until)
