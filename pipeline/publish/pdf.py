"""The documents as PDF, from the same content as the DOCX: HTML and the site's stylesheet laid out by WeasyPrint.

WeasyPrint is imported here and nowhere else. It needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0); without it the PDF is not made and the error says which package to install, while the rest of
the publish lands."""
from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from pipeline.errors import PublishError
from pipeline.publish.dates import long_date
from pipeline.publish.documents import NOTES_TITLE, DocSection, document_notes, licence_statement
from pipeline.publish.layout import agency_name, labels
from pipeline.publish.render import SourceRef, markdown_to_html, sources_html

STYLE = Path(__file__).with_name("site.css")
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def _weasyprint():
    """The WeasyPrint module, or PublishError naming what is missing and how to install it."""
    try:
        import weasyprint
    except ImportError as exc:
        raise PublishError(f"the PDF cannot be made: WeasyPrint is not installed ({exc})",
                           fix="install the requirements: .venv/bin/python -m pip install -r requirements.txt") from exc
    except OSError as exc:  # cffi could not open a shared library (Pango, GObject, HarfBuzz)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PublishError(f"the PDF cannot be made: WeasyPrint needs system libraries that are missing ({first})",
                           fix=f"install Debian's {SYSTEM_PACKAGES} (as root: apt-get install {SYSTEM_PACKAGES}, "
                               "or bash scripts/setup.sh), then publish again; the DOCX and the site were "
                               "published") from exc
    return weasyprint


def document_html(kind: str, lang: str, title: str, sections: list[DocSection], sources: list[SourceRef],
                  day: date) -> str:
    """The document as one HTML page: the title page, each text with its note calls, then the notes and sources."""
    notes = document_notes(sections, lang)
    e = html.escape
    parts = [f'<section class="title-page">\n<p class="brand-name">{e(agency_name())}</p>\n'
             f'<p class="brand-tagline">{e(labels(lang)["tagline"])}</p>\n<h1>{e(title)}</h1>\n'
             f'<p class="date"><time datetime="{day.isoformat()}">{e(long_date(day, lang))}</time></p>\n'
             f'<p class="licence">{e(licence_statement(lang, title, day))}</p>\n</section>']
    for sec in sections:
        body = markdown_to_html(sec.text, notes, lang, shift=0)
        if not sec.text.lstrip().startswith("# "):
            body = f"<h1>{e(sec.title)}</h1>\n{body}"
        parts.append(f'<article class="text doc-section">\n{body}\n</article>')
    if sources:
        parts.append(sources_html(sources, lang, notes).replace(
            '<h2>Sources</h2>', f'<h2>{NOTES_TITLE.get(lang, NOTES_TITLE["fr"])}</h2>', 1))
    return (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
            f'<meta name="author" content="{e(agency_name())}">\n<meta name="dcterms.created" content="{day.isoformat()}">\n'
            f'<meta name="description" content="{e(title)}">\n</head>\n'
            f'<body class="print-document kind-{e(kind)}" data-running-title="{e(title)}">\n'
            + "\n".join(parts) + "\n</body>\n</html>\n")


def write_pdf(path: Path, kind: str, lang: str, title: str, sections: list[DocSection], sources: list[SourceRef],
              day: date) -> None:
    """Lay the document out as PDF at `path` (page numbers from the stylesheet's @page rules)."""
    weasyprint = _weasyprint()
    page = document_html(kind, lang, title, sections, sources, day)
    doc = weasyprint.HTML(string=page, base_url=str(path.parent)).render(
        stylesheets=[weasyprint.CSS(filename=str(STYLE))])
    doc.write_pdf(str(path), pdf_tags=True)  # a tagged PDF: headings, lists, links and the language for screen readers
