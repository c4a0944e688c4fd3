"""A document staff bring (Markdown, DOCX, PDF) read into its text and language, or refused with the fix.

A refusal names the document and the fix. python-docx reads the DOCX, pypdf the PDF (both pinned for the publish
documents); nothing is run on the file.

Refused: a file over MAX_BYTES; a type other than .md/.markdown/.txt, .docx, .pdf; a DOCX with tracked changes (which
text is the document's is not known until someone accepts or rejects them); a PDF with no text layer (a scan: the
product does not OCR); a document in a language other than French or English (the resource centre's two; py3langid
identifies it)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import StudioError

MAX_BYTES = 20 * 1024 * 1024
KINDS = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".docx": "docx", ".pdf": "pdf"}
MIN_CHARS_PER_PAGE = 40  # below this on average, a PDF's pages are images
SAMPLE = 20000  # characters of the text the language is identified on


class DocumentError(StudioError):
    """A document staff brought cannot be read as it is."""

    exit_code = 2


@dataclass(frozen=True)
class DocumentText:
    path: Path
    kind: str           # markdown | docx | pdf
    text: str           # paragraphs separated by blank lines
    lang: str           # fr | en
    pages: int = 0      # a PDF's pages


def detect_lang(text: str) -> str:
    """The text's language as py3langid identifies it (ISO 639-1: 'fr', 'en', 'es'…), on its first characters."""
    import py3langid
    return py3langid.classify(text[:SAMPLE])[0]


def _docx_text(path: Path) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{path.name}: not a readable DOCX ({exc})",
                            fix="open it in Word or LibreOffice and save it again as .docx") from exc
    body = doc.element.body
    ins, dels = len(body.xpath(".//w:ins")), len(body.xpath(".//w:del"))  # python-docx knows the w: prefix
    if ins or dels:
        raise DocumentError(f"{path.name} has tracked changes ({ins} insertion(s), {dels} deletion(s)): which text is "
                            "the document's is not decided", fix="in Word: Review → Accept (or Reject) all changes, "
                            "save, then add it again (LibreOffice: Edit → Track Changes → Manage → Accept All)")
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" · ".join(c.text for c in row.cells) for row in table.rows]
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _pdf_text(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError(f"{path.name} is encrypted", fix="save an unprotected copy, then add it again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError) as exc:
        raise DocumentError(f"{path.name}: not a readable PDF ({exc})",
                            fix="export it again as PDF from the program that made it") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if len(re.sub(r"\s", "", text)) < MIN_CHARS_PER_PAGE * max(1, len(pages)) / 4:
        raise DocumentError(f"{path.name} has no text layer ({len(pages)} page(s) of images, a scan): the studio does "
                            "not do OCR", fix="export the PDF from the original document (Word, LibreOffice) so that "
                            "it holds its text, or run OCR yourself first (e.g. ocrmypdf), then add it again")
    return text, len(pages)


def read_document(path: Path, lang: str | None = None) -> DocumentText:
    """The document's text and language; `lang` given by staff overrides the detection (and allows no other)."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: no such file", fix="give the path of the document")
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(f"{path.name}: {path.suffix or 'no extension'} is not a document the studio reads",
                            fix="give a Markdown (.md), Word (.docx) or PDF (.pdf) file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"{path.name} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB",
                            fix="compress its images (PDF: 'reduced size' export) or split it, then add it again")
    pages = 0
    if kind == "markdown":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{path.name} is not UTF-8 text (byte {exc.start})",
                                fix="save it as UTF-8 (any editor's 'Save as… UTF-8'), then add it again") from exc
    elif kind == "docx":
        text = _docx_text(path)
    else:
        text, pages = _pdf_text(path)
    if not text.strip():
        raise DocumentError(f"{path.name} holds no text", fix="check that it is the right file")
    found = detect_lang(text)
    if lang is None:
        if found not in ("fr", "en"):
            raise DocumentError(f"{path.name} reads as {found!r}, neither French nor English: the resource centre "
                                "publishes in French and English", fix="add a French or English version; if it is "
                                "one (a short or mixed text can mislead), say so with --lang fr or --lang en")
        lang = found
    elif lang not in ("fr", "en"):
        raise DocumentError(f"{path.name}: language {lang!r} is not one the site publishes", fix="use --lang fr or en")
    return DocumentText(path, kind, text, lang, pages)
