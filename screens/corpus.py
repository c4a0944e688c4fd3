"""The corpus status page ("État du corpus"): facts per filière, to re-check, retired, conflicts, errors."""
from __future__ import annotations

import streamlit as st

from pipeline.corpus.facts import conflict_groups, superseded_map
from screens.common import link, plain
from screens.state import Studio, corpus_fingerprint, corpus_view

# Renders only; the figures come from FactBase.status() and the facts read from corpus/. Corpus text is shown as
# text: tables, or Markdown with everything escaped.


def page(s: Studio) -> None:
    status, facts = corpus_view(s.fact_base, corpus_fingerprint(s.settings))
    corpus_status(status, facts, s.fact_base.filieres)


def corpus_status(status, facts: list, filieres) -> None:
    """`status`: a CorpusStatus; `facts`: the valid facts on disk; `filieres`: labels for the filière ids."""
    st.header("État du corpus")
    by_id = {f.id: f for f in facts}
    groups = conflict_groups(facts)
    for col, (label, n) in zip(st.columns(5), (("Faits", status.facts), ("À revérifier", len(status.stale)),
                                               ("Retirés", len(status.retired)),
                                               ("Conflits à arbitrer", len(groups)),
                                               ("Erreurs", len(status.errors)))):
        col.metric(label, n)
    if status.errors:
        st.subheader("Erreurs du corpus")
        st.error(f"{len(status.errors)} erreur(s) : l'index garde la version précédente tant qu'elles restent. "
                 "Corrigez les lignes indiquées, puis lancez `python -m pipeline ingest`.")
        st.code("\n".join(status.errors), language=None, wrap_lines=True)  # as text, line by line
    elif status.warnings:
        st.caption(f"{status.warnings} avertissement(s) : `python -m pipeline validate` les liste.")

    st.subheader("Faits par filière")
    st.dataframe([{"filière": filieres.label(fid), "id": fid, "faits": n} for fid, n in status.by_filiere.items()],
                 hide_index=True, width="stretch")

    st.subheader(f"Faits à revérifier ({len(status.stale)})")
    if not status.stale:
        st.success("Aucun fait n'a dépassé sa date de revue.")
    else:
        st.dataframe([_row(by_id[i], filieres) | {"revue prévue le": by_id[i].review_by}
                      for i in status.stale if i in by_id],
                     hide_index=True, width="stretch", column_config=_links())

    st.subheader(f"Faits retirés ({len(status.retired)})")
    replaced = superseded_map(facts)
    if status.retired:
        st.dataframe([_row(by_id[i], filieres) | {"remplacé par": ", ".join(replaced.get(i, ()))}
                      for i in status.retired if i in by_id],
                     hide_index=True, width="stretch", column_config=_links())

    st.subheader(f"Conflits à arbitrer ({len(groups)})")
    if not groups:
        st.success("Aucun conflit déclaré entre faits.")
    for group in groups:
        members = [by_id[i] for i in group if i in by_id]
        with st.container(border=True):
            st.caption("Sources divergentes : " + " ↔ ".join(group) + ". Ne pas choisir un chiffre en silence.")
            for col, f in zip(st.columns(len(members) or 1), members):
                with col:
                    st.markdown(f"**[{f.id}]** {plain(f.statement_fr)}")
                    st.caption(f"{f.year}" + (f" ({plain(f.year_note)})" if f.year_note else "") +
                               f" · {link(f.source.title, f.source.url)}")
                    if f.status == "retired":
                        st.caption("retiré")


def _row(f, filieres) -> dict:
    return {"id": f.id, "filière": filieres.label(f.filiere), "énoncé": f.statement_fr, "année": f.year,
            "source": f.source.title, "lien": f.source.url}


def _links() -> dict:
    return {"lien": st.column_config.LinkColumn("lien"), "année": st.column_config.NumberColumn(format="%d")}
