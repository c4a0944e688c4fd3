"""The downloadable documents (the argumentaire, the employer-brand kit) as DOCX, one per kind and language.

Each has the agency as author, a title page with the date, page numbers in the footer, and the citations as
numbered endnotes with their sources (no [ID] in the body). python-docx is imported here and nowhere else."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.corpus.agency import current as current_agency
from pipeline.publish.dates import long_date
from pipeline.publish.layout import agency_name, labels
from pipeline.publish.render import Notes, SourceRef, host, note_spans, parse_blocks, safe_url, spans
from pipeline.verify.checker import cited_ids

# kind -> lang -> (file name, document title before the territory's name: document_title)
DOCUMENTS = {
    "argumentaire": {"fr": ("argumentaire-fr.docx", "Argumentaire d'attractivité"),
                     "en": ("argumentaire-en.docx", "Investment case")},
    "employer_brand": {"fr": ("kit-marque-employeur-fr.docx", "Kit marque employeur"),
                       "en": ("employer-brand-kit-en.docx", "Employer brand kit")},
}


def document_title(kind: str, lang: str) -> str:
    """The kind's title and the home territory's name ("Argumentaire d'attractivité — Aix-Marseille-Provence")."""
    return f"{DOCUMENTS[kind][lang][1]} — {current_agency().territory(lang)}"
NOTES_TITLE = {"fr": "Notes et sources", "en": "Notes and sources"}
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
_LICENCE = {
    "fr": "Publié sous Licence Ouverte / Open Licence version 2.0 (etalab-2.0, {u}) : réutilisation libre, y compris "
          "commerciale, en mentionnant la source et la date de dernière mise à jour : « {a} — {t}, {d} ». Les "
          "sources citées en notes restent sous leurs propres conditions.",
    "en": "Published under the Licence Ouverte / Open Licence version 2.0 (etalab-2.0, {u}): free reuse, commercial "
          "too, crediting the source and the date of the last update: “{a} — {t}, {d}”. The sources cited in the "
          "notes keep their own terms.",
}


def licence_statement(lang: str, title: str, day: date) -> str:
    """The licence of a document and the attribution etalab-2.0 asks for (source and date of the last update)."""
    return _LICENCE.get(lang, _LICENCE["fr"]).format(u=LICENCE_URL, a=agency_name(), t=title, d=long_date(day, lang))
PAGE_WORD = {"fr": "Page", "en": "Page"}
# characters XML 1.0 cannot hold; python-docx would raise on them
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DocSection:
    """One approved text going into a document."""

    title: str
    text: str
    version: int


def document_notes(sections: list[DocSection], lang: str) -> Notes:
    """One numbering for the whole document: each fact keeps its number wherever a section cites it."""
    return Notes([fid for sec in sections for fid in cited_ids(sec.text)], lang)


def write_docx(path: Path, kind: str, lang: str, sections: list[DocSection], sources: list[SourceRef],
               day: date | None = None) -> None:
    """Write one document: a title page, each approved text with its headings, lists, emphasis and note calls,
    then the numbered notes with their sources; page numbers in the footer."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    day = day or date.today()
    doc = Document()
    title = document_title(kind, lang)
    props = doc.core_properties
    props.title, props.language, props.author, props.last_modified_by = title, lang, agency_name(), agency_name()
    props.created = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    _title_page(doc, title, lang, day)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    notes = document_notes(sections, lang)
    for sec in sections:
        if not sec.text.lstrip().startswith("# "):
            doc.add_heading(_clean(sec.title), level=1)
        _add_markdown(doc, sec.text, notes)
    if sources:
        doc.add_heading(NOTES_TITLE.get(lang, NOTES_TITLE["fr"]), level=1)
        for s in sorted(sources, key=lambda s: notes.number(s.id)):
            p = doc.add_paragraph()
            p.add_run(f"{notes.number(s.id)}. ")
            _bookmark(p, f"note_{notes.number(s.id)}", notes.number(s.id))
            url = safe_url(s.url)
            if url:
                _hyperlink(p, _clean(s.title), url)
            else:
                p.add_run(_clean(s.title))
            p.add_run(f" · {host(url)} · {int(s.year)}" if url else f" · {int(s.year)}")
    _footer(doc, title, lang)
    doc.save(str(path))


def _title_page(doc, title: str, lang: str, day: date) -> None:
    from docx.shared import Pt
    brand = doc.add_paragraph()
    run = brand.add_run(agency_name())
    run.bold, run.font.size = True, Pt(20)
    doc.add_paragraph(labels(lang)["tagline"])
    for _ in range(6):
        doc.add_paragraph()
    doc.add_heading(_clean(title), level=0)
    doc.add_paragraph(long_date(day, lang))
    doc.add_paragraph(licence_statement(lang, title, day))


def _footer(doc, title: str, lang: str) -> None:
    """The footer of every page but the title page: the document's title and 'Page N / M' as Word fields."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # the title page has no number
    p = section.footer.paragraphs[0]
    p.text = f"{agency_name()} — {_clean(title)} · {PAGE_WORD.get(lang, 'Page')} "
    _field(p, "PAGE")
    p.add_run(" / ")
    _field(p, "NUMPAGES")


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay the document out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _add_markdown(doc, text: str, notes: Notes) -> None:
    for b in parse_blocks(text):
        if b.kind == "heading":
            _runs(doc.add_heading(level=b.level), b.lines[0], notes)
        elif b.kind == "paragraph":
            _runs(doc.add_paragraph(), " ".join(b.lines), notes)
        else:
            for item in b.lines:
                _runs(doc.add_paragraph(style="List Bullet"), item, notes)


def _runs(paragraph, text: str, notes: Notes) -> None:
    """Bold and italic spans as formatted runs, each citation as its note number in superscript."""
    for chunk, ids in note_spans(text):
        for part, style in spans(chunk):
            run = paragraph.add_run(_clean(part))
            run.bold = style == "bold" or None
            run.italic = style == "italic" or None
        for n, fid in enumerate(ids):
            if n:
                paragraph.add_run(",").font.superscript = True
            _note_call(paragraph, notes.number(fid))


def _note_call(paragraph, number: int) -> None:
    """The note's number in superscript, a link to its entry in the notes (Word's internal hyperlink)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), f"note_{number}")
    run = paragraph.add_run(str(number))
    run.font.superscript = True
    link.append(run._r)  # moved from the paragraph into the link
    paragraph._p.append(link)


def _bookmark(paragraph, name: str, bookmark_id: int) -> None:
    """A bookmark around the paragraph's start, the target of the note calls."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


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


def write_blocks_docx(path: Path, title: str, lang: str, subtitle: str, blocks: list[tuple[str, object]]) -> None:
    """A DOCX of plain blocks (the barometer report's): ("h1"|"h2"|"h3"|"p"|"caption"|"li", text), ("image", PNG
    bytes, 16 cm wide), ("grid", [PNG bytes], three a row), ("table", rows of cells, the first bold), ("pagebreak",
    None). python-docx is used here and in write_docx only."""
    from docx import Document
    from docx.shared import Cm, Pt
    doc = Document()
    doc.core_properties.title, doc.core_properties.language = title, lang
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title, 0)
    doc.add_paragraph(subtitle)
    styles = {"p": None, "caption": "Caption", "li": "List Bullet"}
    for kind, item in blocks:
        if kind == "pagebreak":
            doc.add_page_break()
        elif kind in ("h1", "h2", "h3"):
            doc.add_heading(item, int(kind[1]))
        elif kind in styles:
            doc.add_paragraph(item, style=styles[kind])
        elif kind == "image":
            doc.add_picture(item, width=Cm(16))
        elif kind == "grid":
            grid = doc.add_table(rows=(len(item) + 2) // 3, cols=3)
            for n, png in enumerate(item):
                grid.cell(n // 3, n % 3).paragraphs[0].add_run().add_picture(png, width=Cm(5.3))
        elif kind == "table":
            table = doc.add_table(rows=len(item), cols=max(len(r) for r in item))
            table.style = "Table Grid"
            for i, row in enumerate(item):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
                    if i == 0:
                        for run in table.cell(i, j).paragraphs[0].runs:
                            run.bold = True
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
