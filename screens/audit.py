"""The audit log page ("Journal d'audit", admins): the newest 500 entries of the append-only log."""
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
    st.dataframe([{label("audit.col", k): _cell(k, v) for k, v in row.items()} for row in desk.audit_log(500)],
                 hide_index=True, width="stretch")


def _cell(column: str, value):
    if column == "detail":
        return str(value)
    if column == "ts":
        return datetime(value)
    return value
