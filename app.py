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
class Screen:
    title: str
    url_path: str  # the page's address, http://host/<url_path>; the first page, the default, is at http://host/
    render: Callable[[state.Studio], None]
    role: str = "viewer"  # the least role that gets the page: the navigation holds no other


# the navigation, in order (the first is the default page); a new page is one more line here
SCREENS = [Screen("Relecture", "relecture", queue.page), Screen("Rédaction", "redaction", drafting.page, "editor"),
           Screen("État du corpus", "corpus", corpus.page), Screen("Base de faits", "faits", fact_base.page),
           Screen("Journal d'audit", "audit", audit.page, "admin")]


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
    if user is None:  # nothing but the sign-in until someone signs in (and no index opened for a stranger):
        # any address asked for (/audit…) runs the one page there is
        st.navigation([st.Page(lambda: sign_in(desk), title="Connexion", url_path="connexion", default=True)],
                      position="hidden").run()
        return
    # only the pages the role gets are registered: the address of any other page runs the default page instead
    visible = [s for s in SCREENS if user.can(s.role)]
    page = st.navigation([st.Page(lambda render=s.render: render(studio), title=s.title, url_path=s.url_path,
                                  default=i == 0) for i, s in enumerate(visible)])
    st.sidebar.write(f"Connecté : **{html.escape(user.username)}** ({user.role})")
    if st.sidebar.button("Se déconnecter", key="signout"):
        st.session_state.clear()
        st.rerun()
    try:
        studio = state.studio(settings, user, desk)  # what the page's function gets when it runs, just below
    except StudioError as exc:
        show_error(exc)
        return
    page.run()


main()
