"""The reading text of the site and documents: a small Markdown subset rendered safely (everything escaped first).

Citations ([ID], [ID; ID]) become numbered notes, superscript links to the page's Sources section; the same fact
cited twice keeps its number. Quoted passages in the other language carry their `lang`.

The subset is what drafts contain: headings (#, ##, ###), paragraphs, "- " lists, **bold**, *italic*, and [ID]
citations. Anything else (raw HTML, links, images) is shown as the text it is: nothing in an approved text can
inject markup into the site."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.verify.checker import CITATION, cited_ids

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_SPAN = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
_NOTE = re.compile(r"[ \t\u00a0\u202f]*" + CITATION.pattern)  # the space before a note goes with it
# a quoted passage, after escaping: « … », “ … ” or " … " (&quot;), holding no markup
_QUOTE = re.compile(r"«[^«»<>]{2,400}»|“[^“”<>]{2,400}”|&quot;(?:(?!&quot;)[^<>]){2,400}&quot;")
_WORDS = {
    "fr": set("le la les des du de et est une un pour dans sur avec au aux qui que il elle sont ont par ce cette "
              "son sa ses leur plus nous vous".split()),
    "en": set("the of and is are a an for in on with to by from that which its was were has have this their "
              "our more we you".split()),
}
SOURCES_LABEL = {"fr": "Sources", "en": "Sources"}
BACK_LABEL = {"fr": "Retour au texte", "en": "Back to the text"}
NOTE_LABEL = {"fr": "Source {n}", "en": "Source {n}"}
FACT_LABEL = {"fr": "fiche du chiffre", "en": "fact sheet"}  # the link to the fact's card in the fact base


@dataclass(frozen=True)
class SourceRef:
    """One cited fact's source, as the public sees it."""

    id: str
    title: str
    url: str
    year: int

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "url": self.url, "year": self.year}


class Notes:
    """The note number of each cited fact (in order of first citation) and the ids of the calls in the text."""

    def __init__(self, ids: list[str], lang: str = "fr") -> None:
        self.numbers = {fid: n for n, fid in enumerate(dict.fromkeys(ids), 1)}
        self.lang = lang
        self.calls: dict[str, int] = {}

    @classmethod
    def of(cls, text: str, lang: str = "fr") -> Notes:
        return cls(cited_ids(text), lang)

    def number(self, fact_id: str) -> int:
        return self.numbers.setdefault(fact_id, len(self.numbers) + 1)

    def call(self, fact_id: str) -> str:
        """One note call: the superscript number, a link to the source; the first call of a fact is the target of
        the source's link back."""
        n = self.number(fact_id)
        seen = self.calls[fact_id] = self.calls.get(fact_id, 0) + 1
        ref = ref_anchor(fact_id) + ("" if seen == 1 else f"-{seen}")
        label = html.escape(NOTE_LABEL.get(self.lang, NOTE_LABEL["fr"]).format(n=n), quote=True)
        return f'<a href="#{anchor(fact_id)}" id="{ref}" title="{label}">{n}</a>'


def anchor(fact_id: str) -> str:
    """The id of a source's list item in a page (fact ids are letters, digits and a dash)."""
    return "src-" + re.sub(r"[^A-Za-z0-9-]", "", fact_id)


def ref_anchor(fact_id: str) -> str:
    """The id of a fact's first note call in the text."""
    return "ref-" + re.sub(r"[^A-Za-z0-9-]", "", fact_id)


def safe_url(url: str) -> str | None:
    """The address, if it may become a link (http/https only); else None."""
    return url if re.match(r"^https?://[^\s\"'<>]+$", url or "", re.I) else None


def guess_lang(text: str) -> str | None:
    """'fr' or 'en' when a short text clearly reads as one of them (function words, accents); None when unsure."""
    words = re.findall(r"[^\W\d_]+", html.unescape(text).lower())
    fr = sum(w in _WORDS["fr"] for w in words) + len(re.findall(r"[éèêàçùâîôûœ]", text.lower()))
    en = sum(w in _WORDS["en"] for w in words)
    if fr > en and fr >= 1:
        return "fr"
    if en > fr and en >= 1:
        return "en"
    return None


def lang_attr(text: str, page_lang: str) -> str:
    """` lang="xx"` when the text is in a language other than the page's, else nothing."""
    other = guess_lang(text)
    return f' lang="{other}"' if other and other != page_lang else ""


def inline(text: str, notes: Notes | None = None, lang: str | None = None) -> str:
    """One line of text as HTML: escaped first, then note calls, bold, italic and foreign quotes."""
    notes = notes or Notes.of(text)
    out = html.escape(text, quote=True)
    out = _NOTE.sub(lambda m: _note_calls(m, notes), out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    if lang:
        out = _QUOTE.sub(lambda m: _quote(m.group(0), lang), out)
    return out


def _note_calls(m: re.Match, notes: Notes) -> str:
    ids = [i.strip().upper() for i in re.split(r"[,;]", m.group(1))]
    return '<sup class="note">' + '<span class="sep">,</span>'.join(notes.call(i) for i in ids) + "</sup>"


def _quote(quoted: str, page_lang: str) -> str:
    attr = lang_attr(quoted, page_lang)
    return f"<span{attr}>{quoted}</span>" if attr else quoted


@dataclass(frozen=True)
class Block:
    """One block of a draft: a heading (level 1-3), a paragraph (its lines) or a list (its items)."""

    kind: str          # "heading" | "paragraph" | "list"
    lines: tuple[str, ...]
    level: int = 0


def parse_blocks(text: str) -> list[Block]:
    """The blocks of a draft's Markdown subset; any other syntax stays plain text inside them."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("paragraph", tuple(para)))
            para.clear()
        if items:
            blocks.append(Block("list", tuple(items)))
            items.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        heading, item = _HEADING.match(stripped), _ITEM.match(line)
        if not stripped:
            flush()
        elif heading:
            flush()
            blocks.append(Block("heading", (heading.group(2).strip(),), len(heading.group(1))))
        elif item:
            if para:
                flush()
            items.append(item.group(1).strip())
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return blocks


def spans(text: str) -> list[tuple[str, str]]:
    """A line split into (text, style) with style "", "bold" or "italic" (for documents)."""
    out: list[tuple[str, str]] = []
    for n, part in enumerate(_SPAN.split(text)):
        if n % 3 == 0:
            if part:
                out.append((part, ""))
        elif part is not None:
            out.append((part, "bold" if n % 3 == 1 else "italic"))
    return out


def note_spans(text: str) -> list[tuple[str, list[str]]]:
    """A line split into (text, fact ids cited right after it): the note calls of a document's paragraph."""
    out, pos = [], 0
    for m in _NOTE.finditer(text):
        out.append((text[pos:m.start()], [i.strip().upper() for i in re.split(r"[,;]", m.group(1))]))
        pos = m.end()
    out.append((text[pos:], []))
    return out


def markdown_to_html(text: str, notes: Notes | None = None, lang: str | None = None, shift: int = 0) -> str:
    """The HTML body of a draft's Markdown (the subset above); safe for any input. `shift` lowers every heading
    by that many levels (a text placed under a document's own title)."""
    notes = notes or Notes.of(text, lang or "fr")
    out = []
    for b in parse_blocks(text):
        if b.kind == "heading":
            level = min(b.level + shift, 6)
            out.append(f"<h{level}>{inline(b.lines[0], notes, lang)}</h{level}>")
        elif b.kind == "paragraph":
            out.append("<p>" + "\n".join(inline(x, notes, lang) for x in b.lines) + "</p>")
        else:
            out.append("<ul>\n" + "\n".join(f"<li>{inline(x, notes, lang)}</li>" for x in b.lines) + "\n</ul>")
    return "\n".join(out)


def plain_text(text: str) -> str:
    """The reading text without Markdown marks or note codes (for meta descriptions)."""
    words = []
    for b in parse_blocks(text):
        if b.kind != "heading":
            for line in b.lines:
                line = _NOTE.sub("", line)
                words.append("".join(part for part, _ in spans(line)))
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def host(url: str) -> str:
    """The site a source is on (www.example.fr), shown beside its title."""
    return urlsplit(url).netloc


def source_item(s: SourceRef, lang: str, number: int | None = None, back: bool = True, fact_link: str = "") -> str:
    """One source as a list item: the title (a link when http/https, its own `lang` if another language), the
    site, the year, the fact's card in the fact base (`fact_link`, when published), and a link back to the text."""
    title = f"<cite{lang_attr(s.title, lang)}>{html.escape(s.title)}</cite>"
    url = safe_url(s.url)
    parts = [f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{title}</a>' if url else title]
    if url:
        parts.append(f'<span class="host">{html.escape(host(url))}</span>')
    parts.append(f"{int(s.year)}")
    if fact_link:
        parts.append(f'<a class="fact-link" href="{html.escape(fact_link, quote=True)}">'
                     f'{FACT_LABEL.get(lang, FACT_LABEL["fr"])}</a>')
    back_link = (f' <a class="back" href="#{ref_anchor(s.id)}" title="{BACK_LABEL.get(lang, BACK_LABEL["fr"])}">'
                 f'<span aria-hidden="true">↩</span><span class="visually-hidden">'
                 f'{BACK_LABEL.get(lang, BACK_LABEL["fr"])}</span></a>' if back else "")
    value = f' value="{number}"' if number else ""
    return f'<li id="{anchor(s.id)}"{value}>{" · ".join(parts)}{back_link}</li>'


def sources_html(sources: list[SourceRef], lang: str, notes: Notes | None = None, back: bool = True,
                 fact_links: dict[str, str] | None = None) -> str:
    """The sources section: one numbered item per cited fact, in note order (source title, link, year, and the
    link to the fact's card when `fact_links` has it)."""
    if not sources:
        return ""
    notes = notes or Notes([s.id for s in sources], lang)
    ordered = sorted(sources, key=lambda s: notes.number(s.id))
    rows = "\n".join(source_item(s, lang, notes.number(s.id), back, (fact_links or {}).get(s.id, ""))
                     for s in ordered)
    return (f'<section id="sources" class="sources">\n<h2>{SOURCES_LABEL.get(lang, "Sources")}</h2>\n'
            f"<ol>\n{rows}\n</ol>\n</section>")


def sources_markdown(sources: list[SourceRef], lang: str) -> str:
    """The same sources section in Markdown (the title with its address, and the year)."""
    if not sources:
        return ""
    lines = [f"## {SOURCES_LABEL.get(lang, 'Sources')}", ""]
    for s in sources:
        title = s.title.replace("[", "(").replace("]", ")")
        lines.append(f"- [{s.id}] [{title}](<{s.url}>) ({s.year})" if safe_url(s.url) else f"- [{s.id}] {title} ({s.year})")
    return "\n".join(lines) + "\n"


def page_markdown(text: str, sources: list[SourceRef], lang: str) -> str:
    """The approved text, byte for byte, followed by its sources section."""
    tail = sources_markdown(sources, lang)
    return text + ("" if text.endswith("\n") else "\n") + ("\n" + tail if tail else "")
