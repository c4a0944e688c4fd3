"""What every page renders the same way: text shown as typed (`plain`), a refusal with its fix, status labels."""
from __future__ import annotations

import html
import re

import streamlit as st

from pipeline.errors import StudioError
from screens.i18n import label, t, translate

# Everything a person or the corpus wrote is shown as text: escaped before any Markdown or HTML rendering.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$])")


def plain(text: str) -> str:
    """`text` for st.markdown, shown exactly as typed: HTML escaped, Markdown (and $…$ maths) neutralised."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", "  \n")


def status_label(status: str) -> str:
    """A draft's status (draft, approved, stale…) in the interface language."""
    return label("status", status)


def error_text(exc: StudioError) -> str:
    """What failed and the fix, in the interface language (the pipeline's English where no pattern knows it)."""
    return translate(exc.message) + (f"\n\n{t('error.fix', fix=translate(exc.fix))}" if exc.fix else "")


def show_error(exc: StudioError, then: str = "") -> None:
    """A refusal as the person sees it: what failed, the fix, and anything else to say."""
    st.error(error_text(exc) + (f"\n\n{then}" if then else ""))


def link(title: str, url: str) -> str:
    """A source as a Markdown link that works: its title escaped, its address kept as it is (http/https only,
    parentheses and spaces encoded so Markdown does not cut it); any other address is shown as text."""
    if not re.match(r"^https?://[^\s\"'<>]+$", url or "", re.I):
        return plain(title) + (f" · {plain(url)}" if url else "")
    return f"[{plain(title)}]({url.replace('(', '%28').replace(')', '%29')})"


# Streamlit draws captions at 60 % opacity and inline code in green on grey: both under WCAG AA's 4.5:1
# on white (axe-core's color-contrast rule, tests/screens/test_browser.py). Darker, on every page.
CONTRAST_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {color: #474747 !important; opacity: 1 !important}
.stMarkdown code, [data-testid="stCaptionContainer"] code {color: #1d5e2f !important; background: #f0f2f0}
</style>"""


def readable() -> None:
    """The contrast fixes above, once per page run."""
    st.html(CONTRAST_CSS)  # style tags only: Streamlit puts them in the page, not in an element
