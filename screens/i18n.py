"""The screens' language: messages from screens/messages.yaml, the pipeline's English messages translated, Babel formats."""
from __future__ import annotations

import datetime as _dt
import re
import string
from functools import lru_cache
from pathlib import Path

import streamlit as st
import yaml
from babel.dates import format_date, format_datetime, get_date_format
from babel.numbers import format_decimal
from streamlit import runtime

CATALOGUE = Path(__file__).with_name("messages.yaml")
LANGS = {"fr": "Français", "en": "English"}  # the interface languages, the first the default
DEFAULT = "fr"
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# how the checker joins several reasons into one (each part is translated alone), and the join in each language
_SEPARATORS = {" | ": {"fr": " | ", "en": " | "}, "; ": {"fr": " ; ", "en": "; "}}


@lru_cache(maxsize=1)
def catalogue() -> tuple[dict, list]:
    """(messages: key -> {fr, en}, pipeline patterns: [(compiled regex, entry)]) read once from messages.yaml."""
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    patterns = [(re.compile(p["match"]), p) for p in raw["pipeline"]]
    return raw["messages"], patterns


def lang() -> str:
    """The interface language of this session ("fr" until the person picks another, and outside a session)."""
    if not runtime.exists():  # no Streamlit session (a unit test, a bare import): the default
        return DEFAULT
    chosen = st.session_state.get("lang", DEFAULT)
    return chosen if chosen in LANGS else DEFAULT


def t(key: str, **values) -> str:
    """The message `key` in the interface language, its {placeholders} filled with `values` (a KeyError names a key
    missing from messages.yaml)."""
    text = catalogue()[0][key][lang()]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()[0]


def label(prefix: str, code: str) -> str:
    """The word for a code (a status, a kind…): `prefix.code` from the catalogue, else the code itself."""
    return t(f"{prefix}.{code}") if has(f"{prefix}.{code}") else code


def placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# ---------------------------------------------------------------- formats (Babel, CLDR: fr_FR and en_GB)
def date(d: _dt.date | str | None, style: str = "short") -> str:
    """A date as the interface language writes it: 02/12/2026 ("short") or "2 déc. 2026" / "2 Dec 2026" ("medium")."""
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    return format_date(d, style, locale=LOCALES[lang()])


def datetime(dt: _dt.datetime | None, style: str = "short") -> str:
    """A date and time: "02/12/2026 14:05" in French, "02/12/2026, 14:05" in English (as given: UTC here)."""
    return format_datetime(dt, style, locale=LOCALES[lang()]) if dt is not None else ""


def number(x: float, decimals: int = 0) -> str:
    """A number: 1 234 567,5 in French (narrow no-break space, decimal comma), 1,234,567.5 in English."""
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=fmt, locale=LOCALES[lang()])


def date_input_format() -> str:
    """The interface language's short date as st.date_input spells formats (CLDR dd/MM/y -> DD/MM/YYYY)."""
    pattern = get_date_format("short", locale=LOCALES[lang()]).pattern
    sep = next((c for c in pattern if c in "/.-"), "/")
    order = [{"d": "DD", "M": "MM", "y": "YYYY"}[c] for c in dict.fromkeys(ch for ch in pattern if ch in "dMy")]
    return sep.join(order)


# ---------------------------------------------------------------- the pipeline's English messages
def translate(text: str | None) -> str:
    """A message from the pipeline (an error and its fix, a flag or staleness reason) in the interface language;
    as written when no pattern of messages.yaml knows it."""
    if not text:
        return text or ""
    return _translate(text)[0]


def _translate(text: str) -> tuple[str, bool]:
    """(the text in the interface language, whether a pattern knew it)."""
    for rx, entry in catalogue()[1]:
        m = rx.fullmatch(text)
        if m:
            return entry[lang()].format(**_values(m, entry)), True
    for sep in _SEPARATORS:  # several reasons joined: translated only when every part is known
        parts = text.split(sep)
        if len(parts) > 1:
            done = [_translate(p) for p in parts]
            if all(ok for _, ok in done):
                return _SEPARATORS[sep][lang()].join(p for p, _ in done), True
    return text, False


def _values(m: re.Match, entry: dict) -> dict:
    values = {k: v or "" for k, v in m.groupdict().items()}
    for g in entry.get("nested", ()):
        values[g] = _translate(values[g])[0]
    for g in entry.get("numbers", ()):
        values[g] = number(int(values[g].replace(",", "")))
    for g in entry.get("dates", ()):
        values[g] = date(values[g])
    for g in entry.get("datetimes", ()):
        values[g] = datetime(_dt.datetime.strptime(values[g], "%Y-%m-%d %H:%M"))
    for g, prefix in (entry.get("lookup") or {}).items():
        values[g] = ", ".join(label(prefix, v) for v in values[g].split(", "))
    return values


# ---------------------------------------------------------------- the switch and the page titles
def language_switch() -> None:
    """The sidebar's "Langue / Language" choice, kept in st.session_state.lang for the whole session."""
    if st.session_state.get("lang") not in LANGS:
        st.session_state.lang = DEFAULT
    st.sidebar.radio(t("app.language"), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)


def page_title(url_path: str, title: str) -> str:
    """A navigation page's title in the interface language (nav.<url_path> in the catalogue), else `title`."""
    return t(f"nav.{url_path}") if has(f"nav.{url_path}") else title
