"""The downloadable documents (the argumentaire, the employer-brand kit) as DOCX, one per kind and language.

python-docx is imported here and nowhere else: when its API changes, this file changes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.publish.render import SourceRef, parse_blocks, safe_url, spans

# kind -> lang -> (file name, document title)
DOCUMENTS = {
    "argumentaire": {"fr": ("argumentaire-fr.docx", "Argumentaire d'attractivité — Provence"),
                     "en": ("argumentaire-en.docx", "Investment case — Provence")},
    "employer_brand": {"fr": ("kit-marque-employeur-fr.docx", "Kit marque employeur — Provence"),
                       "en": ("employer-brand-kit-en.docx", "Employer brand kit — Provence")},
}
# characters XML 1.0 cannot hold; python-docx would raise on them
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DocSection:
    """One approved text going into a document."""

    title: str
    text: str
    version: int


def write_docx(path: Path, kind: str, lang: str, sections: list[DocSection], sources: list[SourceRef]) -> None:
    """Write one document: its title, each approved text with its headings, lists and emphasis, then the sources."""
    from docx import Document
    doc = Document()
    title = DOCUMENTS[kind][lang][1]
    doc.core_properties.title = title
    doc.core_properties.language = lang
    doc.add_heading(_clean(title), level=0)
    for sec in sections:
        if not sec.text.lstrip().startswith("# "):
            doc.add_heading(_clean(sec.title), level=1)
        _add_markdown(doc, sec.text)
    if sources:
        doc.add_heading("Sources", level=1)
        for s in sources:
            p = doc.add_paragraph(style="List Number")
            p.add_run(f"[{s.id}] ")
            url = safe_url(s.url)
            if url:
                _hyperlink(p, _clean(s.title), url)
            else:
                p.add_run(_clean(s.title))
            p.add_run(f" ({s.year})" + (f" — {_clean(url)}" if url else ""))
    doc.save(str(path))


def _add_markdown(doc, text: str) -> None:
    for b in parse_blocks(text):
        if b.kind == "heading":
            doc.add_heading(_clean(b.lines[0]), level=b.level)
        elif b.kind == "paragraph":
            _runs(doc.add_paragraph(), " ".join(b.lines))
        else:
            for item in b.lines:
                _runs(doc.add_paragraph(style="List Bullet"), item)


def _runs(paragraph, text: str) -> None:
    """Bold and italic spans as formatted runs; the rest as plain runs."""
    for part, style in spans(text):
        run = paragraph.add_run(_clean(part))
        run.bold = style == "bold" or None
        run.italic = style == "italic" or None


def _hyperlink(paragraph, text: str, url: str) -> None:
    """A clickable link (python-docx has no public API for it: the relationship and the XML element by hand)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:u")
    style.set(qn("w:val"), "single")
    props.append(style)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _clean(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)
