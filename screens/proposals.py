"""The "Propositions de faits" page: a person confirms, edits or discards the facts proposed from a document.

The proposals come from pipeline/resources/proposals.py. A document is uploaded (Markdown, DOCX, PDF) or a resource
of the corpus chosen; each figure
found is listed with its sentence, value, unit, year and the facts it may duplicate or contradict. Confirming writes
it into the corpus as a draft fact (status: draft), under the name of the person signed in; nothing else does.
Editors and above."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pipeline.errors import StudioError
from pipeline.resources import proposals as pr
from pipeline.resources.reader import read_document
from pipeline.resources.registry import load_resources
from pipeline.retrieve.fact_base import current_facts
from screens.common import show_error
from screens.i18n import t
from screens.state import Studio

UPLOAD_TYPES = ["md", "markdown", "txt", "docx", "pdf"]


def page(s: Studio) -> None:
    st.header(t("proposals.header"))
    st.caption(t("proposals.caption"))
    propose_form(s)
    waiting = [p for p in pr.load(s.settings.data_dir).values() if p.status == "proposed"]
    st.subheader(t("proposals.waiting", n=len(waiting)))
    if not waiting:
        st.info(t("proposals.none"))
    for p in waiting:
        proposal_card(s, p)


def propose_form(s: Studio) -> None:
    resources = {r.id: r for r in load_resources(s.settings.corpus_dir)}
    with st.form("propose"):
        upload = st.file_uploader(t("proposals.upload"), type=UPLOAD_TYPES, key="proposal_upload")
        names = {"": t("proposals.no_resource")} | {rid: r.title for rid, r in resources.items()}
        chosen = st.selectbox(t("proposals.resource"), list(names), key="proposal_resource", format_func=names.get)
        url = st.text_input(t("proposals.source_url"), key="proposal_url")
        year = st.number_input(t("proposals.year"), min_value=0, max_value=2100, value=0, step=1, key="proposal_year")
        if not st.form_submit_button(t("proposals.propose")):
            return
    try:
        facts = current_facts(s.settings)
        if chosen:
            r = resources[chosen]
            found = pr.propose(r.text, r.lang, r.file, facts, r.title, url, int(year) or r.date.year)
        elif upload is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                doc = read_document(path)
            found = pr.propose(doc.text, doc.lang, path.name, facts, path.stem, url, int(year) or None)
        else:
            st.warning(t("proposals.nothing"))
            return
        added, known = pr.record(s.settings.data_dir, found)
        st.success(t("proposals.found", n=len(found), added=added, known=known))
    except StudioError as exc:
        show_error(exc)


def proposal_card(s: Studio, p: pr.Proposal) -> None:
    with st.expander(f"{p.value} {p.unit} · {p.year or '?'} — {p.document}", expanded=False):
        st.markdown(f"> {p.evidence}")
        if p.duplicates:
            st.warning(t("proposals.duplicates", ids=", ".join(p.duplicates)))
        if p.contradicts:
            st.warning(t("proposals.contradicts", ids=", ".join(p.contradicts)))
        labels = {f: s.fact_base.filieres.label(f) for f in s.fact_base.filieres.items}
        c1, c2, c3, c4 = st.columns(4)
        value = c1.text_input(t("proposals.value"), p.value, key=f"pv_{p.id}")
        unit = c2.text_input(t("proposals.unit"), p.unit, key=f"pu_{p.id}")
        year = c3.number_input(t("proposals.year"), 0, 2100, int(p.year or 0), key=f"py_{p.id}")
        fil = c4.selectbox(t("label.filiere"), list(labels), key=f"pf_{p.id}", format_func=labels.get)
        url = st.text_input(t("proposals.source_url"), p.source_url, key=f"ps_{p.id}")
        statement = st.text_area(t("proposals.statement"), p.evidence if p.lang == "fr" else "", key=f"pt_{p.id}")
        not_dup = st.checkbox(t("proposals.not_duplicate"), key=f"pn_{p.id}") if p.duplicates else False
        b1, b2 = st.columns(2)
        if b1.button(t("proposals.confirm"), key=f"pc_{p.id}", type="primary"):
            try:
                _, fid = pr.confirm(s.settings.corpus_dir, s.settings.data_dir, p.id, filiere=fil,
                                    by=s.user.username, today=s.settings.today(), value=value, unit=unit,
                                    year=int(year) or None, statement=statement or None, source_url=url or None,
                                    not_duplicate=not_dup)
                st.success(t("proposals.confirmed", id=fid, filiere=fil))
            except StudioError as exc:
                show_error(exc)
        if b2.button(t("proposals.discard"), key=f"pd_{p.id}"):
            pr.discard(s.settings.data_dir, p.id, s.user.username, s.settings.today())
            st.rerun()
