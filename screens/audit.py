"""The audit log page (admins): whether its hash chain is whole, then its newest entries.

The audit log page ("Journal d'audit", admins): whether its hash chain is whole (the entries that break it, and
the command that says why), then the newest 500 entries of the append-only log."""
from __future__ import annotations

import streamlit as st

from pipeline.review.desk import ReviewDesk
from screens.i18n import datetime, label, t
from screens.state import Studio


def page(s: Studio) -> None:
    audit_page(s.desk)


def audit_page(desk: ReviewDesk) -> None:
    """The newest entries, columns named in the interface language, times as the language writes them (UTC)."""
    st.header(t("audit.header"))
    chain = desk.verify_audit()
    if chain.ok:
        st.success(t("audit.chain_ok", entries=chain.entries))
    else:
        ids = sorted({f.entry_id for f in chain.findings if f.entry_id is not None})
        st.error(t("audit.chain_broken", count=len(chain.findings), entries=", ".join(f"{i}" for i in ids[:20])))
    st.dataframe([{label("audit.col", k): _cell(k, v) for k, v in row.items()} for row in desk.audit_log(500)],
                 hide_index=True, width="stretch")


def _cell(column: str, value):
    if column == "detail":
        return str(value)
    if column == "ts":
        return datetime(value)
    return value
