"""The review queue ("Relecture"): the newest version of every page and language, counts, filters, stale reasons."""
from __future__ import annotations

import datetime

import streamlit as st

from pipeline.errors import StudioError
from pipeline.review.desk import OFF_CATALOGUE, STALE, QueueFilter, ReviewDesk, queue_counts, queue_items
from screens.common import error_text, plain, status_label
from screens.draft_view import draft_view
from screens.i18n import date, date_input_format, label, t, translate
from screens.state import Studio

# Renders only; the rows come from pipeline.review.queue_items (one query, no draft text loaded). Filters: status or
# stale, kind, filière, language, creation date.
COUNTED = ("draft", "in_review", "changes_requested", "approved", "rejected", STALE)
ALL = "__all__"  # the "any" choice of a selectbox


def kind_label(kind: str) -> str:
    """A catalogue kind (page, argumentaire…) in the interface language; a page gone from the catalogue says so."""
    return t("kind.off_catalogue") if kind == OFF_CATALOGUE else label("kind", kind)


def page(s: Studio) -> None:
    """The "Relecture" page: the draft a click opened, else the queue."""
    asked = st.query_params.get("draft")  # a draft's own address, ?draft=ID: a shared link or a refresh
    if asked and not st.session_state.get("draft_id"):
        if asked.isdigit():
            st.session_state.draft_id = int(asked)
        else:
            st.query_params.pop("draft", None)
            st.error(t("queue.bad_address", asked=plain(asked)))
    if st.session_state.get("draft_id"):
        draft_view(s.desk, s.user, s.snap)
    else:
        queue(s.desk, s.snap, s.pages, s.fact_base.filieres, s.pages_error)


def queue(desk: ReviewDesk, snap, pages: list, filieres, pages_error: StudioError | None = None) -> None:
    """The queue page; `pages` is the catalogue (PageSpec), `filieres` the corpus's filières."""
    st.header(t("queue.header"))
    if pages_error:
        st.warning(t("queue.catalogue_unreadable") + "\n\n" + error_text(pages_error))
    items = queue_items(desk.store, pages, snap.stale)
    if not items:  # first run without the starter set (or a fresh database)
        st.info(t("queue.empty"))
        return
    counts = queue_counts(items)
    for col, key in zip(st.columns(len(COUNTED)), COUNTED):
        col.metric(status_label(key), counts[key])
    flt = _filters(items, filieres)
    rows = [it for it in items if flt.keeps(it)]
    st.caption(t("queue.shown", shown=len(rows), total=len(items)))
    if not rows:
        st.info(t("queue.nothing"))
        return
    col = {k: t(f"queue.col.{k}") for k in ("id", "page", "title", "kind", "lang", "version", "status", "created",
                                             "flagged", "stale")}
    # what a reviewer scans first comes first (the flagged and stale columns fit at 1,366 px); a click on a row
    # opens its draft
    picked = st.dataframe([{col["id"]: it.id, col["title"]: it.title, col["flagged"]: it.flagged,
                            col["stale"]: " · ".join(translate(r) for r in it.stale),
                            col["status"]: status_label(it.status), col["lang"]: it.lang, col["version"]: it.version,
                            col["kind"]: kind_label(it.kind), col["created"]: it.created, col["page"]: it.page_id}
                           for it in rows],
                          hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="queue_table",
                          column_config={col["created"]: st.column_config.DateColumn(format=date_input_format()),
                                         col["title"]: st.column_config.TextColumn(width="medium"),
                                         col["stale"]: st.column_config.TextColumn(width="medium")})
    chosen_rows = picked.selection.rows if picked is not None and hasattr(picked, "selection") else []
    if chosen_rows and chosen_rows[0] < len(rows):
        st.session_state.pop("queue_table", None)  # the selection opened it: back in the queue, nothing is selected
        st.session_state.draft_id = rows[chosen_rows[0]].id
        st.query_params["draft"] = str(rows[chosen_rows[0]].id)
        st.rerun()
    labels = {it.id: f"#{it.id} {it.page_id} [{it.lang}] v{it.version}" + (t("queue.stale_mark") if it.stale else "")
              for it in rows}
    choice = st.selectbox(t("queue.open"), list(labels), format_func=labels.get, key="queue_open")
    if st.button(t("queue.open_button"), key="open_draft"):
        st.session_state.draft_id = choice
        st.query_params["draft"] = str(choice)
        st.rerun()


def _filters(items: list, filieres) -> QueueFilter:
    """The filter widgets; choices come from the catalogue and the drafts present."""
    c1, c2 = st.columns([3, 1])
    # labels made now, in this run's language (a format_func may be called later, outside the run)
    status_names = {s: status_label(s) for s in COUNTED}
    statuses = c1.multiselect(t("queue.status"), list(COUNTED), default=["draft", "in_review", "changes_requested"],
                              format_func=status_names.get, key="queue_status",
                              placeholder=t("queue.status_placeholder"))
    langs = {"toutes": t("queue.lang_all"), "fr": "fr", "en": "en"}
    lang = c2.selectbox(t("label.language"), list(langs), key="queue_lang", format_func=langs.get)
    c3, c4, c5, c6 = st.columns(4)
    kinds = [ALL] + sorted({it.kind for it in items if it.kind != OFF_CATALOGUE}) + [OFF_CATALOGUE]
    kind_names = {k: t("any.masculine") if k == ALL else kind_label(k) for k in kinds}
    kind = c3.selectbox(t("queue.kind"), kinds, format_func=kind_names.get, key="queue_kind")
    fils = {ALL: t("any.feminine")} | {f: filieres.label(f) for f in filieres.items} | {
        OFF_CATALOGUE: kind_label(OFF_CATALOGUE)}
    filiere = c4.selectbox(t("label.filiere"), list(fils), key="queue_filiere", format_func=fils.get)
    fmt, example = date_input_format(), t("queue.date_help", example=date(datetime.date.today()))
    since = c5.date_input(t("queue.since"), value=None, format=fmt, key="queue_since", help=example)
    until = c6.date_input(t("queue.until"), value=None, format=fmt, key="queue_until", help=example)
    return QueueFilter(statuses=frozenset(statuses), kind=None if kind == ALL else kind,
                       filiere=None if filiere == ALL else filiere, lang=None if lang == "toutes" else lang,
                       since=since, until=until)
