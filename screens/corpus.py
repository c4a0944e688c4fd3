"""The corpus status page ("État du corpus"): facts per filière, to re-check, retired, conflicts, errors."""
from __future__ import annotations

import streamlit as st

from pipeline.corpus.relations import conflict_groups, superseded_map
from screens.common import link, plain
from screens.i18n import date_input_format, lang, t
from screens.state import Studio, corpus_fingerprint, corpus_view

# Renders only; the figures come from FactBase.status() and the facts read from corpus/. Corpus text is shown as
# text: tables, or Markdown with everything escaped.


def page(s: Studio) -> None:
    status, facts = corpus_view(s.fact_base, corpus_fingerprint(s.settings))
    corpus_status(status, facts, s.fact_base.filieres)


def corpus_status(status, facts: list, filieres) -> None:
    """`status`: a CorpusStatus; `facts`: the valid facts on disk; `filieres`: labels for the filière ids."""
    st.header(t("corpus.header"))
    by_id = {f.id: f for f in facts}
    groups = conflict_groups(facts)
    for col, (key, n) in zip(st.columns(5), (("facts", status.facts), ("stale", len(status.stale)),
                                             ("retired", len(status.retired)), ("conflicts", len(groups)),
                                             ("errors", len(status.errors)))):
        col.metric(t(f"corpus.{key}"), n)
    if status.errors:
        st.subheader(t("corpus.errors_header"))
        st.error(t("corpus.errors_text", n=len(status.errors)))
        st.code("\n".join(status.errors), language=None, wrap_lines=True)  # as text, line by line
    elif status.warnings:
        st.caption(t("corpus.warnings", n=status.warnings))

    col = {k: t(f"corpus.col.{k}") for k in ("filiere", "id", "facts", "review_by", "replaced_by")}
    st.subheader(t("corpus.by_filiere"))
    st.dataframe([{col["filiere"]: filieres.label(fid), col["id"]: fid, col["facts"]: n}
                  for fid, n in status.by_filiere.items()], hide_index=True, width="stretch")

    st.subheader(t("corpus.stale_header", n=len(status.stale)))
    if not status.stale:
        st.success(t("corpus.no_stale"))
    else:
        st.dataframe([_row(by_id[i], filieres) | {col["review_by"]: by_id[i].review_by}
                      for i in status.stale if i in by_id], hide_index=True, width="stretch",
                     column_config=_links() | {col["review_by"]: st.column_config.DateColumn(format=date_input_format())})

    st.subheader(t("corpus.retired_header", n=len(status.retired)))
    replaced = superseded_map(facts)
    if status.retired:
        st.dataframe([_row(by_id[i], filieres) | {col["replaced_by"]: ", ".join(replaced.get(i, ()))}
                      for i in status.retired if i in by_id],
                     hide_index=True, width="stretch", column_config=_links())

    st.subheader(t("corpus.conflicts_header", n=len(groups)))
    if not groups:
        st.success(t("corpus.no_conflict"))
    for group in groups:
        members = [by_id[i] for i in group if i in by_id]
        with st.container(border=True):
            st.caption(t("corpus.diverging", ids=" ↔ ".join(group)))
            for col, f in zip(st.columns(len(members) or 1), members):
                with col:
                    st.markdown(f"**[{f.id}]** {plain(f.statement(lang()))}")
                    st.caption(f"{f.year}" + (f" ({plain(f.year_note)})" if f.year_note else "") +
                               f" · {link(f.source.title, f.source.url)}")
                    if f.status == "retired":
                        st.caption(t("corpus.retired_mark"))


def _row(f, filieres) -> dict:
    """A fact as a table row, its statement in the interface language (French when it has no English one)."""
    col = {k: t(f"corpus.col.{k}") for k in ("id", "filiere", "statement", "year", "source", "link")}
    return {col["id"]: f.id, col["filiere"]: filieres.label(f.filiere), col["statement"]: f.statement(lang()),
            col["year"]: f.year, col["source"]: f.source.title, col["link"]: f.source.url}


def _links() -> dict:
    link_col, year_col = t("corpus.col.link"), t("corpus.col.year")
    return {link_col: st.column_config.LinkColumn(link_col), year_col: st.column_config.NumberColumn(format="%d")}
