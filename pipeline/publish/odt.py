"""The documents as Markdown and OpenDocument Text (ODT), from the same content as the DOCX and the PDF.

Each carries its title, date and licence statement (etalab-2.0 and the attribution it asks for, documents.py), every
approved text with its headings, lists and emphasis, each citation as its note number, then the numbered notes with
their sources. The ODT is written with odfpy (imported here and nowhere else); the Markdown is the approved texts with
their citations turned into numbered notes ([^1]) and the notes listed at the end."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pipeline.publish.dates import long_date
from pipeline.publish.documents import NOTES_TITLE, DocSection, document_notes, licence_statement
from pipeline.publish.layout import agency_name, labels
from pipeline.publish.render import Notes, SourceRef, host, note_spans, parse_blocks, safe_url, spans

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def _clean(text: str) -> str:
    return _XML_BAD.sub("", text)


# ------------------------------------------------------------------ Markdown
def _md_inline(text: str, notes: Notes) -> str:
    out = []
    for chunk, ids in note_spans(text):
        out.append(chunk.rstrip() if ids else chunk)
        out += [f"[^{notes.number(fid)}]" for fid in ids]
    return "".join(out)


def document_markdown(lang: str, title: str, sections: list[DocSection], sources: list[SourceRef], day: date) -> str:
    """The whole document as Markdown (CommonMark with footnotes, as GitHub and Pandoc read it)."""
    notes = document_notes(sections, lang)
    parts = [f"# {title}", f"{agency_name()} — {labels(lang)['tagline']} · {long_date(day, lang)}",
             f"> {licence_statement(lang, title, day)}"]
    for sec in sections:
        if not sec.text.lstrip().startswith("# "):
            parts.append(f"## {sec.title}")
        for b in parse_blocks(sec.text):
            if b.kind == "heading":  # a text's own headings sit one level under the document's title
                parts.append("#" * min(b.level + 1, 6) + " " + _md_inline(b.lines[0], notes))
            elif b.kind == "paragraph":
                parts.append(_md_inline(" ".join(b.lines), notes))
            else:
                parts.append("\n".join(f"- {_md_inline(item, notes)}" for item in b.lines))
    if sources:
        parts.append(f"## {NOTES_TITLE.get(lang, NOTES_TITLE['fr'])}")
        for s in sorted(sources, key=lambda s: notes.number(s.id)):
            url = safe_url(s.url)
            where = f"[{s.title}]({url}) · {host(url)}" if url else s.title
            parts.append(f"[^{notes.number(s.id)}]: {where} · {int(s.year)}")
    return "\n\n".join(parts) + "\n"


def write_markdown(path: Path, lang: str, title: str, sections: list[DocSection], sources: list[SourceRef],
                   day: date) -> None:
    path.write_text(document_markdown(lang, title, sections, sources, day), encoding="utf-8")


# ------------------------------------------------------------------ ODT
def write_odt(path: Path, lang: str, title: str, sections: list[DocSection], sources: list[SourceRef],
              day: date) -> None:
    """Write the document as ODT: title page, the texts (Heading, Text body, List styles), the notes and sources."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import A, H, List, ListItem, P, Span

    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text=_clean(title)))
    doc.meta.addElement(dc.Language(text=lang))
    doc.meta.addElement(dc.Creator(text=agency_name()))
    doc.meta.addElement(meta.InitialCreator(text=agency_name()))
    doc.meta.addElement(meta.CreationDate(text=f"{day.isoformat()}T00:00:00"))
    styles = {}
    for name, props in (("Bold", {"fontweight": "bold"}), ("Italic", {"fontstyle": "italic"}),
                        ("NoteCall", {"textposition": "super 58%"})):
        st = Style(name=name, family="text")
        st.addElement(TextProperties(**props))
        doc.automaticstyles.addElement(st)
        styles[name] = st
    notes = document_notes(sections, lang)

    def runs(parent, text: str) -> None:
        for chunk, ids in note_spans(text):
            for part, style in spans(chunk.rstrip() if ids else chunk):
                part = _clean(part)
                if style == "bold":
                    parent.addElement(Span(stylename=styles["Bold"], text=part))
                elif style == "italic":
                    parent.addElement(Span(stylename=styles["Italic"], text=part))
                else:
                    parent.addText(part)
            if ids:
                parent.addElement(Span(stylename=styles["NoteCall"],
                                       text=",".join(str(notes.number(fid)) for fid in ids)))

    body = doc.text
    body.addElement(P(text=agency_name()))
    body.addElement(P(text=_clean(labels(lang)["tagline"])))
    body.addElement(H(outlinelevel=1, text=_clean(title)))
    body.addElement(P(text=long_date(day, lang)))
    body.addElement(P(text=_clean(licence_statement(lang, title, day))))
    for sec in sections:
        if not sec.text.lstrip().startswith("# "):
            body.addElement(H(outlinelevel=1, text=_clean(sec.title)))
        for b in parse_blocks(sec.text):
            if b.kind == "heading":
                h = H(outlinelevel=min(b.level, 6))
                runs(h, b.lines[0])
                body.addElement(h)
            elif b.kind == "paragraph":
                p = P()
                runs(p, " ".join(b.lines))
                body.addElement(p)
            else:
                lst = List()
                for item in b.lines:
                    li, p = ListItem(), P()
                    runs(p, item)
                    li.addElement(p)
                    lst.addElement(li)
                body.addElement(lst)
    if sources:
        body.addElement(H(outlinelevel=1, text=NOTES_TITLE.get(lang, NOTES_TITLE["fr"])))
        for s in sorted(sources, key=lambda s: notes.number(s.id)):
            p = P(text=f"{notes.number(s.id)}. ")
            url = safe_url(s.url)
            if url:
                p.addElement(A(href=url, type="simple", text=_clean(s.title)))
                p.addText(f" · {host(url)} · {int(s.year)}")
            else:
                p.addText(f"{_clean(s.title)} · {int(s.year)}")
            body.addElement(p)
    doc.save(str(path))
