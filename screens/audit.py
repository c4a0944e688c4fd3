"""The audit log page ("Journal d'audit", admins): the newest 500 entries of the append-only log."""
from __future__ import annotations

import streamlit as st

from pipeline.review.desk import ReviewDesk
from screens.state import Studio


def page(s: Studio) -> None:
    audit_page(s.desk)


def audit_page(desk: ReviewDesk) -> None:
    st.header("Journal d'audit")
    st.dataframe([{k: (str(v) if k == "detail" else v) for k, v in row.items()} for row in desk.audit_log(500)],
                 hide_index=True, width="stretch")
