"""What every page renders the same way: text shown as typed (`plain`), a refusal with its fix, status labels."""
from __future__ import annotations

import html
import re

import streamlit as st

from pipeline.errors import StudioError

# Everything a person or the corpus wrote is shown as text: escaped before any Markdown or HTML rendering.
STATUS_FR = {"draft": "à relire", "in_review": "en relecture", "changes_requested": "modifs demandées",
             "approved": "approuvé", "rejected": "rejeté", "superseded": "remplacé", "stale": "périmé"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$])")


def plain(text: str) -> str:
    """`text` for st.markdown, shown exactly as typed: HTML escaped, Markdown (and $…$ maths) neutralised."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", "  \n")


def show_error(exc: StudioError, then: str = "") -> None:
    """A refusal as the person sees it: what failed, the fix, and anything else to say."""
    st.error(f"{exc.message}\n\nCorrection : {exc.fix}" + (f"\n\n{then}" if then else ""))


def link(title: str, url: str) -> str:
    """A source as a Markdown link that works: its title escaped, its address kept as it is (http/https only,
    parentheses and spaces encoded so Markdown does not cut it); any other address is shown as text."""
    if not re.match(r"^https?://[^\s\"'<>]+$", url or "", re.I):
        return plain(title) + (f" · {plain(url)}" if url else "")
    return f"[{plain(title)}]({url.replace('(', '%28').replace(')', '%29')})"
