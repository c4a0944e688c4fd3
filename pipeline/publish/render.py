"""The public site's HTML and Markdown: a small Markdown subset rendered safely (everything escaped first).

Citations are linked to the page's sources; one page per approved text and language, and an index.

The subset is what drafts contain: headings (#, ##, ###), paragraphs, "- " lists, **bold**, *italic*, and [ID]
citations. Anything else (raw HTML, links, images) is shown as the text it is: nothing in an approved text can
inject markup into the site."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from pipeline.verify.checker import CITATION

SITE_NAME = "Provence"
_LABELS = {
    "fr": {"sources": "Sources", "home": "Accueil", "version": "Version {v}, approuvée le {d}",
           "other": "English version", "docs": "Documents à télécharger", "lang_name": "Français"},
    "en": {"sources": "Sources", "home": "Home", "version": "Version {v}, approved on {d}",
           "other": "Version française", "docs": "Documents to download", "lang_name": "English"},
}
KIND_LABELS = {
    "fr": {"page": "Pages", "argumentaire": "Argumentaires", "employer_brand": "Marque employeur",
           "social": "Réseaux sociaux"},
    "en": {"page": "Pages", "argumentaire": "Investment cases", "employer_brand": "Employer brand",
           "social": "Social media"},
}
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_SPAN = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")


@dataclass(frozen=True)
class SourceRef:
    """One cited fact's source, as the public sees it."""

    id: str
    title: str
    url: str
    year: int

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "url": self.url, "year": self.year}


def labels(lang: str) -> dict:
    return _LABELS.get(lang, _LABELS["fr"])


def anchor(fact_id: str) -> str:
    """The id of a source's list item in a page (fact ids are letters, digits and a dash)."""
    return "src-" + re.sub(r"[^A-Za-z0-9-]", "", fact_id)


def safe_url(url: str) -> str | None:
    """The address, if it may become a link (http/https only); else None."""
    return url if re.match(r"^https?://[^\s\"'<>]+$", url or "", re.I) else None


def inline(text: str) -> str:
    """One line of text as HTML: escaped first, then citations, bold and italic."""
    out = html.escape(text, quote=True)
    out = CITATION.sub(_citation_links, out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _ITALIC.sub(r"<em>\1</em>", out)


def _citation_links(m: re.Match) -> str:
    ids = [i.strip().upper() for i in re.split(r"[,;]", m.group(1))]
    links = "; ".join(f'<a href="#{anchor(i)}">{i}</a>' for i in ids)
    return f'<span class="cite">[{links}]</span>'


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


def markdown_to_html(text: str) -> str:
    """The HTML body of a draft's Markdown (the subset above); safe for any input."""
    out = []
    for b in parse_blocks(text):
        if b.kind == "heading":
            out.append(f"<h{b.level}>{inline(b.lines[0])}</h{b.level}>")
        elif b.kind == "paragraph":
            out.append("<p>" + "\n".join(inline(x) for x in b.lines) + "</p>")
        else:
            out.append("<ul>\n" + "\n".join(f"<li>{inline(x)}</li>" for x in b.lines) + "\n</ul>")
    return "\n".join(out)


def sources_html(sources: list[SourceRef], lang: str) -> str:
    """The sources section: each cited fact's source title (a link when the address is http/https) and year."""
    rows = []
    for s in sources:
        title = html.escape(s.title)
        url = safe_url(s.url)
        link = f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{title}</a>' if url else title
        rows.append(f'<li id="{anchor(s.id)}">[{html.escape(s.id)}] {link} ({s.year})</li>')
    body = "\n".join(rows) if rows else ""
    return (f'<section id="sources">\n<h2>{labels(lang)["sources"]}</h2>\n<ol>\n{body}\n</ol>\n</section>'
            if rows else "")


def sources_markdown(sources: list[SourceRef], lang: str) -> str:
    """The same sources section in Markdown (the title with its address, and the year)."""
    if not sources:
        return ""
    lines = [f"## {labels(lang)['sources']}", ""]
    for s in sources:
        title = s.title.replace("[", "(").replace("]", ")")
        lines.append(f"- [{s.id}] [{title}](<{s.url}>) ({s.year})" if safe_url(s.url) else f"- [{s.id}] {title} ({s.year})")
    return "\n".join(lines) + "\n"


def page_markdown(text: str, sources: list[SourceRef], lang: str) -> str:
    """The approved text, byte for byte, followed by its sources section."""
    tail = sources_markdown(sources, lang)
    return text + ("" if text.endswith("\n") else "\n") + ("\n" + tail if tail else "")


def _document(lang: str, title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def page_html(*, title: str, lang: str, text: str, sources: list[SourceRef], version: int, approved_on: str,
              other_lang: str | None = None, page_file: str = "") -> str:
    """A whole public page: navigation, the approved text, its sources, and which version it is."""
    lab = labels(lang)
    nav = [f'<a href="../index.html">{lab["home"]}</a>']
    if other_lang:
        nav.append(f'<a href="../{html.escape(other_lang)}/{html.escape(page_file)}" '
                   f'hreflang="{html.escape(other_lang)}">{lab["other"]}</a>')
    body = markdown_to_html(text)
    if not text.lstrip().startswith("# "):  # social posts carry no title of their own
        body = f"<h1>{html.escape(title)}</h1>\n{body}"
    footer = html.escape(lab["version"].format(v=version, d=approved_on))
    return _document(lang, f"{title} — {SITE_NAME}",
                     f'<nav>{" · ".join(nav)}</nav>\n<main>\n<article>\n{body}\n</article>\n'
                     f"{sources_html(sources, lang)}\n</main>\n<footer>{footer}</footer>")


@dataclass(frozen=True)
class IndexEntry:
    lang: str
    kind: str
    title: str
    href: str


def index_html(entries: list[IndexEntry], documents: list[tuple[str, str, str]]) -> str:
    """The site's index: the pages per language (grouped by kind), then the downloadable documents.

    `documents` are (lang, title, href)."""
    parts = [f"<h1>{html.escape(SITE_NAME)}</h1>"]
    for lang in ("fr", "en"):
        mine = [e for e in entries if e.lang == lang]
        docs = [d for d in documents if d[0] == lang]
        if not mine and not docs:
            continue
        lab = labels(lang)
        parts.append(f'<section lang="{lang}">\n<h2>{lab["lang_name"]}</h2>')
        for kind, kind_label in KIND_LABELS[lang].items():
            of_kind = [e for e in mine if e.kind == kind]
            if of_kind:
                parts.append(f"<h3>{html.escape(kind_label)}</h3>\n<ul>\n" + "\n".join(
                    f'<li><a href="{html.escape(e.href, quote=True)}">{html.escape(e.title)}</a></li>'
                    for e in of_kind) + "\n</ul>")
        if docs:
            parts.append(f"<h3>{lab['docs']}</h3>\n<ul>\n" + "\n".join(
                f'<li><a href="{html.escape(href, quote=True)}" download>{html.escape(title)}</a></li>'
                for _, title, href in docs) + "\n</ul>")
        parts.append("</section>")
    return _document("fr", SITE_NAME, "<main>\n" + "\n".join(parts) + "\n</main>")
