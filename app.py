"""The studio's Streamlit entry: sign-in, then the navigation to the pages in screens/ (caches: screens/state.py)."""
from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from pipeline.config import load_settings
from pipeline.errors import AuthError, SignInLockedError, StudioError
from pipeline.review.desk import ReviewDesk
from pipeline.review.session import SessionSigner, load_secret
from screens import audit, barometer, corpus, drafting, fact_base, i18n, photos, proposals, queue, session, state
from screens.common import readable, show_error

st.set_page_config(page_title="Studio — base de faits", layout="wide")
readable()  # captions and inline code dark enough to read (WCAG AA)


@dataclass(frozen=True)
class Screen:
    title: str
    url_path: str  # the page's address, http://host/<url_path>; the first page, the default, is at http://host/
    render: Callable[[state.Studio], None]
    role: str = "viewer"  # the least role that gets the page: the navigation holds no other


# the navigation, in order (the first is the default page); a new page is one more line here
SCREENS = [Screen("Relecture", "relecture", queue.page), Screen("Rédaction", "redaction", drafting.page, "editor"),
           Screen("État du corpus", "corpus", corpus.page), Screen("Base de faits", "faits", fact_base.page),
           Screen("Baromètre", "barometre", barometer.page), Screen("Photothèque", "phototheque", photos.page),
           Screen("Propositions de faits", "propositions", proposals.page, "editor"),
           Screen("Journal d'audit", "audit", audit.page, "admin")]


def sign_in(desk: ReviewDesk) -> None:
    st.title("Studio — connexion")
    if st.session_state.get("signed_out"):
        session.forget()  # the cookie of the session that ended, in this browser
    if st.session_state.get("signin_notice"):  # why the person was signed out (an idle session)
        st.info(st.session_state.signin_notice)
    if st.session_state.pop("signin_clear", False):
        st.session_state["signin_password"] = ""  # a refused password does not stay in the field (set before it is drawn)
    refusal = st.session_state.pop("signin_refusal", None)
    if refusal:
        st.error(refusal)
    with st.form("signin"):
        user = st.text_input("Utilisateur", key="signin_user")
        password = st.text_input("Mot de passe", type="password", key="signin_password")
        if st.form_submit_button("Se connecter"):
            try:
                signed_in = desk.sign_in(user, password)
            except SignInLockedError as exc:  # the delay after repeated failures: the right password waits too
                _refuse(f"Trop de tentatives : réessayez dans {exc.minutes} minute{'s' if exc.minutes > 1 else ''}.")
            except AuthError:
                _refuse("Nom d'utilisateur ou mot de passe incorrect (ou compte désactivé).")
            except StudioError as exc:
                _refuse(exc.message)  # the fix would name the CLI: not for a stranger at the door
            st.session_state.pop("signin_notice", None)
            st.session_state.pop("signed_out", None)
            st.session_state.user = signed_in
            st.session_state.last_active = time.time()
            st.session_state.signin_warning = _refused_since_last(desk, signed_in.username)
            st.rerun()


def _refuse(message: str) -> None:
    """A refused sign-in: the message shown, the password field emptied, the name kept."""
    st.session_state.signin_refusal = message
    st.session_state.signin_clear = True
    st.rerun()


def _refused_since_last(desk: ReviewDesk, username: str) -> str | None:
    """What the account's owner is told after signing in: the attempts refused since their previous sign-in."""
    entries = desk.failed_sign_ins(username)
    seen = [r for r in entries if r["action"] != "sign_in_locked"]
    if not seen:
        return None
    locks = len(entries) - len(seen)
    return (f"{len(seen)} tentative(s) de connexion refusée(s) sur votre compte depuis votre dernière connexion, "
            f"la dernière le {seen[0]['ts']:%d/%m/%Y à %H:%M} UTC" + (f", {locks} blocage(s) du compte" if locks else "")
            + f". Si ce n'était pas vous, changez votre mot de passe (`python -m pipeline users passwd {username}`) "
            "et prévenez un admin.")


def main() -> None:
    try:
        settings = load_settings()
        desk = ReviewDesk(state.store(settings))
        signer = SessionSigner(load_secret(settings.data_dir), settings.session_idle_minutes)
    except StudioError as exc:
        show_error(exc)
        return
    user = st.session_state.get("user")
    now, idle = time.time(), settings.session_idle_minutes
    if user is None and (user := session.resume(desk, signer)) is not None:  # a refresh: the cookie says who
        st.session_state.user, st.session_state.last_active = user, now
    if user is not None and now - st.session_state.get("last_active", now) > idle * 60:
        session.sign_out(f"Session expirée après {idle:g} minute{'s' if idle >= 2 else ''} "
                         "d'inactivité : reconnectez-vous.")  # signed out, as with the button
        user = None
    if user is not None:
        st.session_state.last_active = now
        session.remember(desk, signer, user)
    if user is None:  # nothing but the sign-in until someone signs in (and no index opened for a stranger):
        # any address asked for (/audit…) runs the one page there is
        st.navigation([st.Page(lambda: sign_in(desk), title="Connexion", url_path="connexion", default=True)],
                      position="hidden").run()
        return
    # only the pages the role gets are registered: the address of any other page runs the default page instead
    visible = [s for s in SCREENS if user.can(s.role)]
    # titles in the interface language: the switch's choice is in session state before the navigation is drawn
    page = st.navigation([st.Page(lambda render=s.render: render(studio), title=i18n.page_title(s.url_path, s.title),
                                  url_path=s.url_path,
                                  default=i == 0) for i, s in enumerate(visible)])
    st.sidebar.write(i18n.t("app.signed_in", user=html.escape(user.username), role=i18n.label("role", user.role)))
    i18n.language_switch()  # "Langue / Language", kept in st.session_state.lang
    if st.session_state.get("signin_warning"):
        st.sidebar.warning(st.session_state.signin_warning)
    if st.sidebar.button(i18n.t("app.sign_out"), key="signout"):
        session.sign_out()
        st.rerun()
    try:
        studio = state.studio(settings, user, desk)  # what the page's function gets when it runs, just below
    except StudioError as exc:
        show_error(exc)
        return
    page.run()


main()
