"""The browser's side of the signed session (pipeline/review/session.py): a cookie that survives a refresh.

Streamlit reads cookies (st.context.cookies, as the browser sent them when the page was opened) but has no call to
set one, so a one-line script sets or clears it. The cookie is SameSite=Strict (never sent from another site),
Secure on https, and expires with the idle limit; being set by a script it cannot be HttpOnly, which is why the token
it carries is signed and short-lived, and worthless once the password changes."""
from __future__ import annotations

import json
import time

import streamlit as st

from pipeline.review.desk import ReviewDesk, User
from pipeline.review.session import COOKIE, SessionSigner

REISSUE_AFTER_S = 60  # the token is re-issued at most once a minute as the person works: its age is the idle time


def _script(value: str, max_age: int) -> None:
    cookie = json.dumps(f"{COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict")
    st.html(f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True)


def resume(desk: ReviewDesk, signer: SessionSigner) -> User | None:
    """The person this browser's cookie names, unless they signed out in this session (the cookie the page was
    opened with is still in st.context.cookies until the next refresh)."""
    if st.session_state.get("signed_out"):
        return None
    return desk.resume(signer, st.context.cookies.get(COOKIE))


def remember(desk: ReviewDesk, signer: SessionSigner, user: User) -> None:
    """Set (or refresh) the cookie for `user`: after signing in, then once a minute while they work."""
    now = time.time()
    if now - st.session_state.get("cookie_at", 0.0) < REISSUE_AFTER_S:
        return
    _script(desk.session_token(signer, user), signer.max_age)
    st.session_state.cookie_at = now


def forget() -> None:
    """Clear the cookie (on the sign-in page after a sign-out or an expired session)."""
    _script("", 0)


def sign_out(notice: str | None = None) -> None:
    """Everything of this session dropped; the sign-in page that follows clears the cookie."""
    st.session_state.clear()
    st.session_state.signed_out = True
    if notice:
        st.session_state.signin_notice = notice
