"""What the draft view shows beside the buttons: the page as publish renders it with its flags in place, a
word-by-word comparison of two versions, and the warnings an edit gets before it is saved."""
from __future__ import annotations

import difflib
import html
import re

from pipeline.publish.render import markdown_to_html
from pipeline.verify.checker import OK_STATUSES, cited_ids

STATUS_LABEL = {"contradicted": "chiffre contredit", "unsupported": "chiffre non étayé",
                "dangling_citation": "citation invalide", "unknown_entity": "nom absent des faits cités",
                "uncited": "affirmation sans citation", "wrong_language": "autre langue",
                "prompt_echo": "consigne recopiée", "unverified_link": "lien non vérifié", "stutter": "répétition"}
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"  # private-use marks: they survive escaping and Markdown
_MARKER = re.compile(r"\s*(?:#{1,3}\s+|[-*]\s+)")


def flag_label(status: str) -> str:
    return STATUS_LABEL.get(status, status)


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
    body = markdown_to_html("".join(marked))

    def open_mark(m: re.Match) -> str:
        s = reasons[int(m.group(1))]
        return f'<mark class="flag" title="{html.escape(s.get("reason", ""), quote=True)}">'
    body = re.sub(f"{_OPEN}(\\d+){_MID}", open_mark, body)
    closes = iter(reasons)
    body = re.sub(_CLOSE, lambda m: _reason(next(closes)), body)
    return f"<div class='draft'>{body}</div>"


def _reason(s: dict) -> str:
    return (f'</mark> <small class="why">⚠ {html.escape(flag_label(s.get("status", "")))} : '
            f'{html.escape(s.get("reason", ""))}</small>')


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
        out.append(f"Ce texte supprime la plus grande partie du précédent ({len(new.strip())} caractères au lieu de "
                   f"{len(old.strip())}).")
    if not cited_ids(new):
        out.append("Ce texte ne cite aucun fait : chacune de ses affirmations sera signalée.")
    return out


STYLE = """<style>
.draft mark.flag {background:#fff3b0; color:#1a1a1a; padding:0 2px}
.draft small.why {color:#7a3e00; font-weight:600}
.diff {white-space:normal; overflow-wrap:anywhere; line-height:1.6}
.diff del.gone {background:#ffd7d5; color:#1a1a1a}
.diff ins.new {background:#d2f4d3; color:#1a1a1a; text-decoration:underline}
</style>"""
