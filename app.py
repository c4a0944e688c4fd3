"""The studio's Streamlit entry: sign-in, then the navigation to the pages in screens/ (caches: screens/state.py)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from pipeline.config import load_settings
from pipeline.errors import StudioError
from pipeline.review.desk import ReviewDesk
from screens import audit, corpus, drafting, fact_base, queue, state
from screens.common import show_error

st.set_page_config(page_title="Studio — base de faits", layout="wide")


@dataclass(frozen=True)
class Page:
    label: str
    render: Callable[[state.Studio], None]
    role: str = "viewer"  # the least role that sees the page in the navigation


# the navigation, in order; a new page is one more line here
PAGES = [Page("Relecture", queue.page), Page("Rédaction", drafting.page, "editor"),
         Page("État du corpus", corpus.page), Page("Base de faits", fact_base.page),
         Page("Journal d'audit", audit.page, "admin")]


def sign_in(desk: ReviewDesk) -> None:
    st.title("Studio — connexion")
    with st.form("signin"):
        user = st.text_input("Utilisateur", key="signin_user")
        password = st.text_input("Mot de passe", type="password", key="signin_password")
        if st.form_submit_button("Se connecter"):
            try:
                st.session_state.user = desk.sign_in(user, password)
                st.rerun()
            except StudioError as exc:
                st.error(exc.message)  # the fix would name the CLI: not for a stranger at the door


def main() -> None:
    try:
        settings = load_settings()
        desk = ReviewDesk(state.store(settings))
    except StudioError as exc:
        show_error(exc)
        return
    user = st.session_state.get("user")
    if user is None:  # nothing but the sign-in until someone signs in (and no index opened for a stranger)
        sign_in(desk)
        return
    st.sidebar.write(f"Connecté : **{html.escape(user.username)}** ({user.role})")
    if st.sidebar.button("Se déconnecter", key="signout"):
        st.session_state.clear()
        st.rerun()
    try:
        studio = state.studio(settings, user, desk)
    except StudioError as exc:
        show_error(exc)
        return
    visible = [p for p in PAGES if user.can(p.role)]
    label = st.sidebar.radio("Aller à", [p.label for p in visible], key="nav")
    next(p for p in visible if p.label == label).render(studio)


main()
