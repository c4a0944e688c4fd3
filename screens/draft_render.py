"""The draft view's renderings: the page with its flags in place, two versions compared, warnings before a save.

The page is rendered as publish renders it; versions are compared word by word; an edit that removes most of the
text or cites nothing gets a warning before it is saved."""
from __future__ import annotations

import difflib
import html
import re

from pipeline.publish.render import Notes, markdown_to_html
from pipeline.verify.checker import cited_ids
from pipeline.verify.verdict import OK_STATUSES
from screens.i18n import label, number, t, translate

_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"  # private-use marks: they survive escaping and Markdown
_MARKER = re.compile(r"\s*(?:#{1,3}\s+|[-*]\s+)")


class CodeNotes(Notes):
    """Note calls shown as the fact's code, "[MAR-001]", where the site shows a number: the reviewer matches each
    sentence with the facts listed beside it."""

    def call(self, fact_id: str) -> str:
        return f' <span class="cite">[{html.escape(fact_id)}]</span>'


def flag_label(status: str) -> str:
    """A flag's kind (contradicted, uncited…) in the interface language."""
    return label("flag", status)


def review_html(text: str, sentences: list[dict]) -> str:
    """The draft rendered as the public site renders it (escaped first), each flagged sentence marked in place
    with its reason after it. A mark never crosses a line, and starts after a heading's or an item's marker."""
    flags = []
    for s in sentences:
        a, b = s.get("start", 0), s.get("end", 0)
        if s.get("status") in OK_STATUSES or not 0 <= a < b <= len(text):
            continue
        line_start = text.rfind("\n", 0, a) + 1
        marker = _MARKER.match(text, line_start)
        a = max(a, marker.end()) if marker else a
        nl = text.find("\n", a)
        b = min(b, nl) if 0 <= nl < b else b
        if a < b:
            flags.append((a, b, s))
    marked, pos, reasons = [], 0, []
    for a, b, s in sorted(flags, key=lambda f: f[0]):
        if a < pos:
            continue
        marked += [text[pos:a], f"{_OPEN}{len(reasons)}{_MID}", text[a:b], _CLOSE]
        reasons.append(s)
        pos = b
    marked.append(text[pos:])
    body = markdown_to_html("".join(marked), CodeNotes([]))

    def open_mark(m: re.Match) -> str:
        s = reasons[int(m.group(1))]
        return f'<mark class="flag" title="{html.escape(translate(s.get("reason", "")), quote=True)}">'
    body = re.sub(f"{_OPEN}(\\d+){_MID}", open_mark, body)
    closes = iter(reasons)
    body = re.sub(_CLOSE, lambda m: _reason(next(closes)), body)
    return f"<div class='draft'>{body}</div>"


def _reason(s: dict) -> str:
    why = t("flag.line", label=flag_label(s.get("status", "")), reason=translate(s.get("reason", "")))
    return f'</mark> <small class="why">{html.escape(why)}</small>'


def word_diff_html(old: str, new: str) -> tuple[str, str]:
    """(old, new) as HTML, word by word: what the newer version removed struck out on the left, what it added
    underlined on the right; everything escaped, line breaks kept so each side wraps in its column."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        was, now = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(was)
            right.append(now)
            continue
        if was:
            left.append(f'<del class="gone">{was}</del>')
        if now:
            right.append(f'<ins class="new">{now}</ins>')

    def wrap(parts: list[str]) -> str:
        return "<div class='diff'>" + "".join(parts).replace("\n", "<br>") + "</div>"
    return wrap(left), wrap(right)


def edit_warnings(old: str, new: str) -> list[str]:
    """Why an edit deserves a second look before it is saved (empty: save at once)."""
    out = []
    if not new.strip():
        return out  # an empty text is refused when saved, with its own message
    if len(new.strip()) < 0.5 * len(old.strip()):
        out.append(t("edit.warn_shrink", new=number(len(new.strip())), old=number(len(old.strip()))))
    if not cited_ids(new):
        out.append(t("edit.warn_uncited"))
    return out


STYLE = """<style>
.draft mark.flag {background:#fff3b0; color:#1a1a1a; padding:0 2px}
.draft small.why {color:#7a3e00; font-weight:600}
.diff {white-space:normal; overflow-wrap:anywhere; line-height:1.6}
.diff del.gone {background:#ffd7d5; color:#1a1a1a}
.diff ins.new {background:#d2f4d3; color:#1a1a1a; text-decoration:underline}
</style>"""
